"""Browser journey of a recusal request on a phone (R13): the enterprise files it against an officer by
credential number, the agency head grants it with reasons, the enterprise sees the result.
"""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_r13_enterprise_files_a_recusal_and_sees_it_granted(phone, screenshot, make_agency, make_enterprise,
                                                            make_officer, make_user):
    from clearcheck.registry.models import RecusalRequest

    agency = make_agency("东阿县市场监督管理局")
    make_user("agency_head", agency=agency, username="scjg-head")
    zhang = make_officer(agency, "张明")
    enterprise = make_enterprise("东阿阿胶股份有限公司")
    make_user("enterprise", enterprise=enterprise, username="ejiao")
    page = phone

    # The enterprise names the officer by the number on the credential and gives its grounds.
    login(page, "ejiao")
    page.goto("/work/inspections/recusals/")
    form = page.locator("#recusal-file")
    form.locator("input[name=credential_no]").fill(zhang.credential_no)
    form.locator("textarea[name=reason]").fill("张明系本企业法定代表人的近亲属")
    assert_fits_phone(page)
    form.get_by_role("button", name="提交回避申请").click()
    expect(page).to_have_url(re.compile(r"/work/inspections/recusals/\d+/$"))
    expect(page.locator("h1")).to_contain_text("待决定")
    request_url = page.url
    screenshot(page, "journey-recusal-filed")

    # The agency head decides from the list, with reasons.
    login(page, "scjg-head")
    page.goto("/work/inspections/recusals/?status=pending")
    card = page.locator(".recusal", has_text="张明")
    expect(card).to_contain_text("张明系本企业法定代表人的近亲属")
    card.locator("textarea[name=reason]").fill("经核实存在近亲属关系,同意回避")
    assert_fits_phone(page)
    card.get_by_role("button", name="同意回避").click()
    expect(page.locator(".messages")).to_contain_text("已告知企业")
    expect(page.locator("h1")).to_contain_text("已同意回避")

    # The enterprise is notified: the result and its reasons are on its page.
    login(page, "ejiao")
    page.goto(request_url)
    result = page.locator("#recusal-result")
    expect(result).to_contain_text("已同意回避")
    expect(result).to_contain_text("经核实存在近亲属关系,同意回避")
    assert_fits_phone(page)
    screenshot(page, "journey-recusal-granted")
    record = RecusalRequest.objects.get()
    assert record.status == "granted" and record.notified_at is not None
    assert not page.js_errors
