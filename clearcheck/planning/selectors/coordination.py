"""Coordination reads (R09, R20): tasks of one or several agencies whose windows overlap at one enterprise,
grouped with a merge suggestion that minimises the visits; plan entries as per-agency planned volumes.

Set-based: SQL narrows the period's tasks to those that overlap another task at the same enterprise
(``EXISTS`` on the ``(enterprise, window_start)`` index); Python then only sorts those few tasks into
groups and visits. Windows are whole days, both ends included: two windows overlap when they share at
least one day; windows that merely touch (one ends the day before the other starts) do not.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core.errors import NotFound, PermissionDenied

from ..choices import PlanStatus, TaskStatus
from ..models import AnnualPlanEntry, InspectionTask, JointInspection

# Tasks that may still be merged (R09): not decided against, not done, not already in a joint inspection.
COORDINATION_STATUSES = (TaskStatus.DRAFT, TaskStatus.SUBMITTED, TaskStatus.APPROVED, TaskStatus.URGENT_STARTED)


@dataclass(frozen=True)
class TaskWindow:
    """One task as coordination shows it."""

    id: int
    agency_id: int
    agency_name: str
    enterprise_id: int
    window_start: dt.date
    window_end: dt.date
    status: str
    source: str
    item_ids: tuple[int, ...] = ()
    item_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuggestedVisit:
    """One visit of the merge suggestion: its date, the tasks it serves and their common window."""

    date: dt.date
    window_start: dt.date
    window_end: dt.date
    task_ids: tuple[int, ...]
    agency_ids: tuple[int, ...]
    lead_agency_id: int
    lead_agency_name: str


@dataclass
class Group:
    """Tasks at one enterprise whose windows overlap (a connected run of overlaps), with the suggestion."""

    enterprise_id: int
    enterprise_name: str
    enterprise_uscc: str
    region_id: str
    tasks: list[TaskWindow]
    suggestion: list[SuggestedVisit] = field(default_factory=list)

    @property
    def agency_ids(self) -> tuple[int, ...]:
        """The agencies with a task in the group, sorted."""
        return tuple(sorted({t.agency_id for t in self.tasks}))

    @property
    def multi_agency(self) -> bool:
        """Whether two or more different agencies are involved (what the R09 alert reports)."""
        return len(self.agency_ids) > 1

    @property
    def task_ids(self) -> tuple[int, ...]:
        """The group's task ids, sorted."""
        return tuple(sorted(t.id for t in self.tasks))

    @property
    def visits_saved(self) -> int:
        """How many entries into the enterprise the suggestion saves."""
        return len(self.tasks) - len(self.suggestion)

    def tasks_by_agency(self) -> list[tuple[str, list[TaskWindow]]]:
        """(agency name, its tasks) in agency order, for the page."""
        by_agency: dict[tuple[int, str], list[TaskWindow]] = defaultdict(list)
        for t in self.tasks:
            by_agency[(t.agency_id, t.agency_name)].append(t)
        return [(name, tasks) for (_, name), tasks in sorted(by_agency.items())]


@dataclass(frozen=True)
class PlannedVolume:
    """An agency's filed annual-plan volume for one month (plan entries name no enterprise)."""

    agency_id: int
    agency_name: str
    year: int
    month: int
    target_count: int
    item_count: int


# --- The suggestion --------------------------------------------------------------------------------


def visits_suggest(tasks: list[TaskWindow]) -> list[SuggestedVisit]:
    """The fewest visits that serve every task: the greedy interval-point cover.

    Sort by window end; the earliest end not yet served becomes a visit date and every task whose
    window contains it joins that visit. For intervals this is minimal (each chosen date is the end of
    a task no earlier date can serve, so any cover needs one date per chosen date).
    """
    ordered = sorted(tasks, key=lambda t: (t.window_end, t.window_start, t.id))
    runs: list[list[TaskWindow]] = []
    point: dt.date | None = None
    for task in ordered:
        if point is None or task.window_start > point:
            point = task.window_end
            runs.append([])
        runs[-1].append(task)
    return [_visit(run) for run in runs]


