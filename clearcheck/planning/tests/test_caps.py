"""R21 frequency caps: reached exactly, exceeded by one, low tier, exempt sources, item caps, cancel,
set-based batch checks, and two approvals racing for the last place (real threads, both databases).
"""

import threading

import pytest
from django.db import connection

from clearcheck.alerts.models import Alert
from clearcheck.core.errors import RuleViolation
from clearcheck.planning.models import CapUsage
from clearcheck.planning.services import tasks as svc
from clearcheck.planning.services.caps import cap_check_batch

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)
from .test_tasks_fixtures import tier_set


def _usage(plan_county, year):
    return CapUsage.objects.get(agency=plan_county["agency"], enterprise=plan_county["enterprise"], year=year)


@pytest.mark.django_db
def test_r21_cap_reached_exactly_then_the_next_is_refused(plan_county, approved_task, make_task):
    tier_set(plan_county, "C")  # C: 2 a year
    first = approved_task()
    second = approved_task()  # at cap - 1 → allowed, reaching the cap exactly
    assert _usage(plan_county, second.year).proactive_count == 2
    third = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=third.pk)
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=third.pk)
    assert exc.value.rule_id == "R21" and "2" in exc.value.plain
    third.refresh_from_db()
    assert third.status == "submitted" and third.cap_place == ""
    assert _usage(plan_county, first.year).proactive_count == 2


@pytest.mark.django_db
def test_r21_cap_exceeded_by_one_when_the_tier_is_lowered(plan_county, approved_task, make_task):
    tier_set(plan_county, "D")  # D: 4
    for _ in range(3):
        approved_task()
    tier_set(plan_county, "C")  # now 3 used against a cap of 2: already one over
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=task.pk)
    assert exc.value.rule_id == "R21" and "已有 3 次" in exc.value.plain


@pytest.mark.django_db
def test_r21_low_risk_enterprise_gets_no_proactive_task(plan_county, make_task):
    tier_set(plan_county, "A")
    task = make_task()
    with pytest.raises(RuleViolation) as exc:
        svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    assert exc.value.rule_id == "R21" and "低风险企业原则上不主动开展现场检查" in exc.value.plain


@pytest.mark.django_db
def test_r21_low_tier_assigned_after_submission_still_blocks_approval(plan_county, make_task):
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    tier_set(plan_county, "A")
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=task.pk)
    assert exc.value.rule_id == "R21"
    assert not CapUsage.objects.filter(proactive_count__gt=0).exists()


@pytest.mark.django_db
def test_r21_exempt_source_is_allowed_counted_and_alerted(plan_county, approved_task):
    tier_set(plan_county, "A")  # even a low-risk enterprise: a complaint is not proactive
    task = approved_task(inspection_type="case", source="complaint")
    assert task.status == "approved" and task.cap_place == "exempt"
    usage = _usage(plan_county, task.year)
    assert (usage.proactive_count, usage.exempt_count) == (0, 1)
    alert = Alert.objects.get(rule_id="R21")
    assert alert.subject_id == str(task.pk) and alert.agency_id == plan_county["agency"].pk
    assert '"kind":"exempt"' in alert.facts


@pytest.mark.django_db
def test_r21_item_frequency_limits_the_inspections_of_that_item(plan_county, approved_task, make_task):
    """An item's own yearly frequency counts the tasks covering that item, against its own cap."""
    tier_set(plan_county, "D")  # tier allows 4, the boiler item allows 1
    boiler = plan_county["items"]["boiler"]
    approved_task(items=[boiler], checklist=None)
    task = make_task(items=[boiler], checklist=None)
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=task.pk)
    assert exc.value.rule_id == "R21"
    assert "《特种设备安全管理检查》" in exc.value.plain and "年度频次上限 1 次" in exc.value.plain


@pytest.mark.django_db
def test_r21_item_frequency_does_not_cap_the_agencys_other_inspections(plan_county, approved_task, make_task):
    """The boiler item's frequency (1) is not the agency's cap: other items still have the tier's 4 places."""
    tier_set(plan_county, "D")
    first = approved_task(items=[plan_county["items"]["boiler"]], checklist=None)
    for _ in range(3):
        assert approved_task().status == "approved"  # food tasks: places 2, 3 and 4 of the tier cap
    assert _usage(plan_county, first.year).proactive_count == 4
    fifth = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=fifth.pk)
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=fifth.pk)
    assert "已达 D 级年度上限 4 次" in exc.value.plain


