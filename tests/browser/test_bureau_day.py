"""Issue 19: the judicial bureau's first day on a 390×844 phone in zh-CN. An alert reads like a report (its facts
labelled, local times, the refusal and the enterprise as links by name, its history in words), the rule named
everywhere («R29 拒绝未扫码入企»); the audit trail is filtered by a Chinese action and reads without codes; the
dashboards' region filter is the county, not the country; the complaints list shows the 承办机关 and the whole
row opens the complaint.
"""

import datetime as dt
import re

import pytest

from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

INNER_OVERFLOW = """() => Array.from(document.querySelectorAll('.table-wrap, main *'))
  .filter(e => e.clientWidth > 1 && e.scrollWidth - e.clientWidth > 1 && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.className || e.tagName)"""
CODES = re.compile(r"\b(alert|entry_refusal|complaint|enterprise)\.[a-z_]+\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _reads_on_a_phone(page) -> None:
    assert page.evaluate(INNER_OVERFLOW) == []
    assert_fits_phone(page)
    text = page.locator("main").inner_text()
    assert not CODES.search(text), CODES.search(text)
    assert not ISO.search(text), ISO.search(text)


def test_issue19_the_bureau_reads_alerts_trail_dashboards_and_complaints(phone, screenshot, county):
    from clearcheck.core import clock
    from clearcheck.feedback.services.complaints import complaint_accept, complaint_forward, complaint_receive
    from clearcheck.inspections.services.requests import entry_refusal_record

    users, agency = county["users"], county["agency"]
    refusal = entry_refusal_record(
        actor=users["enterprise"], agency_id=agency.pk, people="两名自称市场监管局的人员",
        occurred_at=clock.now() - dt.timedelta(hours=2), place="生产车间门口", feedback="未扫码、未亮证,企业拒绝入内")
    complaint = complaint_receive(actor=users["bureau"], subject="同一周内被两个机关重复检查", content="请予合并检查",
                                  channel="federation", complainant_name="县工商联")
    complaint_accept(actor=users["bureau"], complaint_id=complaint.pk)
    complaint_forward(actor=users["bureau"], complaint_id=complaint.pk, agency_id=agency.pk)
    page = phone
    login(page, users["bureau"].username)

    # The inbox names the rule; the alert's facts are labelled fields with links, its history in words.
    page.goto("/work/alerts/")
    expect(page.locator("#alerts")).to_contain_text("R29 拒绝未扫码入企")
    _reads_on_a_phone(page)
    page.locator("#alerts a").first.click()
    facts = page.locator("#alert-facts")
    expect(facts).to_contain_text("拒绝入企登记")
    expect(facts).to_contain_text("发生时间")
    expect(facts).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}"))
    expect(facts.get_by_role("link", name=re.compile("东阿阿胶股份有限公司")).first).to_be_visible()
    expect(page.locator("#alert-history")).to_contain_text("发出预警")
    expect(page.locator("h1")).to_contain_text("R29 拒绝未扫码入企")
    _reads_on_a_phone(page)
    screenshot(page, "bureau-alert-facts")
    facts.locator(f'a[href="/work/inspections/refusals/{refusal.pk}/"]').click()
    expect(page).to_have_url(re.compile(rf"/work/inspections/refusals/{refusal.pk}/$"))

    # The audit trail: chosen by a Chinese action, read without codes or whole UUIDs.
    page.goto("/work/audit/")
    expect(page.locator("#audit-filter input[name=action]")).to_have_count(0)
    page.locator("#audit-filter select[name=action]").select_option(label="登记拒绝入企")
    page.locator("#audit-filter").get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"action=entry_refusal\.record"))
    rows = page.locator("#audit-events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("登记拒绝入企")
    expect(rows.first).to_contain_text("测试enterprise")  # the person by name (with role), not the username
    _reads_on_a_phone(page)
    screenshot(page, "bureau-audit-trail")

    # The dashboards: the county's own region, the alerts chart's rule by name, light and fitting.
    page.goto("/work/dashboards/")
    region = page.locator("#region-filter select[name=region]")
    expect(region).to_have_count(1)
    assert region.locator("option").count() < 50
    expect(region.locator("option").first).to_contain_text("东阿县")
    expect(page.locator("main")).to_contain_text("R29 拒绝未扫码入企")
    assert_fits_phone(page)
    screenshot(page, "bureau-dashboards")

    # The complaints list: the 承办机关 is on the card, and tapping anywhere on the row opens the complaint.
    page.goto("/work/feedback/complaints/")
    row = page.locator("#complaints tbody tr").first
    agency_cell = row.locator("td").nth(2)
    expect(agency_cell).to_contain_text(agency.name)
    box = agency_cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    _reads_on_a_phone(page)
    screenshot(page, "bureau-complaints")
    page.mouse.click(box["x"] + box["width"] - 10, box["y"] + box["height"] / 2)
    expect(page).to_have_url(re.compile(rf"/work/feedback/complaints/{complaint.pk}/$"))
    assert page.js_errors == []
