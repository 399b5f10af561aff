"""Frequency caps (R21): taking and releasing a place under the limits at approval, under a row lock, and
checking a whole batch of proposed tasks set-based.

The ``CapUsage`` row of (agency, enterprise, year) carries the limit. Approval locks it with
``select_for_update`` (PostgreSQL); on SQLite the IMMEDIATE transaction already serialises writers.
Either way two approvals racing for the last place cannot both succeed.

Two limits apply (``planning.selectors.limits``, ADR 0009 addendum of issue 17): the enterprise's tier cap,
counted over all the agency's proactive places (``CapUsage.proactive_count``), and the own yearly frequency
of each item of the task that has one, counted over the places of the tasks covering that item
(``item_places``, read under the same lock). These are the facts every page shows.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F

from clearcheck.alerts.services import alert_raise
from clearcheck.catalog.models import InspectionItem
from clearcheck.core.errors import RuleViolation

from ..models import CapUsage, InspectionTask
from ..models.tasks import CapPlace
from ..rules import CapVerdict, cap_refusal, cap_verdict, visit_cap_refusal
from ..selectors.limits import item_places
from ..selectors.tiers import _chunks, tier_and_usage, tier_current, tiers_current_for


def cap_usage_locked(*, agency_id: int, enterprise_id: int, year: int) -> CapUsage:
    """The (agency, enterprise, year) usage row, created when missing and locked for this transaction."""
    try:
        with transaction.atomic():
            CapUsage.objects.get_or_create(agency_id=agency_id, enterprise_id=enterprise_id, year=year)
    except IntegrityError:
        pass  # created by a concurrent approval; lock it below
    return CapUsage.objects.select_for_update().get(agency_id=agency_id, enterprise_id=enterprise_id, year=year)


def _limit_key(verdict: CapVerdict) -> str:
    """Which limit refused, for an alert's facts: "tier:D" or "item:<item code>" ('' when none did)."""
    line = verdict.refusing
    return f"{line.kind}:{line.code}" if line else ""


def _capped_items(tasks) -> dict[str, InspectionItem]:
    """Code → item, for the items of ``tasks`` that have their own yearly frequency."""
    items: dict[str, InspectionItem] = {}
    for task in tasks:
        for item in task.items.all():
            if item.annual_cap is not None:
                items.setdefault(item.code, item)
    return items


