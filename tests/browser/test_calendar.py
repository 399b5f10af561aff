"""Issue 20 (Deliver 7): the judicial bureau on a 390×844 phone loads next year's working-day calendar from a file,
sees a refused file's problems by line, corrects one day, and the urgent task whose deadline was provisional
becomes exact.
"""

import datetime as dt

import pytest

from clearcheck.planning.tests.calendar_samples import CSV_2027
from tests.browser.helpers import assert_fits_phone, expect

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]


def _signed_in(page, user, live_server) -> None:
    # The session is made directly (the log-in form and its second step have journeys of their own): this
    # journey is about the calendar.
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])


def test_issue20_the_bureau_loads_a_year_and_corrects_a_day(phone, screenshot, county, tmp_path, live_server):
    from clearcheck.feedback.models import Complaint
    from clearcheck.feedback.services.complaints import complaint_receive

    users = county["users"]
    complaint = complaint_receive(actor=users["bureau"], subject="重复检查", content="请予合并检查",
                                  channel="federation", complainant_name="县工商联")
    # As if received on 15 December 2026: its 15 working days reach 2027, which is not loaded.
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=dt.datetime(2026, 12, 15, 2, tzinfo=dt.UTC), deadline=dt.date(2027, 1, 5),
        deadline_provisional=True)
    page = phone
    _signed_in(page, users["bureau"], live_server)

    page.goto(f"/work/feedback/complaints/{complaint.pk}/")
    expect(page.locator("main")).to_contain_text("暂按周一至周五计算,待县司法局载入该年工作日历后确定")

    page.goto("/work/planning/calendar/")
    expect(page.locator("#years")).to_contain_text("2026")
    expect(page.locator("#years")).to_contain_text("2025")
    expect(page.locator("#missing")).to_contain_text("2027")
    assert_fits_phone(page)
    screenshot(page, "calendar-index")

    # A file with a date twice and a date outside the year is refused, each problem with its line.
    bad = tmp_path / "2027-bad.csv"
    bad.write_text(CSV_2027 + "2027-01-01,放假,元旦\n2028-01-03,放假,元旦\n", encoding="utf-8")
    page.locator("#load select[name=year]").select_option("2027")
    page.locator("#load input[name=file]").set_input_files(str(bad))
    page.locator("#load").get_by_role("button", name="载入").click()
    errors = page.locator("#load [role=alert]")
    expect(errors).to_contain_text("第 20 行:2027-01-01 重复")
    expect(errors).to_contain_text("第 21 行:2028-01-03 不在 2027 年内")
    assert_fits_phone(page)

    good = tmp_path / "2027.csv"
    good.write_text(CSV_2027, encoding="utf-8")
    page.locator("#load select[name=year]").select_option("2027")
    page.locator("#load input[name=file]").set_input_files(str(good))
    page.locator("#load").get_by_role("button", name="载入").click()
    expect(page.locator(".messages")).to_contain_text("已载入 2027 年工作日历")
    expect(page.locator(".messages")).to_contain_text("重新计算 1 个期限")
    expect(page.locator("#workdays")).to_contain_text("春节调休上班")
    assert_fits_phone(page)
    screenshot(page, "calendar-2027")
    complaint.refresh_from_db()
    assert (complaint.deadline, complaint.deadline_provisional) == (dt.date(2027, 1, 6), False)

    # Correct one day: 4 January 2027 becomes a holiday; the complaint's deadline moves a day.
    page.goto("/work/planning/calendar/")
    expect(page.locator("#missing")).to_have_count(0)
    page.locator("#correct input[name=date]").fill("2027-01-04")
    page.locator("#correct select[name=kind]").select_option("holiday")
    page.locator("#correct input[name=name]").fill("元旦")
    page.locator("#correct").get_by_role("button", name="保存更正").click()
    expect(page.locator("#day-2027-01-04")).to_contain_text("元旦")
    complaint.refresh_from_db()
    assert complaint.deadline == dt.date(2027, 1, 7)
    page.goto(f"/work/feedback/complaints/{complaint.pk}/")
    expect(page.locator("main")).not_to_contain_text("待县司法局载入")
    assert page.js_errors == []
