"""Browser journey: the bureau coordinates next month's plans on a phone and merges a group (R09, R20)."""

import datetime as dt
import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_merges_two_agencies_overlapping_tasks_into_a_joint_inspection(
    phone, screenshot, make_agency, make_enterprise, make_user_plain,
):
    from clearcheck.core import clock
    from clearcheck.planning.models import InspectionTask, JointInspection
    from clearcheck.planning.selectors.coordination import coordination_period_default
    from clearcheck.planning.tests.test_coordination_fixtures import agency_kit, task_make

    bureau = make_user_plain("bureau", username="sfj-coord")
    market = agency_kit(make_agency("东阿县市场监督管理局"), bureau=bureau)
    safety = agency_kit(make_agency("东阿县应急管理局"), bureau=bureau)
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    start, _ = coordination_period_default(clock.local_today())
    day = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    a = task_make(market, enterprise, day(3), day(12))
    b = task_make(safety, enterprise, day(8), day(20), items=safety["items"])
    page = phone

    login(page, "sfj-coord")  # with the second step its role needs (issue 20)

    page.goto("/work/planning/coordination/")
    expect(page.locator("h1")).to_contain_text("检查计划统筹")
    expect(page.locator("input[name=start]")).to_have_value(start.isoformat())  # next month by default
    card = page.locator(f"section.group[data-enterprise='{enterprise.pk}']")
    expect(card).to_contain_text("东阿阿胶股份有限公司")
    expect(card).to_contain_text("东阿县市场监督管理局")
    expect(card).to_contain_text("东阿县应急管理局")
    expect(card).to_contain_text("2 个机关")
    suggested = day(12)
    expect(card.locator(".visit")).to_contain_text(f"{suggested.year}年{suggested.month}月{suggested.day}日")
    expect(card.locator(".visit")).to_contain_text("东阿县应急管理局")  # suggested lead: most items
    assert_fits_phone(page)
    screenshot(page, "journey-planning-coordination")

    card.locator("select[name=lead_agency_id]").select_option(label="东阿县应急管理局")
    card.locator("input[name=note]").fill("两局同月入企,合并为一次联合检查")
    card.get_by_role("button", name="合并为联合检查").click()

    expect(page).to_have_url(re.compile(r"/work/planning/joint-inspections/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("已合并为联合检查")
    expect(page.locator("#lead-agency")).to_contain_text("东阿县应急管理局")
    expect(page.locator("#joint-tasks")).to_contain_text(f"#{a.pk}")
    expect(page.locator("#joint-tasks")).to_contain_text(f"#{b.pk}")
    expect(page.locator("#joint-note")).to_contain_text("一表通查事项")
    assert_fits_phone(page)
    assert not page.js_errors, page.js_errors
    screenshot(page, "journey-planning-joint-inspection")

    joint = JointInspection.objects.get()
    assert joint.lead_agency_id == safety["agency"].pk
    assert set(InspectionTask.objects.filter(joint_inspection=joint).values_list("pk", flat=True)) == {a.pk, b.pk}

    page.goto("/work/planning/coordination/")
    expect(page.locator("#groups")).not_to_contain_text("东阿阿胶股份有限公司")  # merged: no longer a group
