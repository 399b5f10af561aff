"""Issue 19: the agency head's first day on a 390×844 phone in zh-CN. The inbox reads as cards, the task
starting today (urgent) comes first, nothing in it approves; the head opens a task, reads its basis,
items, officers by name, limits and conflicts, returns one with a reason (退回) and approves another on
its page, and is brought back to the inbox each time. The task list leads with today's task.
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


def _reads_on_a_phone(page) -> None:
    assert page.evaluate(INNER_OVERFLOW) == []
    assert_fits_phone(page)


def test_issue19_the_head_decides_on_the_task_page_from_a_sorted_inbox(phone, screenshot, plan_county, make_task):
    from clearcheck.core import clock
    from clearcheck.planning.models import InspectionTask
    from clearcheck.planning.services.tasks import task_start_urgent, task_submit

    admin, head = plan_county["admin"], plan_county["head"]
    today = clock.local_today()
    later = make_task(window_start=today + dt.timedelta(days=3), window_end=today + dt.timedelta(days=5),
                      enterprise=plan_county["other_enterprise"])
    task_submit(actor=admin, task_id=later.pk)
    tomorrow = make_task(window_start=today + dt.timedelta(days=1), window_end=today + dt.timedelta(days=2))
    task_submit(actor=admin, task_id=tomorrow.pk)
    urgent = make_task(source="sudden_event", window_start=today, window_end=today + dt.timedelta(days=1))
    task_start_urgent(actor=admin, task_id=urgent.pk, reason="群众举报疑似食品安全事故")
    page = phone

    login(page, head.username)
    page.goto("/work/planning/tasks/inbox/")
    rows = page.locator("#inbox tbody tr")
    expect(rows).to_have_count(3)
    assert [int(rows.nth(i).get_attribute("data-task")) for i in range(3)] == [urgent.pk, tomorrow.pk, later.pk]
    expect(rows.first).to_contain_text("紧急")
    expect(page.locator("#inbox")).not_to_contain_text("批准")  # approving happens on the task's page only
    first_header = page.locator("#inbox thead th").first.text_content().strip()
    expect(rows.first.locator("td").first).to_have_attribute("data-label", first_header)
    _reads_on_a_phone(page)
    screenshot(page, "head-inbox")

    # The second card: read everything, then return it with a reason.
    rows.nth(1).locator("a.row-link").click()
    expect(page).to_have_url(re.compile(rf"/work/planning/tasks/{tomorrow.pk}/\?from=inbox$"))
    expect(page.locator("#task-basis")).to_contain_text("年度检查计划")
    expect(page.locator("#task-items")).to_contain_text("《食品安全法》第一百一十条")
    expect(page.locator("#task-officers")).to_contain_text("张明(行政执法人员)")
    expect(page.locator("#task-limits .limit-line").first).to_be_visible()
    expect(page.locator("#task-conflicts")).to_contain_text(f"任务 #{urgent.pk}")  # same enterprise, same days
    expect(page.locator("#task-conflicts")).to_contain_text("R09")
    expect(page.locator("main")).not_to_contain_text(admin.username)
    _reads_on_a_phone(page)
    screenshot(page, "head-task-review")
    page.locator("#task-reject").click()  # no reason: the browser asks for one, nothing is sent
    expect(page).to_have_url(re.compile(rf"/work/planning/tasks/{tomorrow.pk}/\?from=inbox$"))
    assert InspectionTask.objects.get(pk=tomorrow.pk).status == "submitted"
    page.locator("#form-reject textarea[name=note]").fill(f"与任务 #{urgent.pk} 同日同企业,请合并为联合检查后再报")
    page.locator("#task-reject").click()
    expect(page).to_have_url(re.compile(r"/work/planning/tasks/inbox/$"))
    expect(page.locator(".messages")).to_contain_text("已退回")
    expect(page.locator("#inbox tbody tr")).to_have_count(2)
    assert InspectionTask.objects.get(pk=tomorrow.pk).status == "rejected"

    # The urgent one (补办, R10): approved on its page with a note.
    page.locator("#inbox tbody tr").first.locator("a.row-link").click()
    expect(page.locator("h1")).to_contain_text("紧急")
    page.locator("#form-approve input[name=note]").fill("同意,补办审批")
    page.locator("#task-approve").click()
    expect(page).to_have_url(re.compile(r"/work/planning/tasks/inbox/$"))
    expect(page.locator(".messages")).to_contain_text("已批准")
    assert InspectionTask.objects.get(pk=urgent.pk).status == "approved"
    screenshot(page, "head-inbox-after")

    # The task list leads with what runs today.
    page.goto("/work/planning/tasks/")
    expect(page.locator("#tasks tbody tr").first).to_have_attribute("data-task", str(urgent.pk))
    expect(page.locator("#tasks tbody tr").first).to_contain_text("今日")
    _reads_on_a_phone(page)
    screenshot(page, "head-task-list")
    assert not page.js_errors, page.js_errors
