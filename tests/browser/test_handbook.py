"""Browser journey of a visitor on a phone (issue 6 §8): from the home page to the 一公开 hub (which shows
the audit-chain head), into the 阿胶 industry handbook (一业一册), reading its sections and its version
history; then the public burden figures (/public/burden/, built by the dashboards part of issue 6).
"""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ejiao_handbook(county, reference_codes):
    """The demo's 阿胶 handbook text, published by the bureau with one linked item and no-penalty entry."""
    from clearcheck.audit.services import audit_seal
    from clearcheck.catalog import services as catalog
    from clearcheck.demo import disclosure as demo
    from clearcheck.disclosure import services

    admin, bureau = county["users"]["agency_admin"], county["users"]["bureau"]
    item = catalog.item_create(actor=admin, code="SCJG-002", name="药品生产质量管理规范符合性检查",
                               legal_basis="《中华人民共和国药品管理法》", object_scope="药品(含中成药、阿胶)生产企业",
                               method="现场检查、抽样检验")
    catalog.item_list_publish(actor=admin, agency=county["agency"], reason="2025年清单")
    entry = catalog.no_penalty_entry_create(actor=admin, kind="first_violation", title="未按规定在经营场所醒目位置公示营业执照",
                                            legal_basis="《中华人民共和国行政处罚法》第三十三条", conditions="首次被发现并及时改正")
    catalog.no_penalty_list_publish(actor=admin, agency=county["agency"], reason="2025年免罚清单")
    handbook = services.handbook_create(actor=bureau, industry_code="2740", slug=demo.SLUG, title=demo.TITLE)
    version = handbook.versions.get()
    services.handbook_draft_update(
        actor=bureau, version_id=version.pk, item_ids=[item.pk], no_penalty_ids=[entry.pk], change_note="首次发布",
        sections={"summary": demo.SUMMARY, "licences": demo.LICENCES, "inspection_notes": demo.INSPECTION_NOTES,
                  "penalties": demo.PENALTIES, "no_penalty_notes": demo.NO_PENALTY_NOTES,
                  "credit_repair": demo.CREDIT_REPAIR})
    services.handbook_publish(actor=bureau, version_id=version.pk)
    audit_seal()
    return handbook


def test_visitor_reads_the_ejiao_handbook_and_the_burden_figures(phone, screenshot, ejiao_handbook):
    page = phone
    page.goto("/")
    page.locator("main").get_by_role("link", name="信息公开", exact=True).click()
    expect(page).to_have_url(re.compile(r"/public/$"))
    expect(page.locator("h1")).to_contain_text("涉企行政检查信息公开")
    expect(page.locator("#chain-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#chain-length")).to_have_text(re.compile(r"^[1-9]\d*$"))
    assert_fits_phone(page)
    screenshot(page, "journey-portal-hub")

    page.locator("a.card", has_text="一业一册").click()
    expect(page).to_have_url(re.compile(r"/public/handbooks/$"))
    page.get_by_role("link", name="阿胶行业依法经营指引(一业一册)").click()
    expect(page).to_have_url(re.compile(r"/public/handbooks/ejiao/$"))
    expect(page.locator("h1")).to_have_text("阿胶行业依法经营指引(一业一册)")
    expect(page.locator("#summary")).to_contain_text("东阿是阿胶的故乡")
    expect(page.locator("#licences")).to_contain_text("药品生产许可证")
    expect(page.locator("#licences")).to_contain_text("食品生产许可证(SC)")
    expect(page.locator("#inspections")).to_contain_text("SCJG-002 药品生产质量管理规范符合性检查")
    expect(page.locator("#penalties")).to_contain_text("《中华人民共和国食品安全法》")
    expect(page.locator("#no-penalty")).to_contain_text("未按规定在经营场所醒目位置公示营业执照")
    expect(page.locator("#credit")).to_contain_text("《失信行为纠正后的信用信息修复管理办法(试行)》")
    expect(page.locator("#history")).to_contain_text("第 1 版")
    assert_fits_phone(page)
    screenshot(page, "journey-handbook-ejiao")

    # The linked item opens the agency's published item list.
    page.locator("#inspections a", has_text="SCJG-002").click()
    expect(page).to_have_url(re.compile(r"/public/agencies/\d+/items/$"))
    expect(page.locator("main")).to_contain_text("药品生产质量管理规范符合性检查")

    # Burden figures (built by the dashboards part of issue 6): the hub links them.
    page.goto("/public/")
    page.locator("a.card", has_text="涉企检查负担").click()
    expect(page).to_have_url(re.compile(r"/public/burden/$"))
    expect(page.locator("h1")).to_contain_text("涉企检查负担")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d"))
    assert_fits_phone(page)
    screenshot(page, "journey-burden-public")
    assert not page.js_errors, page.js_errors
