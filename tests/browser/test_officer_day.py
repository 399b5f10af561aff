"""The officer's first day on a phone (issue 19, Officer; 390×844, zh-CN):

- an officer who opens the code page signed out logs in from it and is back on the check-in;
- the second officer sees one action, the confirmation, and the first officer's visit page shows the
  confirmation by itself (htmx polling, no reload), as does the record's "已填写 n / m 项" counter;
- a finding is offered only the dispositions that fit it, and a refused one keeps the chosen kind and the text;
- the workspace leads with today's tasks and is short.
"""

import re

import pytest

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.conftest import PHONE
from tests.browser.helpers import PASSWORD, assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_url(county) -> str:
    from clearcheck.registry import codes

    return f"/public/c/{codes.enterprise_code_token(county['code'])}/"


def _mark_page(page) -> None:
    """A marker that survives only as long as the page is not reloaded."""
    page.evaluate("window.__notReloaded = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def test_login_from_the_code_page_returns_to_the_check_in(phone, screenshot, onsite_county):
    county = onsite_county
    page = phone
    url = _code_url(county)
    page.goto(url)
    card = page.locator("#officer-login")
    expect(card).to_be_visible()
    assert_fits_phone(page)
    card.get_by_role("link", name="登录后签到").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill(county["officer_users"][0].username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("#checkin-form")).to_contain_text("食品生产许可条件保持情况检查")
    screenshot(page, "officer-day-login-back-on-check-in")
    assert not page.js_errors, page.js_errors


def test_r14_the_second_confirms_and_the_first_page_updates_by_itself(browser, live_server, phone, screenshot,
                                                                      onsite_county):
    county = onsite_county
    first, second = county["officer_users"][:2]
    url = _code_url(county)
    page = phone
    login(page, first.username)
    page.goto(url)
    page.locator("#checkin-form").get_by_role("button", name="签到入企").click()
    expect(page).to_have_url(re.compile(r"/work/inspections/visits/\d+/$"))
    expect(page.locator("#visit-status")).to_contain_text("待同行人员确认")
    expect(page.locator("#countdown")).to_contain_text("剩余")
    _mark_page(page)

    other = browser.new_context(base_url=live_server.url, **PHONE)
    try:
        colleague = other.new_page()
        login(colleague, second.username)
        colleague.goto(url)
        # One obvious action: the confirmation, and no competing check-in of a task already in the visit.
        expect(colleague.locator("main button.primary")).to_have_count(1)
        expect(colleague.locator("main button.primary")).to_have_text("本人确认入企")
        expect(colleague.get_by_role("button", name="签到入企")).to_have_count(0)
        assert_fits_phone(colleague)
        screenshot(colleague, "officer-day-second-one-action")
        colleague.get_by_role("button", name="本人确认入企").click()
        expect(colleague.locator(".messages")).to_contain_text("入企检查已开始")
    finally:
        other.close()

    # The first officer's page changes without a reload (it polls every 4 s).
    expect(page.locator("#visit-status")).to_contain_text("检查中", timeout=15_000)
    expect(page.locator("#visit-team")).not_to_contain_text("未确认")
    expect(page.locator("#visit-links").get_by_role("link", name="现场检查笔录")).to_be_visible()
    assert _not_reloaded(page)
    assert_fits_phone(page)
    screenshot(page, "officer-day-first-updated")
    assert not page.js_errors, page.js_errors


def test_the_record_counter_updates_when_a_teammate_fills_an_entry(phone, screenshot, outcomes_county, open_visit):
    from clearcheck.inspections.models import OnSiteRecord
    from clearcheck.inspections.services.records_fill import record_entry_set

    county = outcomes_county
    visit = open_visit(county["task2"], key="counter-visit")  # two items: two entries
    entries = list(OnSiteRecord.objects.get(visit=visit).entries.order_by("order"))
    assert len(entries) >= 2
    page = phone
    login(page, county["officer_users"][0].username)
    page.goto(f"/work/inspections/visits/{visit.pk}/record/")
    progress = page.locator("#record-progress")
    expect(progress).to_have_text(f"已填写 0 / {len(entries)} 项")
    _mark_page(page)
    # Own entry: the saved card brings the counter along.
    page.locator(f"#entry-{entries[0].pk} .r-compliant").click()
    expect(progress).to_have_text(f"已填写 1 / {len(entries)} 项")
    # The teammate's entry: the counter polls.
    record_entry_set(actor=county["officer_users"][1], visit_id=visit.pk, entry_id=entries[1].pk, result="compliant")
    expect(progress).to_have_text(f"已填写 2 / {len(entries)} 项", timeout=15_000)
    assert _not_reloaded(page)
    screenshot(page, "officer-day-record-counter")
    assert not page.js_errors, page.js_errors


def test_r19_a_finding_is_offered_what_fits_and_a_refusal_keeps_the_choice(phone, screenshot, outcomes_county,
                                                                          failed_visit):
    from clearcheck.inspections.services.outcomes import finding_create
    from clearcheck.inspections.tests.test_outcomes_fixtures import visit_entries

    county = outcomes_county
    visit = failed_visit()
    officer = county["officer_users"][0]
    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[visit_entries(visit)[0].pk],
                             description="未能出示有效的食品生产许可证")
    page = phone
    login(page, officer.username)
    page.goto(f"/work/inspections/visits/{visit.pk}/outcomes/")
    card = page.locator(f"#finding-{finding.pk}")
    expect(card.locator("input[name=kind][value=notice]")).to_have_count(0)
    card.locator(".kinds span", has_text="责令限期改正").click()
    card.locator("textarea[name=note]").fill("限期补办许可证并公示")
    card.get_by_role("button", name="添加处置").click()
    # No deadline: the page comes back with the kind still chosen and the note still there.
    expect(card.locator(f"#dispose-error-{finding.pk}")).to_contain_text("整改期限")
    expect(card.locator("input[name=kind][value=correct_by_deadline]")).to_be_checked()
    expect(card.locator("textarea[name=note]")).to_have_value("限期补办许可证并公示")
    expect(card.locator("input[name=deadline]")).to_be_visible()
    assert_fits_phone(page)
    screenshot(page, "officer-day-disposition-kept")
    assert not page.js_errors, page.js_errors


def test_the_workspace_leads_with_today(phone, screenshot, onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    page = phone
    login(page, county["officer_users"][0].username)
    page.goto("/work/")
    expect(page.locator("main h2").first).to_contain_text("今日任务")
    expect(page.locator("#today-current")).to_contain_text(county["enterprise"].name)
    expect(page.locator("#today-current").get_by_role("link")).to_have_attribute(
        "href", f"/work/inspections/visits/{visit.pk}/")
    expect(page.locator("main a.card")).to_have_count(4)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 1800, height  # 2,632 px with 14 cards before issue 19 (demo officer)
    assert_fits_phone(page)
    screenshot(page, "officer-day-workspace")
