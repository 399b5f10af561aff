"""Browser journey of outcomes on a phone (R19): an officer of the open visit records a finding on the failed
entry and orders it corrected by a deadline (a re-check task is filed) and refers it to another agency; the
receiving agency's head accepts and handles the referral, and the referring agency reads the result.
"""

import datetime as dt

import pytest

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r19_officer_orders_a_correction_and_the_receiving_agency_handles_a_referral(
        phone, screenshot, outcomes_county, failed_visit):
    from clearcheck.inspections.models import Disposition, Finding

    county = outcomes_county
    visit = failed_visit(failed=(2,))
    page = phone
    deadline = clock.local_today() + dt.timedelta(days=10)

    # The officer records the finding on the failed entry (the only one offered) …
    login(page, county["officer_users"][0].username)
    page.goto(f"/work/inspections/visits/{visit.pk}/outcomes/")
    new = page.locator("#new-finding")
    expect(new).to_contain_text("查看锅炉定期检验报告")
    expect(new).not_to_contain_text("查看食品生产许可证")
    new.locator("textarea[name=description]").fill("锅炉超期未检验")
    new.locator("textarea[name=legal_basis]").fill("《特种设备安全法》第四十条")
    assert_fits_phone(page)
    new.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("已登记检查发现")
    card = page.locator(".finding", has_text="锅炉超期未检验")
    expect(card).to_contain_text("尚未作出处置")
    expect(page.locator("p.error")).to_contain_text("尚未作出处置")

    # … orders it corrected by a deadline: big buttons, then only the fields that kind needs.
    form = card.locator("form.dispose")
    form.locator("label", has_text="责令限期改正").click()
    expect(form.locator("input[name=deadline]")).to_be_visible()
    expect(form.locator("input[name=case_number]")).to_be_hidden()
    form.locator("input[name=deadline]").fill(deadline.isoformat())
    form.locator("textarea[name=note]").fill("委托特种设备检验机构检验并取得合格报告")
    assert_fits_phone(page)
    screenshot(page, "journey-outcomes-dispose")
    form.get_by_role("button", name="添加处置").click()
    expect(page.locator(".messages")).to_contain_text("责令限期改正")
    card = page.locator(".finding", has_text="锅炉超期未检验")
    expect(card).to_contain_text(f"{deadline.year}年{deadline.month}月{deadline.day}日")
    expect(card.locator("ul.dispositions")).to_contain_text("复查")  # the re-check task filed
    expect(card.get_by_role("link", name="责令改正通知书(PDF)")).to_be_visible()

    # … and refers it to the health commission as well.
    card.locator("summary", has_text="添加处置").click()
    form = card.locator("form.dispose")
    form.locator("label", has_text="移送其他机关").click()
    form.locator("select[name=referred_to]").select_option(label=county["receiver"].name)
    form.locator("textarea[name=note]").fill("锅炉房操作人员无健康证明,移送卫健局")
    form.get_by_role("button", name="添加处置").click()
    expect(page.locator(".messages")).to_contain_text("移送其他机关")
    assert_fits_phone(page)
    screenshot(page, "journey-outcomes-recorded")
    finding = Finding.objects.get(record__visit=visit)
    order = finding.dispositions.get(kind="correct_by_deadline")
    assert order.deadline == deadline and order.recheck_task.status == "submitted"
    assert list(order.recheck_task.items.all()) == [county["items"]["boiler"]]
    referral = finding.dispositions.get(kind="refer")

    # The receiving agency's head finds it in the inbox, accepts it and records how it was handled.
    login(page, county["receiver_head"].username)
    page.goto("/work/inspections/referrals/")
    page.get_by_role("link", name=f"移送 #{referral.pk}").click()
    expect(page.locator("h1")).to_contain_text("待接收")
    page.get_by_role("button", name="接收").click()
    expect(page.locator(".messages")).to_contain_text("已接收移送")
    page.locator("textarea[name=note]").fill("已责令企业安排持证人员上岗,不予立案")
    assert_fits_phone(page)
    page.get_by_role("button", name="办结").click()
    expect(page.locator("#referral-result")).to_contain_text("不予立案")
    screenshot(page, "journey-outcomes-referral-handled")

    # The referring agency reads the result; another agency's inbox never showed it.
    login(page, county["admin"].username)
    page.goto(f"/work/inspections/referrals/{referral.pk}/")
    expect(page.locator("#referral-result")).to_contain_text("已责令企业安排持证人员上岗")
    login(page, county["stranger_admin"].username)
    page.goto("/work/inspections/referrals/")
    expect(page.locator("main")).to_contain_text("没有移送给本机关的案件")
    assert Disposition.objects.get(pk=referral.pk).status == "closed"
    assert not page.js_errors
