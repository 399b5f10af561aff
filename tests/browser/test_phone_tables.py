"""Issue 19: lists read on a 390 px phone — a table's rows stack as cards with each cell labelled by its
column, and nothing inside the page scrolls sideways (a table-wrap wider than its box is a cut-off table;
the visually hidden header row, 1 px wide, is not a box anyone reads)."""

import pytest

from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from tests.browser.helpers import assert_fits_phone, expect, login

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

INNER_OVERFLOW = """() => Array.from(document.querySelectorAll('.table-wrap, main *'))
  .filter(e => e.clientWidth > 1 && e.scrollWidth - e.clientWidth > 1 && getComputedStyle(e).overflowX !== 'visible')
  .map(e => e.className || e.tagName)"""


def test_issue19_the_task_list_reads_as_cards_on_a_phone(phone, screenshot, plan_county, approved_task):
    approved_task()
    page = phone
    login(page, plan_county["admin"].username)
    page.goto("/work/planning/tasks/")
    first_header = page.locator(".table-wrap thead th").first.text_content().strip()
    expect(page.locator(".table-wrap tbody td").first).to_have_attribute("data-label", first_header)
    assert page.evaluate(INNER_OVERFLOW) == []
    assert_fits_phone(page)
    screenshot(page, "phone-task-list")
    page.goto("/public/rules/")
    assert page.evaluate(INNER_OVERFLOW) == []
    assert_fits_phone(page)
