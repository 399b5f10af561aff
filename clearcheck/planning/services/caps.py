"""Frequency caps (R21): taking and releasing a place under the cap at approval, under a row lock, and
checking a whole batch of proposed tasks set-based.

The ``CapUsage`` row of (agency, enterprise, year) carries the limit. Approval locks it with
``select_for_update`` (PostgreSQL); on SQLite the IMMEDIATE transaction already serialises writers.
Either way two approvals racing for the last place cannot both succeed.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Min

from clearcheck.catalog.models import InspectionItem
from clearcheck.core.errors import RuleViolation
from clearcheck.supervision.services import alert_raise

from ..models import CapUsage, InspectionTask
from ..models.tasks import CapPlace
from ..rules import CapVerdict, cap_refusal, cap_verdict
from ..selectors.tiers import _chunks, tier_and_usage, tier_current, tiers_current_for


def cap_usage_locked(*, agency_id: int, enterprise_id: int, year: int) -> CapUsage:
    """The (agency, enterprise, year) usage row, created when missing and locked for this transaction."""
    try:
        with transaction.atomic():
            CapUsage.objects.get_or_create(agency_id=agency_id, enterprise_id=enterprise_id, year=year)
    except IntegrityError:
        pass  # created by a concurrent approval; lock it below
    return CapUsage.objects.select_for_update().get(agency_id=agency_id, enterprise_id=enterprise_id, year=year)


def task_cap_verdict(task: InspectionTask, used: int) -> CapVerdict:
    """R21 for one task: the enterprise's tier in the task's agency and the caps of the task's items."""
    tier = tier_current(task.agency_id, task.enterprise_id)
    item_caps = [i.annual_cap for i in task.items.all()]
    return cap_verdict(enterprise_id=task.enterprise_id, tier=tier, used=used, item_caps=item_caps)


def cap_place_take(*, actor, task: InspectionTask, refuse: bool = True) -> CapVerdict | None:
    """Take the task's place under the cap (must run inside the approving transaction).

    Proactive: refused (RuleViolation R21, nothing written) when the enterprise is low-risk or the
    count has reached the cap; with ``refuse=False`` (an urgent start, R10) the place is taken anyway
    and an R21 alert reports it. Exempt source: counted in ``exempt_count`` and reported by an alert.
    """
    if task.cap_place:
        return None
    usage = cap_usage_locked(agency_id=task.agency_id, enterprise_id=task.enterprise_id, year=task.year)
    facts = {"task": task.pk, "enterprise": task.enterprise_id, "year": task.year, "source": task.source}
    if not task.counts_against_cap:
        CapUsage.objects.filter(pk=usage.pk).update(exempt_count=F("exempt_count") + 1)
        task.cap_place = CapPlace.EXEMPT
        task.save(update_fields=["cap_place", "updated_at"])
        alert_raise(rule_id="R21", subject=task, agency=task.agency, actor=actor,
                    dedup_key=f"R21:exempt:planning.inspectiontask:{task.pk}",
                    facts={**facts, "kind": "exempt", "exempt_count": usage.exempt_count + 1,
                           "proactive_count": usage.proactive_count})
        return None
    verdict = task_cap_verdict(task, usage.proactive_count)
    refusal = cap_refusal(verdict)
    if refusal is not None and refuse:
        raise refusal
    CapUsage.objects.filter(pk=usage.pk).update(proactive_count=F("proactive_count") + 1)
    task.cap_place = CapPlace.PROACTIVE
    task.save(update_fields=["cap_place", "updated_at"])
    if refusal is not None:
        alert_raise(rule_id="R21", subject=task, agency=task.agency, actor=actor,
                    dedup_key=f"R21:over:planning.inspectiontask:{task.pk}",
                    facts={**facts, "kind": "urgent_over_cap", "cap": verdict.cap, "used": verdict.used + 1,
                           "reason": verdict.reason})
    return verdict


def cap_place_release(task: InspectionTask) -> str:
    """Give the task's place back (cancel); returns the counter released ('' when it held none)."""
    place = task.cap_place
    if not place:
        return ""
    usage = cap_usage_locked(agency_id=task.agency_id, enterprise_id=task.enterprise_id, year=task.year)
    counter = "proactive_count" if place == CapPlace.PROACTIVE else "exempt_count"
    if getattr(usage, counter) > 0:
        CapUsage.objects.filter(pk=usage.pk).update(**{counter: F(counter) - 1})
    task.cap_place = ""
    task.save(update_fields=["cap_place", "updated_at"])
    return place


