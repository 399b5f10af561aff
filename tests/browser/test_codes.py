"""Phone journeys of the enterprise code (一企一码, R11) and the e-credential (电子执法证, R15)."""

import re

import pytest

from tests.browser.helpers import PASSWORD, assert_fits_phone, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r11_anonymous_visitor_scans_an_enterprise_code_and_sees_the_public_card(
    phone, screenshot, make_enterprise, make_user,
):
    from clearcheck.registry import codes

    enterprise = make_enterprise("东阿阿胶股份有限公司")
    code = codes.enterprise_code_issue(actor=make_user("bureau"), enterprise_id=enterprise.pk)
    page = phone
    page.goto(f"/public/c/{codes.enterprise_code_token(code)}/")
    card = page.locator("#enterprise-card")
    expect(card).to_contain_text("东阿阿胶股份有限公司")
    expect(card).to_contain_text(enterprise.uscc)
    expect(page.locator("#rights-notice")).to_contain_text("未扫码入企的,企业有权拒绝")
    expect(page.locator("body")).not_to_contain_text("扫码入企 — 签到")
    assert_fits_phone(page)
    assert not page.js_errors, page.js_errors
    screenshot(page, "journey-enterprise-code-public-card")


def test_r15_officer_shows_the_e_credential_and_the_enterprise_verifies_it(
    phone, screenshot, make_agency, make_officer, make_user, settings,
):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "CREDENTIAL_REFRESH_SECONDS": 2}  # rotate fast for the test
    agency = make_agency("东阿县市场监督管理局")
    officer = make_officer(agency, "张明")
    make_user("officer", agency=agency, officer=officer, username="zhangming")
    page = phone

    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("zhangming")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    page.goto("/work/registry/my-credential/")
    qr = page.locator("#credential-qr .qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 200, box  # big enough to scan from a phone
    expect(page.locator("#credential")).to_contain_text(officer.credential_no)
    assert_fits_phone(page)
    screenshot(page, "journey-e-credential")
    token = page.locator("#credential-qr .qr").get_attribute("data-token")
    # htmx swaps in a new QR (a new token, new nonce) without reloading the page.
    expect(page.locator("#credential-qr .qr")).not_to_have_attribute("data-token", token, timeout=10_000)
    token = page.locator("#credential-qr .qr").get_attribute("data-token")

    enterprise_phone = page.context.browser.new_context(
        base_url=page.url.split("/work/")[0], locale="zh-CN", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    try:
        scanner = enterprise_phone.new_page()
        scanner.goto(f"/public/credential/{token}/")
        expect(scanner.locator("#verdict")).to_contain_text("证件有效")
        expect(scanner.locator("#officer-card")).to_contain_text("张明")
        expect(scanner.locator("#officer-card")).to_contain_text("东阿县市场监督管理局")
        assert_fits_phone(scanner)
        screenshot(scanner, "journey-e-credential-verified")
    finally:
        enterprise_phone.close()
    assert not page.js_errors, page.js_errors