@pytest.mark.django_db
def test_r21_cancelling_frees_the_items_place(plan_county, approved_task):
    tier_set(plan_county, "D")
    boiler = plan_county["items"]["boiler"]
    first = approved_task(items=[boiler], checklist=None)
    svc.task_cancel(actor=plan_county["admin"], task_id=first.pk, reason="计划调整")
    assert approved_task(items=[boiler], checklist=None).status == "approved"


@pytest.mark.django_db
def test_r21_cancel_releases_the_place(plan_county, approved_task, make_task):
    tier_set(plan_county, "B")  # B: 1
    first = approved_task()
    svc.task_cancel(actor=plan_county["admin"], task_id=first.pk, reason="企业停产")
    first.refresh_from_db()
    assert first.status == "cancelled" and first.cap_place == ""
    assert _usage(plan_county, first.year).proactive_count == 0
    assert approved_task().status == "approved"


@pytest.mark.django_db
def test_r21_urgent_sudden_event_over_the_cap_starts_but_raises_an_alert(plan_county, approved_task, make_task):
    tier_set(plan_county, "B")
    approved_task()
    task = make_task(inspection_type="case", source="sudden_event")
    started = svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="突发安全事故")
    assert started.status == "urgent_started" and started.cap_place == "proactive"
    assert Alert.objects.filter(rule_id="R21", dedup_key__startswith="R21:over:").count() == 1
    assert svc.task_approve(actor=plan_county["head"], task_id=task.pk).status == "approved"


@pytest.mark.django_db
def test_cap_check_batch_verdicts(plan_county, approved_task, make_enterprise):
    tier_set(plan_county, "B")
    task = approved_task()
    low = make_enterprise()
    tier_set(plan_county, "A", enterprise=low)
    fresh = make_enterprise()
    verdicts = cap_check_batch(agency_id=plan_county["agency"].pk, year=task.year,
                               enterprise_ids=[plan_county["enterprise"].pk, low.pk, fresh.pk])
    full, lowest, new = (verdicts[e] for e in (plan_county["enterprise"].pk, low.pk, fresh.pk))
    assert (full.tier_code, full.cap, full.used, full.allowed) == ("B", 1, 1, False)
    assert (lowest.tier_code, lowest.allowed) == ("A", False) and "低风险" in lowest.reason
    assert (new.tier_code, new.cap, new.used, new.allowed) == ("B", 1, 0, True)  # ungraded → B
    with_item = cap_check_batch(agency_id=plan_county["agency"].pk, year=task.year, enterprise_ids=[fresh.pk],
                                item_ids=[plan_county["items"]["boiler"].pk])
    assert with_item[fresh.pk].cap == 1


@pytest.mark.django_db
def test_cap_check_batch_query_count_is_constant(plan_county, make_enterprise, django_assert_num_queries):
    from clearcheck.registry.models import Enterprise

    agency_id = plan_county["agency"].pk
    for _ in range(3):
        make_enterprise()
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    cap_check_batch(agency_id=agency_id, year=2026, enterprise_ids=ids)  # creates the default scheme once
    many = ids + list(range(10_000_000, 10_000_300))  # unknown ids are just ungraded enterprises here
    item = [plan_county["items"]["boiler"].pk]
    with django_assert_num_queries(6):  # tiers (3), usage rows, the item, its places
        small = cap_check_batch(agency_id=agency_id, year=2026, enterprise_ids=ids[:3], item_ids=item)
    with django_assert_num_queries(6):
        large = cap_check_batch(agency_id=agency_id, year=2026, enterprise_ids=many, item_ids=item)
    assert len(small) == 3 and len(large) == len(many)


# --- Two approvals racing for the last place (R21) -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_r21_concurrent_approvals_for_the_last_place_one_succeeds(plan_county, make_task):
    tier_set(plan_county, "B")  # one place
    tasks = [make_task(), make_task()]
    for task in tasks:
        svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    barrier = threading.Barrier(len(tasks))
    outcomes: list = []

    def approve(task_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            svc.task_approve(actor=plan_county["head"], task_id=task_id)
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.rule_id)
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(t.pk,)) for t in tasks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["R21", "ok"], outcomes
    assert _usage(plan_county, tasks[0].year).proactive_count == 1
    statuses = sorted(type(tasks[0]).objects.filter(pk__in=[t.pk for t in tasks]).values_list("status", flat=True))
    assert statuses == ["approved", "submitted"]
