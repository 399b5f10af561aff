"""R21 at check-in: a proactive inspection visit takes a place in ``CapUsage.visited_count`` when it opens,
under the row lock; two visits racing for the last place cannot both open (sequentially and with real
threads, on SQLite and PostgreSQL). Exempt sources are not limited; urgent tasks open with an alert.
"""

import threading

import pytest
from django.db import connection

from clearcheck.alerts.models import Alert
from clearcheck.core import clock
from clearcheck.core.errors import RuleViolation
from clearcheck.inspections.models import Visit
from clearcheck.inspections.services.visits import visit_cancel, visit_confirm, visit_start_by_code
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.models import CapUsage
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import tier_set
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def scan(county, task, key: str):
    return visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                               task_ids=[task.pk], idempotency_key=key)


def usage(county) -> CapUsage:
    return CapUsage.objects.get(agency=county["agency"], enterprise=county["enterprise"], year=clock.local_year())


@pytest.fixture
def last_place(onsite_county, approved_task):
    """Two approved proactive tasks (grade C, cap 2, at approval), then the grade lowered to B (cap 1): two
    pending visits for one remaining place."""
    county = onsite_county
    tier_set(county, "C")
    tasks = [approved_task(window_start=clock.local_today()) for _ in range(2)]
    tier_set(county, "B")
    visits = [scan(county, task, f"cap-{n}") for n, task in enumerate(tasks)]
    assert [v.status for v in visits] == ["pending", "pending"]
    return visits


def test_r21_two_visits_for_the_last_place_only_the_first_opens(onsite_county, last_place):
    county = onsite_county
    first, second = last_place
    opened = visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    assert opened.status == "open" and opened.cap_counted
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=second.pk)
    assert caught.value.rule_id == "R21" and "上限" in caught.value.plain
    second.refresh_from_db()
    assert second.status == "pending" and not second.cap_counted
    assert usage(county).visited_count == 1


def test_r21_scan_is_refused_early_when_the_cap_is_already_used(onsite_county, last_place, approved_task):
    county = onsite_county
    first, second = last_place
    visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    visit_cancel(actor=county["officer_users"][0], visit_id=second.pk, reason="名额已满")
    with pytest.raises(RuleViolation) as caught:
        scan(county, second.tasks.get(), "cap-again")
    assert caught.value.rule_id == "R21"


def test_r21_an_opened_visit_keeps_its_place_when_cancelled(onsite_county, last_place):
    county = onsite_county
    first, _ = last_place
    visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    visit_cancel(actor=county["officer_users"][0], visit_id=first.pk, reason="误操作")
    assert usage(county).visited_count == 1  # the officers did enter


def test_r21_low_risk_grade_after_approval_blocks_the_proactive_check_in(onsite_county, approved_task):
    county = onsite_county
    tier_set(county, "C")
    task = approved_task(window_start=clock.local_today())
    tier_set(county, "A")
    with pytest.raises(RuleViolation) as caught:
        scan(county, task, "low")
    assert caught.value.rule_id == "R21" and "低风险" in caught.value.plain


def test_r21_exempt_source_is_not_limited_and_not_counted(onsite_county, last_place):
    county = onsite_county
    first, _ = last_place
    visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    complaint = scan(county, county["task"], "exempt")  # source: complaint
    opened = visit_confirm(actor=county["officer_users"][1], visit_id=complaint.pk)
    assert opened.status == "open" and not opened.cap_counted
    assert usage(county).visited_count == 1


def test_r21_urgent_task_over_the_cap_opens_with_an_alert(onsite_county, last_place, make_task):
    from clearcheck.planning.services.tasks import task_start_urgent

    county = onsite_county
    first, _ = last_place
    visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    task = make_task(source="sudden_event", inspection_type="case", window_start=clock.local_today())
    task_start_urgent(actor=county["admin"], task_id=task.pk, reason="车间冒烟")
    visit = scan(county, task, "urgent")
    opened = visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert opened.status == "open" and opened.cap_counted and opened.urgent
    assert usage(county).visited_count == 2
    alert = Alert.objects.get(rule_id="R21", subject_type="inspections.visit", subject_id=str(visit.pk))
    assert "urgent_visit_over_cap" in alert.facts


def test_r21_item_frequency_checked_again_when_a_visit_opens(onsite_county, approved_task):
    """An item's own yearly frequency counts the visits already opened that covered it: a task whose opened
    visit was cancelled (the officers did enter) cannot take the boiler item in again; the tier (D, 4) and the
    agency's other items are not affected.
    """
    county = onsite_county
    tier_set(county, "D")
    boiler = county["items"]["boiler"]
    task = approved_task(window_start=clock.local_today(), items=[boiler], checklist=None)
    first = scan(county, task, "boiler-1")
    visit_confirm(actor=county["officer_users"][1], visit_id=first.pk)
    visit_cancel(actor=county["officer_users"][0], visit_id=first.pk, reason="企业负责人不在")
    again = scan(county, task, "boiler-2")  # the scan checks the tier only (the hot path reads nothing more)
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=again.pk)
    assert caught.value.rule_id == "R21" and "《特种设备安全管理检查》" in caught.value.plain
    assert usage(county).visited_count == 1
    food = approved_task(window_start=clock.local_today())
    opened = visit_confirm(actor=county["officer_users"][1], visit_id=scan(county, food, "food").pk)
    assert opened.status == "open" and usage(county).visited_count == 2


def _file_database() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor != "sqlite" or (":memory:" not in name and "mode=memory" not in name)


@pytest.mark.skipif("not _file_database()", reason="threads need a shared database (not SQLite in memory)")
@pytest.mark.django_db(transaction=True)
def test_r21_two_visits_racing_for_the_last_place_cannot_both_open(onsite_county, last_place):
    county = onsite_county
    barrier = threading.Barrier(len(last_place))
    outcomes: list = []

    def confirm(visit_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(visit_confirm(actor=county["officer_users"][1], visit_id=visit_id).status)
        except RuleViolation as exc:
            outcomes.append(exc.rule_id)
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(v.pk,)) for v in last_place]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["R21", "open"], outcomes
    assert usage(county).visited_count == 1
    statuses = sorted(Visit.objects.filter(pk__in=[v.pk for v in last_place]).values_list("status", flat=True))
    assert statuses == ["open", "pending"]
