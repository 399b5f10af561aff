"""The two required browser journeys, on a phone-sized screen in Chinese (R02, R04)."""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published_items(admin, agency):
    from clearcheck.catalog import services as catalog

    food = catalog.item_create(
        actor=admin, code="SCJG-001", name="食品生产许可条件保持情况检查",
        legal_basis="《中华人民共和国食品安全法》第一百一十条", object_scope="食品生产企业", method="现场检查",
    )
    boiler = catalog.item_create(
        actor=admin, code="SCJG-002", name="特种设备使用单位安全管理检查",
        legal_basis="《中华人民共和国特种设备安全法》第五十七条", object_scope="特种设备使用单位", method="现场检查",
    )
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    return food, boiler


def test_public_visitor_searches_an_agencys_item_list(phone, screenshot, make_agency, make_user):
    agency = make_agency("东阿县市场监督管理局")
    make_agency("东阿县应急管理局")
    _published_items(make_user("agency_admin", agency=agency), agency)
    page = phone

    page.goto("/")
    expect(page.locator("h1")).to_contain_text("涉企行政检查")
    page.locator("nav.main").get_by_role("link", name="检查主体", exact=True).click()
    expect(page).to_have_url(re.compile(r"/public/agencies/$"))
    assert_fits_phone(page)

    page.get_by_role("link", name="东阿县市场监督管理局").click()
    expect(page).to_have_url(re.compile(rf"/public/agencies/{agency.pk}/$"))
    page.get_by_role("link", name="检查事项清单").first.click()
    expect(page).to_have_url(re.compile(rf"/public/agencies/{agency.pk}/items/"))
    items = page.locator("#items")
    expect(items).to_contain_text("食品生产许可条件保持情况检查")
    expect(items).to_contain_text("特种设备使用单位安全管理检查")

    page.locator("input[name=q]").fill("特种设备")
    page.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(items).to_contain_text("特种设备使用单位安全管理检查")
    expect(items).not_to_contain_text("食品生产许可条件保持情况检查")
    assert_fits_phone(page)
    assert not page.js_errors, page.js_errors
    screenshot(page, "journey-public-item-search")


def test_agency_admin_publishes_a_checklist(phone, screenshot, make_agency, make_user):
    agency = make_agency("东阿县市场监督管理局")
    admin = make_user("agency_admin", agency=agency, username="scjg-admin")
    food, _ = _published_items(admin, agency)
    page = phone

    login(page, "scjg-admin")  # with the second step its role needs (issue 20)

    page.goto("/work/catalog/checklists/")
    form = page.locator("#create form")
    form.locator("input[name=code]").fill("SCJG-BD-01")
    form.locator("input[name=name]").fill("食品生产企业监督检查表")
    form.locator("input[name=object_type]").fill("食品生产企业")
    form.get_by_role("button").click()

    if not re.search(r"/work/catalog/checklists/\d+/$", page.url):
        page.get_by_role("link", name="SCJG-BD-01").click()
    expect(page).to_have_url(re.compile(r"/work/catalog/checklists/\d+/$"))
    checklist_id = int(re.search(r"/checklists/(\d+)/$", page.url).group(1))
    expect(page.locator("h1")).to_contain_text("食品生产企业监督检查表")

    page.locator("select[name=item]").select_option(str(food.pk))
    page.locator("textarea[name=content]").fill("查验食品生产许可证及生产条件是否持续符合要求")
    page.get_by_role("button", name="添加条目").click()
    expect(page.locator("#entries")).to_contain_text("查验食品生产许可证")

    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("button", name="发布", exact=True)).to_have_count(0)
    assert_fits_phone(page)

    # The public sees the published version without logging in.
    public = page.context.browser.new_context(base_url=page.url.split("/work/")[0], locale="zh-CN",
                                              viewport={"width": 390, "height": 844}, is_mobile=True,
                                              has_touch=True, device_scale_factor=2)
    try:
        visitor = public.new_page()
        visitor.goto(f"/public/agencies/{agency.pk}/checklists/")
        visitor.get_by_role("link", name=re.compile("食品生产企业监督检查表")).first.click()
        expect(visitor).to_have_url(re.compile(rf"/public/checklists/{checklist_id}/$"))
        expect(visitor.locator("body")).to_contain_text("查验食品生产许可证及生产条件是否持续符合要求")
        expect(visitor.locator("body")).to_contain_text("SCJG-001")
        assert_fits_phone(visitor)
        screenshot(visitor, "journey-checklist-published")
    finally:
        public.close()
    assert not page.js_errors, page.js_errors