def task_cap_verdict(task: InspectionTask, used: int, *, items: bool = True) -> CapVerdict:
    """R21 for one more place of ``task``: the enterprise's tier in the task's agency against ``used`` (the
    agency's places this year), and each item of the task with its own yearly frequency against the places
    of the tasks covering it (``item_places``; the task's own place, if it holds one, excluded).
    ``items=False``: the tier only.
    """
    tier = tier_current(task.agency_id, task.enterprise_id)
    capped = _capped_items([task]) if items else {}
    items_used = []
    if capped:
        places = item_places(year=task.year, agency_ids=[task.agency_id], enterprise_ids=[task.enterprise_id],
                             codes=list(capped))
        own = 1 if task.cap_place == CapPlace.PROACTIVE else 0
        items_used = [(item, places.get((task.enterprise_id, task.agency_id, code), [0, 0])[0] - own)
                      for code, item in capped.items()]
    return cap_verdict(enterprise_id=task.enterprise_id, tier=tier, used=used, items_used=items_used)


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
                           "limit": _limit_key(verdict), "reason": verdict.reason})
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
    """R21 verdicts for one more proactive task of the agency at each enterprise (set-based): the tier cap,
    and the own yearly frequency of each of ``item_ids`` that has one.

    A constant number of queries whatever the batch size: the tiers of all enterprises, their usage rows,
    the items with their own frequency among ``item_ids`` and, when there are some, their places.
    """
    ids = list(dict.fromkeys(int(i) for i in enterprise_ids))
    tiers = tiers_current_for(agency_id, ids)
    used: dict[int, int] = {}
    for chunk in _chunks(ids):
        used.update(CapUsage.objects.filter(agency_id=agency_id, year=year, enterprise_id__in=chunk)
                    .values_list("enterprise_id", "proactive_count"))
    capped: dict[str, InspectionItem] = {}
    if item_ids:
        for item in InspectionItem.objects.filter(pk__in=list(item_ids), annual_cap__isnull=False).order_by("code"):
            capped.setdefault(item.code, item)
    places = item_places(year=year, agency_ids=[agency_id], enterprise_ids=ids, codes=list(capped)) if capped else {}
    return {eid: cap_verdict(enterprise_id=eid, tier=tiers[eid], used=used.get(eid, 0),
                             items_used=[(item, places.get((eid, agency_id, code), [0, 0])[0])
                                         for code, item in capped.items()])
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


# Opened visits that took a place and carry a proactive task of the agency covering an item of each code:
# (agency_id, enterprise_id, year, codes) → {code: visits}. Inspections owns visits, so the check-in passes it.
ItemVisits = Callable[[int, int, int, list], dict]


def _visit_cap_verdict(tasks: list[InspectionTask], enterprise_id: int, used: int, tier=None,
                       item_visits: dict | None = None) -> CapVerdict:
    """R21 at check-in: the tier cap against ``used`` (visits opened, ``CapUsage.visited_count``) and, when
    ``item_visits`` is given (code → visits opened covering it), each item's own frequency against those.
    """
    tier = tier if tier is not None else tier_current(tasks[0].agency_id, enterprise_id)
    capped = _capped_items(tasks) if item_visits is not None else {}
    return cap_verdict(enterprise_id=enterprise_id, tier=tier, used=used,
                       items_used=[(item, item_visits.get(code, 0)) for code, item in capped.items()])


def cap_visit_refusal(*, tasks, enterprise_id: int, year: int, tiers: dict | None = None) -> RuleViolation | None:
    """Whether an inspection visit of ``tasks`` would be refused under the tier cap now (read-only, for the
    scan; ``cap_visit_take`` decides under the lock when the visit opens, items' own frequencies included).
    ``tiers``, when given, receives the enterprise's tier in each agency that was read (the start keeps it on
    the visit).
    """
    for agency_id, group in sorted(_proactive_by_agency(tasks).items()):
        if any(t.urgent for t in group):
            continue
        tier, used = tier_and_usage(agency_id, enterprise_id, year)
        if tiers is not None:
            tiers[agency_id] = tier
        verdict = _visit_cap_verdict(group, enterprise_id, used, tier)
        if not verdict.allowed:
            return visit_cap_refusal(group[0].agency.name, verdict)
    return None


def cap_visit_take(*, actor, visit_tasks, item_visits: ItemVisits | None = None) -> list[CapVerdict]:
    """R21 again when an inspection visit opens: one place in ``CapUsage.visited_count`` per agency whose
    proactive tasks the visit carries (must run inside the opening transaction).

    The usage row is locked (``cap_usage_locked``), so two visits racing for the last place cannot both
    open; the verdict counts the visits already opened (``used=visited_count``) against the tier cap and,
    through ``item_visits`` (read after the lock), the visits already opened covering each item with its own
    yearly frequency against that frequency. Exempt-source tasks are not limited. A task started as urgent
    (R10) takes the place anyway and an R21 alert reports it, as at its start. Sets ``Visit.cap_counted``
    when a place was taken. ``visit_tasks``: VisitTask rows of one visit.
    """
    visit_tasks = list(visit_tasks)
    if not visit_tasks:
        return []
    visit = visit_tasks[0].visit
    verdicts: list[CapVerdict] = []
    # One lock order (by agency), so two joint visits cannot deadlock.
    for agency_id, group in sorted(_proactive_by_agency(row.task for row in visit_tasks).items()):
        usage = cap_usage_locked(agency_id=agency_id, enterprise_id=visit.enterprise_id, year=visit.year)
        capped = _capped_items(group)
        seen = (item_visits(agency_id, visit.enterprise_id, visit.year, sorted(capped))
                if item_visits is not None and capped else None)
        verdict = _visit_cap_verdict(group, visit.enterprise_id, usage.visited_count, item_visits=seen)
        urgent = any(t.urgent for t in group)
        if not verdict.allowed and not urgent:
            raise visit_cap_refusal(group[0].agency.name, verdict)
        CapUsage.objects.filter(pk=usage.pk).update(visited_count=F("visited_count") + 1)
        if not verdict.allowed:
            alert_raise(rule_id="R21", subject=visit, agency=group[0].agency, actor=actor,
                        dedup_key=f"R21:visit_over:inspections.visit:{visit.pk}:{agency_id}",
                        facts={"visit": visit.pk, "enterprise": visit.enterprise_id, "year": visit.year,
                               "tasks": [t.pk for t in group], "kind": "urgent_visit_over_cap", "cap": verdict.cap,
                               "visited": usage.visited_count + 1,
                               "limit": _limit_key(verdict), "reason": verdict.reason})
        verdicts.append(verdict)
    if verdicts and not visit.cap_counted:
        visit.cap_counted = True
        visit.save(update_fields=["cap_counted"])
    return verdicts