def _visit(run: list[TaskWindow]) -> SuggestedVisit:
    items: dict[int, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for t in run:
        items[t.agency_id].update(t.item_ids)
        names[t.agency_id] = t.agency_name
    # The lead is the agency with the most items in the visit; ties go to the agency with more tasks,
    # then the lower id, so the suggestion is the same on every run and database.
    counts = defaultdict(int)
    for t in run:
        counts[t.agency_id] += 1
    lead = min(items, key=lambda a: (-len(items[a]), -counts[a], a))
    return SuggestedVisit(
        date=min(t.window_end for t in run),
        window_start=max(t.window_start for t in run),
        window_end=min(t.window_end for t in run),
        task_ids=tuple(sorted(t.id for t in run)),
        agency_ids=tuple(sorted(items)),
        lead_agency_id=lead,
        lead_agency_name=names[lead],
    )


def overlap_runs(tasks: list[TaskWindow]) -> list[list[TaskWindow]]:
    """Split one enterprise's tasks into runs of overlapping windows (sweep by start)."""
    runs: list[list[TaskWindow]] = []
    reach: dt.date | None = None
    for task in sorted(tasks, key=lambda t: (t.window_start, t.window_end, t.id)):
        if reach is None or task.window_start > reach:
            runs.append([])
            reach = task.window_end
        else:
            reach = max(reach, task.window_end)
        runs[-1].append(task)
    return runs


# --- The groups ------------------------------------------------------------------------------------


def _region_prefix(region: str) -> str:
    # GB/T 2260: 370000 (province) → "37", 371500 (city) → "3715", 371524 (county) → "371524".
    code = (region or "").strip()
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def _open_tasks(start: dt.date, end: dt.date) -> QuerySet[InspectionTask]:
    return InspectionTask.objects.filter(
        status__in=COORDINATION_STATUSES, joint_inspection__isnull=True, window_start__lte=end, window_end__gte=start,
    )


def _overlapping_tasks(*, start: dt.date, end: dt.date, agency_ids, region: str | None,
                       after_enterprise: int | None, limit: int | None) -> QuerySet[InspectionTask]:
    """The period's open tasks that overlap another open task at the same enterprise (one SQL query)."""
    partner = _open_tasks(start, end).filter(
        enterprise_id=OuterRef("enterprise_id"), window_start__lte=OuterRef("window_end"),
        window_end__gte=OuterRef("window_start"),
    ).exclude(pk=OuterRef("pk"))
    overlapping = _open_tasks(start, end).filter(Exists(partner))
    narrowed = overlapping
    if agency_ids or region or after_enterprise is not None or limit is not None:
        # The enterprises where a task of the wanted agencies (in the wanted region) overlaps another task.
        seeds = overlapping
        if agency_ids:
            seeds = seeds.filter(agency_id__in=list(agency_ids))
        if region:
            seeds = seeds.filter(enterprise__region__code__startswith=_region_prefix(region))
        if after_enterprise is not None:
            seeds = seeds.filter(enterprise_id__gt=after_enterprise)
        enterprises = seeds.order_by("enterprise_id").values("enterprise_id").distinct()
        if limit is not None:
            enterprises = enterprises[:limit]
        narrowed = overlapping.filter(enterprise_id__in=enterprises)
    return narrowed


def coordination_groups(*, start: dt.date, end: dt.date, agency_ids=None, region: str | None = None,
                        after_enterprise: int | None = None, limit: int | None = None) -> list[Group]:
    """Groups of overlapping open tasks per enterprise for the period, each with its merge suggestion (R09).

    ``agency_ids``: only groups containing a task of one of these agencies. ``region``: a GB/T 2260 code
    (province, city or county). ``after_enterprise`` / ``limit``: keyset paging over enterprises.
    One query whatever the number of enterprises: the tasks joined to their items (a row per task and item).
    """
    if end < start:
        return []
    rows = (
        _overlapping_tasks(start=start, end=end, agency_ids=agency_ids, region=region,
                           after_enterprise=after_enterprise, limit=limit)
        # No ORDER BY: sorting in SQL made SQLite walk the whole (enterprise, window_start) index instead of
        # the period's rows; the few rows that come back are sorted here.
        .order_by()
        .values_list("id", "agency_id", "agency__name", "enterprise_id", "enterprise__name", "enterprise__uscc",
                     "enterprise__region_id", "window_start", "window_end", "status", "source", "items__id",
                     "items__name")
    )
    tasks: dict[int, tuple] = {}
    items: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for row in rows:
        tasks.setdefault(row[0], row)
        if row[11] is not None:
            items[row[0]].append((row[11], row[12]))
    by_enterprise: dict[int, list] = defaultdict(list)
    for row in sorted(tasks.values(), key=lambda r: (r[3], r[7], r[0])):
        by_enterprise[row[3]].append(row)
    wanted = set(agency_ids or ())
    groups: list[Group] = []
    for enterprise_id, enterprise_rows in by_enterprise.items():
        first = enterprise_rows[0]
        windows = []
        for r in enterprise_rows:
            own = sorted(items.get(r[0], ()))
            windows.append(TaskWindow(id=r[0], agency_id=r[1], agency_name=r[2], enterprise_id=r[3], window_start=r[7],
                                      window_end=r[8], status=r[9], source=r[10], item_ids=tuple(i for i, _ in own),
                                      item_names=tuple(n for _, n in own)))
        for run in overlap_runs(windows):
            if len(run) < 2 or (wanted and not wanted.intersection(t.agency_id for t in run)):
                continue
            groups.append(Group(enterprise_id=enterprise_id, enterprise_name=first[4], enterprise_uscc=first[5],
                                region_id=first[6], tasks=run, suggestion=visits_suggest(run)))
    groups.sort(key=lambda g: (g.enterprise_id, g.tasks[0].window_start))
    return groups


def planned_volumes(*, start: dt.date, end: dt.date, agency_ids=None) -> list[PlannedVolume]:
    """Filed annual-plan entries of the months the period touches, summed per agency and month (one query)."""
    if end < start:
        return []
    # Year and month as one number (202606), so a period of any length is one range condition.
    qs = (AnnualPlanEntry.objects.filter(plan__status=PlanStatus.FILED)
          .annotate(year_month=F("plan__year") * 100 + F("month"))
          .filter(year_month__gte=start.year * 100 + start.month, year_month__lte=end.year * 100 + end.month))
    if agency_ids:
        qs = qs.filter(plan__agency_id__in=list(agency_ids))
    rows = (qs.values("plan__agency_id", "plan__agency__name", "plan__year", "month")
            .annotate(target=Sum("target_count"), items=Count("id"))
            .order_by("plan__year", "month", "plan__agency_id"))
    return [PlannedVolume(agency_id=r["plan__agency_id"], agency_name=r["plan__agency__name"], year=r["plan__year"],
                          month=r["month"], target_count=r["target"] or 0, item_count=r["items"] or 0)
            for r in rows]


def coordination_period_default(today: dt.date) -> tuple[dt.date, dt.date]:
    """Next month (first to last day): the period the bureau coordinates by default."""
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


# --- Scoped by actor (API and pages) ---------------------------------------------------------------


def coordination_scope(*, actor, agency_ids=None) -> list[int] | None:
    """The agencies whose groups the actor may see: None = all (county roles); an agency user its own."""
    if actor_is_county(actor):
        return list(agency_ids) if agency_ids else None
    own = actor_agency_id(actor)
    if own is None:
        raise PermissionDenied("只有司法局、县政府、纪检监察机关和执法机关可以查看检查计划统筹")
    if agency_ids and own not in set(agency_ids):
        return []
    return [own]


def coordination_groups_for_actor(*, actor, start: dt.date, end: dt.date, agency_ids=None,
                                  region: str | None = None, after_enterprise: int | None = None,
                                  limit: int | None = None) -> list[Group]:
    """``coordination_groups`` as the actor may see them: agency users only groups with their own tasks."""
    scope = coordination_scope(actor=actor, agency_ids=agency_ids)
    if scope == []:
        return []
    return coordination_groups(start=start, end=end, agency_ids=scope, region=region,
                               after_enterprise=after_enterprise, limit=limit)


def planned_volumes_for_actor(*, actor, start: dt.date, end: dt.date, agency_ids=None) -> list[PlannedVolume]:
    """Planned volumes the actor may see (county roles all agencies, an agency user its own)."""
    scope = coordination_scope(actor=actor, agency_ids=agency_ids)
    if scope == []:
        return []
    return planned_volumes(start=start, end=end, agency_ids=scope)


# --- Joint inspections -----------------------------------------------------------------------------


def joint_inspections_for_actor(*, actor, status: str | None = None) -> QuerySet[JointInspection]:
    """Joint inspections the actor may read: county roles all; an agency user those with its tasks or lead."""
    qs = JointInspection.objects.select_related("enterprise", "lead_agency", "checklist")
    if not actor_is_county(actor):
        agency_id = actor_agency_id(actor)
        if agency_id is None:
            return qs.none()
        qs = qs.filter(Q(lead_agency_id=agency_id) | Q(tasks__agency_id=agency_id)).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-window_start", "-id")


def joint_inspection_get_for_actor(*, actor, joint_id: int) -> JointInspection:
    """One joint inspection the actor may read; missing and not-yours are both NotFound."""
    joint = joint_inspections_for_actor(actor=actor).filter(pk=joint_id).first()
    if joint is None:
        raise NotFound("联合检查不存在")
    return joint


def joint_inspection_tasks(joint: JointInspection) -> list[InspectionTask]:
    """The tasks of a joint inspection (or, once dissolved, none), with agency, items and officers."""
    return list(joint.tasks.select_related("agency").prefetch_related("items", "officers").order_by("agency_id", "id"))


def tasks_overlapping(task: InspectionTask) -> list[InspectionTask]:
    """The other open tasks at ``task``'s enterprise whose windows share a day with it (any agency, R09: the
    candidates for one joint visit), with their agencies, earliest first.
    """
    return list(_open_tasks(task.window_start, task.window_end).filter(enterprise_id=task.enterprise_id)
                .exclude(pk=task.pk).select_related("agency").order_by("window_start", "id"))


def tasks_window_overlap(tasks) -> tuple[dt.date, dt.date] | None:
    """The common window (latest start .. earliest end) of ``tasks``, or None when they share no day."""
    start = max(t.window_start for t in tasks)
    end = min(t.window_end for t in tasks)
    return (start, end) if start <= end else None


__all__ = [
    "COORDINATION_STATUSES", "Group", "PlannedVolume", "SuggestedVisit", "TaskWindow", "coordination_groups",
    "coordination_groups_for_actor", "coordination_period_default", "coordination_scope", "joint_inspection_get_for_actor",
    "joint_inspection_tasks", "joint_inspections_for_actor", "overlap_runs", "planned_volumes",
    "planned_volumes_for_actor", "tasks_overlapping", "tasks_window_overlap", "visits_suggest",
]
