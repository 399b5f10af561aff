"""Browser journey of supervision on a phone (issue 6 §3, §4): the bureau opens its alert inbox and an alert,
tries to resolve it without a note (and is told why not), resolves it with a note, sees it resolved; opens a
supervision matter from it and publishes a notice (通报); a visitor reads the notice on /public/notices/.
"""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bureau_resolves_an_alert_opens_a_matter_and_a_visitor_reads_the_notice(phone, live_server, screenshot,
                                                                             county):
    from clearcheck.alerts.services import alert_raise

    alert = alert_raise(rule_id="R29", subject=("inspections.entryrefusal", 1), agency=county["agency"],
                        facts={"refusal": 1, "place": "东阿阿胶股份有限公司"}, severity="high",
                        subject_label="东阿阿胶股份有限公司 拒绝未扫码入企")
    page = phone
    login(page, county["users"]["bureau"].username)

    page.goto("/work/alerts/")
    expect(page.locator("#alert-counts [data-state=open]")).to_have_text("1")
    assert_fits_phone(page)
    screenshot(page, "journey-alert-inbox")
    page.get_by_role("link", name=re.compile("拒绝未扫码入企")).click()
    expect(page).to_have_url(re.compile(rf"/work/alerts/{alert.pk}/$"))

    # Without a note the resolve is refused, with the reason shown.
    form = page.locator("#alert-resolve")
    form.locator("textarea[name=note]").evaluate("el => el.removeAttribute('required')")
    form.get_by_role("button", name="办结").click()
    expect(page.locator(".messages")).to_contain_text("请填写办结说明")
    expect(page.locator("#alert-state")).to_have_text("待处理")

    page.locator("#alert-resolve textarea[name=note]").fill("已约谈涉事机关,督促其落实扫码入企规定。")
    page.locator("#alert-resolve").get_by_role("button", name="办结").click()
    expect(page.locator("#alert-state")).to_have_text("已办结")
    expect(page.locator("#alert-note")).to_contain_text("已约谈涉事机关")
    expect(page.locator("#alert-history")).to_contain_text("办结预警")  # issue 19: in words
    assert_fits_phone(page)
    screenshot(page, "journey-alert-resolved")

    # A supervision matter from the alert, then a notice published from it.
    page.locator("#open-matter").click()
    form = page.locator("#matter-form")
    expect(form.locator("input[name=title]")).to_have_value(re.compile("R29"))
    form.get_by_role("button", name="立项").click()
    expect(page).to_have_url(re.compile(r"/work/supervision/\d+/$"))
    expect(page.locator("#matter-status")).to_have_text("已立项")
    assert_fits_phone(page)
    screenshot(page, "journey-supervision-matter")
    notice_form = page.locator("#notice-form")
    notice_form.locator("select[name=kind]").select_option("criticism")
    notice_form.locator("input[name=title]").fill("关于未扫码入企检查问题的通报")
    notice_form.locator("textarea[name=body]").fill("经查,个别执法人员入企检查未按规定扫码,现予通报批评。")
    notice_form.get_by_role("button", name="起草通报").click()
    expect(page.locator("#notice-state")).to_have_text("草稿")
    page.locator("#notice-publish").get_by_role("button", name="公开发布").click()
    expect(page.locator("#notice-state")).to_contain_text("已公开")
    assert page.locator("#notice-edit").count() == 0  # published notices are immutable
    assert_fits_phone(page)

    # A visitor, not signed in, reads it.
    page.context.clear_cookies()
    page.goto("/public/notices/")
    page.get_by_role("link", name="关于未扫码入企检查问题的通报").click()
    expect(page.locator("#public-notice")).to_contain_text("现予通报批评")
    assert_fits_phone(page)
    screenshot(page, "journey-public-notice")
    assert not page.js_errors
