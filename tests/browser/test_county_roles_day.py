"""Issue 19: the first day of the roles the other journeys do not walk, on a 390×844 phone in zh-CN — the
discipline inspectors (the workspace shows what they use, the audit trail filtered by a Chinese action and read
without codes, alerts by rule name) and the public (the portal, an inspection's outcome, the rules catalogue by
name, the audit chain's head in local time) and a department head (reads a task, is offered no approval). The
agency admin, head, officer, bureau, government and enterprise
walk theirs in test_planning_plans, test_head_day, test_officer_day, test_bureau_day and test_enterprise_day.
"""

import datetime as dt
import re

import pytest

from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

INNER_OVERFLOW = """() => Array.from(document.querySelectorAll('.table-wrap, main *'))
  .filter(e => e.clientWidth > 1 && e.scrollWidth - e.clientWidth > 1 && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.className || e.tagName)"""
DOTTED = re.compile(r"\b[a-z_]+\.(?!(?:json|pdf|csv|pem)\b)[a-z_]+\b")  # file names are not codes
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _reads_on_a_phone(page, *usernames: str) -> None:
    assert page.evaluate(INNER_OVERFLOW) == []
    assert_fits_phone(page)
    text = page.locator("main").inner_text()
    assert not DOTTED.search(text), DOTTED.search(text)
    assert not ISO.search(text), ISO.search(text)
    for username in usernames:
        assert username not in text, username


def test_issue19_discipline_reads_the_trail_and_the_alerts(phone, screenshot, county):
    from clearcheck.core import clock
    from clearcheck.inspections.services.requests import entry_refusal_record

    users = county["users"]
    entry_refusal_record(actor=users["enterprise"], agency_id=county["agency"].pk, people="两名执法人员",
                         occurred_at=clock.now() - dt.timedelta(hours=1), place="厂区大门",
                         feedback="未出示执法证件,企业拒绝入内")
    page = phone
    login(page, users["discipline"].username)
    page.goto("/work/")
    main = page.locator("main")
    expect(main).to_contain_text("审计")
    expect(main).not_to_contain_text("电子执法证")  # an officer's card, not theirs
    _reads_on_a_phone(page, *(u.username for u in users.values()))

    page.goto("/work/audit/")
    page.locator("#audit-filter select[name=action]").select_option(label="发出预警")
    page.locator("#audit-filter button").click()
    expect(page.locator("main")).to_contain_text("发出预警")
    _reads_on_a_phone(page, *(u.username for u in users.values()))
    screenshot(page, "discipline-audit-trail")

    page.goto("/work/alerts/")
    expect(page.locator("main")).to_contain_text("R29 拒绝未扫码入企")
    _reads_on_a_phone(page, *(u.username for u in users.values()))


def test_issue19_the_public_reads_outcomes_rules_and_the_audit_head(phone, screenshot, county):
    from clearcheck.audit.services import audit_seal

    audit_seal()
    page = phone
    page.goto("/public/")
    expect(page.locator("main")).to_contain_text("检查结果")
    _reads_on_a_phone(page)

    page.goto("/public/rules/")
    expect(page.locator("main")).to_contain_text("R29")
    expect(page.locator("main")).to_contain_text("拒绝办理")  # the mode in words, not BLOCK/ALERT
    expect(page.locator("main")).not_to_contain_text("BLOCK")
    _reads_on_a_phone(page)

    page.goto("/public/outcomes/")
    _reads_on_a_phone(page)

    page.goto("/public/audit/")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日"))
    _reads_on_a_phone(page)
    screenshot(page, "public-audit-head")


def test_issue19_a_department_head_reads_a_task_but_is_offered_no_approval(phone, screenshot, plan_county, make_task):
    """内设机构负责人 may not decide (R07: the agency's head approves): the submitted task reads on a phone with
    its items and officers by name, and no 批准 is offered."""
    from clearcheck.planning.services.tasks import task_submit

    task = make_task()
    task_submit(actor=plan_county["admin"], task_id=task.pk)
    page = phone
    login(page, plan_county["department_head"].username)
    page.goto(f"/work/planning/tasks/{task.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("张明")
    expect(page.locator("#task-approve")).to_have_count(0)
    _reads_on_a_phone(page, *(u.username for u in plan_county["users"].values()))
    screenshot(page, "department-head-task")
