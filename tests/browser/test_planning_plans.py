"""Browser journeys of plans on a phone-sized screen in Chinese: an agency files its annual plan and the bureau
sees it (R05); a special plan approved by the county government appears on the public site (R08).
"""

import datetime as dt
import re

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, PHONE  # noqa: F401  (same phone as the other journeys)
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def log_in(page, username: str) -> None:
    login(page, username)  # with the second step its role needs (issue 20)


def new_phone(page):
    """A fresh phone context on the same live server (another person's phone)."""
    base = re.match(r"https?://[^/]+", page.url).group(0)
    context = page.context.browser.new_context(base_url=base, **PHONE)
    context.set_default_timeout(15_000)
    return context


def test_agency_files_its_plan_and_the_bureau_sees_it(phone, screenshot, make_agency, make_user):
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.planning.services import plans

    agency = make_agency("东阿县市场监督管理局")
    make_agency("东阿县应急管理局")
    admin = make_user("agency_admin", agency=agency, username="scjg-admin")
    make_user("bureau", username="sfj-bureau")
    catalog.item_create(actor=admin, code="SCJG-001", name="食品生产许可条件保持情况检查",
                        legal_basis="《中华人民共和国食品安全法》第一百一十条", object_scope="食品生产企业",
                        method="现场检查")
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    year = clock.local_year() + 1  # next year's plan: filed now, it is on time (R05)
    plan = plans.annual_plan_create(actor=admin, agency=agency, year=year, basis="《优化营商环境条例》",
                                    goals="规范涉企检查", forms="双随机抽查为主", scope="全县食品生产企业",
                                    content="许可条件保持情况")
    page = phone
    log_in(page, "scjg-admin")
    page.goto(f"/work/planning/plans/{plan.pk}/")
    expect(page.locator("h1")).to_contain_text(f"{year} 年度检查计划")
    assert_fits_phone(page)

    march = page.locator("#month-3")
    march.get_by_text("添加或调整事项").click()
    march.locator("select[name=item]").select_option(label="SCJG-001 食品生产许可条件保持情况检查")
    march.locator("input[name=target_count]").fill("4")
    march.locator("input[name=note]").fill("春季集中检查")
    march.get_by_role("button", name="添加/更新").click()
    expect(page.locator("#month-3")).to_contain_text("食品生产许可条件保持情况检查")
    expect(page.locator("#month-3")).to_contain_text("合计 4 户次")
    assert_fits_phone(page)
    screenshot(page, "journey-plan-schedule")

    page.locator("#file").get_by_role("button", name="备案").click()
    expect(page).to_have_url(re.compile(r"/work/planning/filings/\d+/$"))
    expect(page.locator("h1")).to_contain_text("备案第 1 版")
    expect(page.locator("#schedule")).to_contain_text("春季集中检查")
    assert_fits_phone(page)
    assert not page.js_errors, page.js_errors

    bureau = new_phone(page)
    try:
        officer = bureau.new_page()
        log_in(officer, "sfj-bureau")
        officer.goto("/work/planning/filings/")
        officer.locator("select[name=year]").select_option(str(year))
        officer.get_by_role("button", name="查看").click()
        row = officer.locator("#overview tr", has_text="东阿县市场监督管理局")
        expect(row).to_contain_text("按时备案")
        expect(row).to_contain_text("v1")
        expect(officer.locator("#overview tr", has_text="东阿县应急管理局")).to_contain_text("未备案")
        assert_fits_phone(officer)
        screenshot(officer, "journey-filings-overview")
        row.get_by_role("link", name="v1").click()
        expect(officer.locator("#schedule")).to_contain_text("SCJG-001")
    finally:
        bureau.close()


def test_government_approves_a_special_plan_and_the_public_sees_it(phone, screenshot, make_agency, make_user):
    from clearcheck.core import clock
    from clearcheck.planning.services import special_plans

    agency = make_agency("东阿县市场监督管理局")
    partner = make_agency("东阿县应急管理局")
    admin = make_user("agency_admin", agency=agency)
    make_user("government", username="xzf-gov")
    year = clock.local_year()
    plan = special_plans.special_plan_create(
        actor=admin, lead_agency=agency, year=year, title="阿胶生产企业质量安全专项检查",
        scope="全县阿胶及其制品生产企业", content="原料来源、生产过程控制、出厂检验",
        period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31),
        assessment="近期抽检不合格率上升,经过评估确需开展", co_agencies=[partner.pk],
    )
    special_plans.special_plan_legal_review_record(actor=admin, plan_id=plan.pk, opinion="经审核,合法")
    special_plans.special_plan_discussion_record(actor=admin, plan_id=plan.pk, record="局务会议研究同意",
                                                 discussed_on=clock.local_today())
    special_plans.special_plan_submit(actor=admin, plan_id=plan.pk)

    page = phone
    # Before approval the public does not see it.
    page.goto("/public/special-plans/")
    expect(page.locator("#special-plans")).not_to_contain_text("阿胶生产企业质量安全专项检查")

    log_in(page, "xzf-gov")
    page.goto("/work/planning/special-plans/")
    page.get_by_role("link", name="阿胶生产企业质量安全专项检查").click()
    expect(page).to_have_url(re.compile(rf"/work/planning/special-plans/{plan.pk}/$"))
    decide = page.locator("#decide")
    decide.locator("textarea[name=note]").first.fill("同意开展,注意减少对企业正常经营的影响")
    decide.get_by_role("button", name="批准并公布").click()
    expect(page.locator("h1")).to_contain_text("已批准")
    assert_fits_phone(page)
    screenshot(page, "journey-special-plan-approved")
    assert not page.js_errors, page.js_errors

    public = new_phone(page)
    try:
        visitor = public.new_page()
        visitor.goto("/public/special-plans/")
        visitor.get_by_role("link", name="阿胶生产企业质量安全专项检查").click()
        expect(visitor).to_have_url(re.compile(rf"/public/special-plans/{plan.pk}/$"))
        body = visitor.locator("main")
        expect(body).to_contain_text("东阿县市场监督管理局")
        expect(body).to_contain_text("东阿县应急管理局")
        expect(body).to_contain_text("全县阿胶及其制品生产企业")
        expect(body).to_contain_text("同意开展")
        assert_fits_phone(visitor)
        screenshot(visitor, "journey-special-plan-public")
    finally:
        public.close()
