"""Phone journeys of check-in (扫码入企, R11, R14, R28): the first officer opens the code's landing URL and
checks in, the second confirms on their own account, the visit opens, and the enterprise sees who is
inspecting, on what basis, the count against the cap, the conduct prohibitions and its right to recusal.
A second journey checks in by the browser's position (定位打卡) without a code.
"""

import re

import pytest

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r14_two_officers_check_in_and_the_enterprise_sees_r28_facts(phone, screenshot, onsite_county):
    from clearcheck.inspections.models import Visit
    from clearcheck.registry import codes

    county = onsite_county
    first, second = county["officer_users"][:2]
    zhang, wang = county["officers"][:2]
    page = phone

    # Officer 1 scans the poster: the phone camera opens the code's landing URL.
    login(page, first.username)
    page.goto(f"/public/c/{codes.enterprise_code_token(county['code'])}/")
    form = page.locator("#checkin-form")
    expect(form).to_contain_text("食品生产许可条件保持情况检查")
    expect(form.locator(f"input[name=task_ids][value='{county['task'].pk}']")).to_be_checked()
    assert_fits_phone(page)
    screenshot(page, "journey-checkin-landing")
    form.get_by_role("button", name="签到入企").click()
    expect(page).to_have_url(re.compile(r"/work/inspections/visits/\d+/$"))
    expect(page.locator("#visit-status")).to_contain_text("待同行人员确认")
    expect(page.locator("#countdown")).to_contain_text("剩余")
    expect(page.locator("#visit-team")).to_contain_text("未确认")
    assert_fits_phone(page)
    screenshot(page, "journey-checkin-pending")
    visit_url = page.url

    # Officer 2 confirms on their own account, from the task list.
    login(page, second.username)
    page.goto("/work/inspections/my-tasks/")
    pending = page.locator("#to-confirm")
    expect(pending).to_contain_text(county["enterprise"].name)
    assert_fits_phone(page)
    pending.get_by_role("button", name="本人确认入企").click()
    expect(page.locator(".messages")).to_contain_text("入企检查已开始")
    expect(page.locator("#visit-status")).to_contain_text("检查中")
    expect(page.locator("#visit-links").get_by_role("link", name="现场检查笔录")).to_be_visible()
    assert page.url == visit_url
    assert_fits_phone(page)
    screenshot(page, "journey-checkin-open")
    visit = Visit.objects.get()
    assert visit.status == "open" and visit.visit_officers.filter(confirmed_at__isnull=False).count() == 2

    # The enterprise sees who is inspecting, on what basis, the count, the prohibitions and its rights.
    login(page, county["enterprise_user"].username)
    page.goto("/enterprise/visits/")
    expect(page.locator("#current-visit")).to_contain_text("检查中")
    team = page.locator("#visit-team")
    for officer in (zhang, wang):
        expect(team).to_contain_text(officer.name)
        expect(team).to_contain_text(officer.credential_no)
    expect(team).to_contain_text(county["agency"].name)
    expect(page.locator("#visit-basis")).to_contain_text("《食品安全法》第一百一十条")
    expect(page.locator("#visit-count")).to_contain_text("B 级年度上限 1 次")
    expect(page.locator("#conduct-prohibitions")).to_contain_text("五个严禁")
    expect(page.locator("#conduct-prohibitions")).to_contain_text("不得参加被检查企业提供的宴请")
    expect(page.locator("#enterprise-rights").get_by_role("link", name="申请回避")).to_have_attribute(
        "href", "/work/inspections/recusals/")
    assert_fits_phone(page)
    screenshot(page, "journey-checkin-enterprise")
    assert not page.js_errors, page.js_errors


def test_r11_geolocated_check_in_without_a_code(browser, live_server, screenshot, onsite_county):
    from clearcheck.inspections.models import Visit
    from tests.browser.conftest import PHONE

    county = onsite_county
    lat, lng = point_north(80)  # noqa: F405
    context = browser.new_context(base_url=live_server.url, geolocation={"latitude": lat, "longitude": lng,
                                                                         "accuracy": 10},
                                  permissions=["geolocation"], **PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(page, county["officer_users"][0].username)
        page.goto("/work/inspections/my-tasks/")
        page.locator(f"#task-{county['task'].pk}").get_by_role("link", name=re.compile("定位打卡")).click()
        expect(page.locator("#geo-status")).to_contain_text("已定位")
        assert_fits_phone(page)
        screenshot(page, "journey-checkin-geolocation")
        page.get_by_role("button", name="定位打卡并签到").click()
        expect(page.locator("#visit-status")).to_contain_text("待同行人员确认")
        expect(page.locator("#visit-summary")).to_contain_text("定位打卡")
        visit = Visit.objects.get()
        assert visit.entry_method == "geolocation" and visit.distance_m == 80 and visit.accuracy_m == 10
        assert not errors, errors
    finally:
        context.close()