def cap_check_batch(*, agency_id: int, year: int, enterprise_ids, item_ids=None) -> dict[int, CapVerdict]:
    """R21 verdicts for one more proactive task of the agency at each enterprise (set-based).

    A constant number of queries whatever the batch size: the tiers of all enterprises, their usage
    rows, and the lowest item cap among ``item_ids``.
    """
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids))
    tiers = tiers_current_for(agency_id, ids)
    used: dict[int, int] = {}
    for chunk in _chunks(ids):
        used.update(CapUsage.objects.filter(agency_id=agency_id, year=year, enterprise_id__in=chunk)
                    .values_list("enterprise_id", "proactive_count"))
    item_caps: list[int | None] = []
    if item_ids:
        item_caps = [InspectionItem.objects.filter(pk__in=list(item_ids), annual_cap__isnull=False)
                     .aggregate(m=Min("annual_cap"))["m"]]
    return {eid: cap_verdict(enterprise_id=eid, tier=tiers[eid], used=used.get(eid, 0), item_caps=item_caps)
            for eid in ids}


def cap_refusal_for(task: InspectionTask) -> RuleViolation | None:
    """Whether a proactive task would be refused now (read-only, for pages and submit)."""
    if not task.counts_against_cap:
        return None
    used = (CapUsage.objects.filter(agency_id=task.agency_id, enterprise_id=task.enterprise_id, year=task.year)
            .values_list("proactive_count", flat=True).first() or 0)
    return cap_refusal(task_cap_verdict(task, used))


def _proactive_by_agency(tasks) -> dict[int, list[InspectionTask]]:
    by_agency: dict[int, list[InspectionTask]] = {}
    for task in tasks:
        if task.counts_against_cap:
            by_agency.setdefault(task.agency_id, []).append(task)
    return by_agency


def _visit_cap_verdict(tasks: list[InspectionTask], enterprise_id: int, used: int, tier=None) -> CapVerdict:
    items = [item for task in tasks for item in task.items.all()]
    tier = tier if tier is not None else tier_current(tasks[0].agency_id, enterprise_id)
    return cap_verdict(enterprise_id=enterprise_id, tier=tier, used=used, item_caps=[i.annual_cap for i in items])


def _visit_cap_refusal(tasks: list[InspectionTask], verdict: CapVerdict) -> RuleViolation:
    return RuleViolation("R21", f"{tasks[0].agency.name}:{verdict.reason}(本年度已入企检查 {verdict.used} 次),"
                                "不能开始本次检查")


def cap_visit_refusal(*, tasks, enterprise_id: int, year: int, tiers: dict | None = None) -> RuleViolation | None:
    """Whether an inspection visit of ``tasks`` would be refused under the cap now (read-only, for the scan;
    ``cap_visit_take`` decides under the lock when the visit opens). ``tiers``, when given, receives the
    enterprise's tier in each agency that was read (the start keeps it on the visit).
    """
    for agency_id, group in sorted(_proactive_by_agency(tasks).items()):
        if any(t.urgent for t in group):
            continue
        tier, used = tier_and_usage(agency_id, enterprise_id, year)
        if tiers is not None:
            tiers[agency_id] = tier
        verdict = _visit_cap_verdict(group, enterprise_id, used, tier)
        if not verdict.allowed:
            return _visit_cap_refusal(group, verdict)
    return None


def cap_visit_take(*, actor, visit_tasks) -> list[CapVerdict]:
    """R21 again when an inspection visit opens: one place in ``CapUsage.visited_count`` per agency whose
    proactive tasks the visit carries (must run inside the opening transaction).

    The usage row is locked (``cap_usage_locked``), so two visits racing for the last place cannot both
    open; the verdict counts the visits already opened (``used=visited_count``). Exempt-source tasks are not
    limited. A task started as urgent (R10) takes the place anyway and an R21 alert reports it, as at its
    start. Sets ``Visit.cap_counted`` when a place was taken. ``visit_tasks``: VisitTask rows of one visit.
    """
    visit_tasks = list(visit_tasks)
    if not visit_tasks:
        return []
    visit = visit_tasks[0].visit
    verdicts: list[CapVerdict] = []
    # One lock order (by agency), so two joint visits cannot deadlock.
    for agency_id, group in sorted(_proactive_by_agency(row.task for row in visit_tasks).items()):
        usage = cap_usage_locked(agency_id=agency_id, enterprise_id=visit.enterprise_id, year=visit.year)
        verdict = _visit_cap_verdict(group, visit.enterprise_id, usage.visited_count)
        urgent = any(t.urgent for t in group)
        if not verdict.allowed and not urgent:
            raise _visit_cap_refusal(group, verdict)
        CapUsage.objects.filter(pk=usage.pk).update(visited_count=F("visited_count") + 1)
        if not verdict.allowed:
            alert_raise(rule_id="R21", subject=visit, agency=group[0].agency, actor=actor,
                        dedup_key=f"R21:visit_over:inspections.visit:{visit.pk}:{agency_id}",
                        facts={"visit": visit.pk, "enterprise": visit.enterprise_id, "year": visit.year,
                               "tasks": [t.pk for t in group], "kind": "urgent_visit_over_cap", "cap": verdict.cap,
                               "visited": usage.visited_count + 1, "reason": verdict.reason})
        verdicts.append(verdict)
    if verdicts and not visit.cap_counted:
        visit.cap_counted = True
        visit.save(update_fields=["cap_counted"])
    return verdicts
