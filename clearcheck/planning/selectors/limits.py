"""The yearly limits on an agency's inspections of an enterprise (R21) and this year's counts against them.

``limit_lines`` is the one read behind every count shown against a limit: the on-site record (page and
笔录 PDF, frozen when the record is created), the 行政检查通知书 and 审批表, the task page, the check-in
page (R28), the enterprise file, the enterprise's burden page and the rights guide (the published tiers).
The R21 checks of ``planning.services.caps`` read the same facts (``item_places`` and ``CapUsage``), so
what a page shows is what approval decides on.

What is counted (per agency, enterprise and year; the year of a task is the year of its window start):

- **Tier line** (``kind="tier"``, "D 级年度上限 4 次"): ``count`` = the places taken under the agency's tier
  cap, i.e. the agency's approved (or urgently started, R10) tasks at the enterprise from a source that
  counts against the cap and not cancelled (``CapUsage.proactive_count``). A task takes its place when it
  is approved, so an approved inspection not yet carried out is counted ("已安排"). ``exempt`` = the
  approved tasks of exempt sources (complaint, referral, monitoring, re-check …: ``CapUsage.exempt_count``),
  never counted against a limit. ``visited`` = the proactive visits already opened
  (``CapUsage.visited_count``), which the check-in re-checks against the cap (ADR 0009).
- **Item line** (``kind="item"``, "《事项名》年度频次 1 次"), for an item with its own yearly frequency
  (``InspectionItem.annual_cap``): ``count`` = the same places, restricted to the tasks that cover an item
  of that code (a re-published item keeps the count of its predecessors); ``exempt`` likewise. An item's
  frequency limits only the inspections of that item, never the agency's other inspections.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from clearcheck.catalog.choices import ItemStatus
from clearcheck.catalog.models import InspectionItem
from clearcheck.registry.models import Agency

from ..choices import TaskStatus
from ..models import CapUsage, EnterpriseTier, InspectionTask, Tier
from ..models.tasks import CapPlace
from ..rules import (
    CURRENT_COUNTED,
    CURRENT_EXEMPT,
    CURRENT_PENDING,
    LimitLine,
    item_limit_line,
    limits_marked,
    tier_limit_line,
)
from .tiers import _chunks, explanation_of, tier_scheme, tiers_ungraded

__all__ = ["LimitLine", "enterprise_planning_summary", "item_places", "limit_groups", "limit_lines"]


def item_places(*, year: int, agency_ids: Iterable[int], enterprise_ids: Iterable[int],
                codes: Iterable[str] | None = None) -> dict[tuple[int, int, str], list[int]]:
    """(enterprise, agency, item code) → [proactive places, exempt tasks] this year: the agency's tasks at the
    enterprise that hold a place (``cap_place``) and cover an item of that code. One statement per 20,000
    enterprises; only pairs with a task are present.
    """
    agency_ids = list(dict.fromkeys(agency_ids))
    result: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0])
    if not agency_ids:
        return result
    through = InspectionTask.items.through
    for chunk in _chunks(list(dict.fromkeys(enterprise_ids))):
        rows = through.objects.filter(
            inspectiontask__enterprise_id__in=chunk, inspectiontask__year=year,
            inspectiontask__agency_id__in=agency_ids,
            inspectiontask__cap_place__in=(CapPlace.PROACTIVE, CapPlace.EXEMPT),
        )
        if codes is not None:
            rows = rows.filter(inspectionitem__code__in=list(codes))
        for enterprise_id, agency_id, code, place, n in (
                rows.values_list("inspectiontask__enterprise_id", "inspectiontask__agency_id", "inspectionitem__code",
                                 "inspectiontask__cap_place")
                .annotate(n=Count("inspectiontask_id", distinct=True)).order_by()):
            result[(enterprise_id, agency_id, code)][0 if place == CapPlace.PROACTIVE else 1] += n
    return result


def _scheme_lines(agency_ids) -> list[LimitLine]:
    """The published tiers (no enterprise): the default scheme, or each agency's own."""
    from ..services.tiers import DEFAULT_TIERS

    if agency_ids is None:
        return [tier_limit_line(tier=Tier(code=c, name=n, rank=r, annual_cap=cap, sampling_ratio=s), agency_id=None)
                for c, n, r, cap, s in DEFAULT_TIERS]
    names = dict(Agency.objects.filter(pk__in=list(agency_ids)).values_list("pk", "name"))
    return [tier_limit_line(tier=tier, agency_id=pk, agency_name=names.get(pk, ""))
            for pk in dict.fromkeys(agency_ids) for tier in tier_scheme(pk)]


def _task_current(tasks: list) -> str:
    """How a task (or the tasks of one visit) stands to a line's count (``CURRENT_*``)."""
    tasks = [t for t in tasks if t.status != TaskStatus.CANCELLED]
    if any(t.cap_place == CapPlace.PROACTIVE for t in tasks):
        return CURRENT_COUNTED
    if any(t.counts_against_cap for t in tasks):
        return CURRENT_PENDING
    return CURRENT_EXEMPT if tasks else ""


def limit_lines(*, year: int | None = None, enterprise_id: int | None = None, agency_ids: Iterable[int] | None = None,
                tasks: Iterable | None = None) -> list[LimitLine]:
    """The limits on inspections of one enterprise this ``year`` and the counts against them (module doc).

    - ``tasks`` (one task, or the tasks of one visit, with their items): per agency of the tasks, the tier
      line and a line for each of their items that has its own yearly frequency; ``current`` says whether
      the task(s) hold a place (含本次), are still to be approved, or are of an exempt source, and
      ``binding`` marks the limit that leaves the fewest places.
    - otherwise (the enterprise file, the burden page): per agency (``agency_ids``, default: the listed
      agencies, those that grade the enterprise and those that hold places this year), the tier line
      (binding) and a line for each item with its own frequency that has inspections counted this year.
    - without ``enterprise_id``: the published tiers (counts 0) — of ``agency_ids``, or the platform's
      default scheme (the rights guide).

    Ordered by agency (the tasks' order, else agency code), the tier first, then items by code. Read-only and
    set-based: a constant number of statements whatever the number of agencies.
    """
    if enterprise_id is None:
        return _scheme_lines(agency_ids)
    tasks = list(tasks) if tasks is not None else None
    if tasks is not None:
        agency_ids = list(dict.fromkeys(t.agency_id for t in tasks))
    grades = EnterpriseTier.objects.select_related("tier").filter(enterprise_id=enterprise_id, is_current=True)
    usages = CapUsage.objects.filter(enterprise_id=enterprise_id, year=year)
    if agency_ids is not None:
        agency_ids = list(dict.fromkeys(agency_ids))
        grades, usages = grades.filter(agency_id__in=agency_ids), usages.filter(agency_id__in=agency_ids)
    graded = {g.agency_id: g.tier for g in grades}
    usage = {u.agency_id: u for u in usages}
    if agency_ids is None:
        agencies = list(Agency.objects.filter(Q(listed=True) | Q(pk__in=[*graded, *usage])).order_by("code")
                        .values_list("pk", "name"))
    else:
        names = {t.agency_id: t.agency.name for t in tasks or () if InspectionTask.agency.is_cached(t)}
        if set(agency_ids) - set(names):
            names = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
        agencies = [(pk, names[pk]) for pk in agency_ids if pk in names]
    if not agencies:
        return []
    ids = [pk for pk, _name in agencies]
    ungraded = tiers_ungraded([pk for pk in ids if pk not in graded]) if len(graded) < len(ids) else {}

    # The items with their own frequency: the tasks' (by agency and code), or those counted this year.
    items: dict[int, dict[str, object]] = defaultdict(dict)
    if tasks is not None:
        for task in tasks:
            for item in task.items.all():
                if item.annual_cap is not None:
                    items[task.agency_id].setdefault(item.code, item)
        codes = {code for by_code in items.values() for code in by_code}
        places = item_places(year=year, agency_ids=ids, enterprise_ids=[enterprise_id], codes=codes) if codes else {}
    else:
        places = item_places(year=year, agency_ids=ids, enterprise_ids=[enterprise_id])
        if places:
            found = (InspectionItem.objects.filter(agency_id__in=ids, code__in={c for _e, _a, c in places})
                     .order_by("agency_id", "code", "-id"))
            for item in found:
                by_code = items[item.agency_id]
                if (enterprise_id, item.agency_id, item.code) not in places:
                    continue
                if item.code not in by_code or (item.status == ItemStatus.PUBLISHED
                                                and by_code[item.code].status != ItemStatus.PUBLISHED):
                    by_code[item.code] = item
            for by_code in items.values():
                for code in [c for c, item in by_code.items() if item.annual_cap is None]:
                    del by_code[code]

    lines: list[LimitLine] = []
    for agency_id, name in agencies:
        own = [t for t in tasks if t.agency_id == agency_id] if tasks is not None else None
        row = usage.get(agency_id)
        tier = graded.get(agency_id) or ungraded[agency_id]
        lines.append(tier_limit_line(
            tier=tier, agency_id=agency_id, agency_name=name, count=row.proactive_count if row else 0,
            exempt=row.exempt_count if row else 0, visited=row.visited_count if row else 0,
            current=_task_current(own) if own is not None else ""))
        for code, item in sorted(items.get(agency_id, {}).items()):
            places_of = places.get((enterprise_id, agency_id, code), [0, 0])
            covering = [t for t in own if any(i.code == code for i in t.items.all())] if own is not None else None
            lines.append(item_limit_line(
                item=item, agency_id=agency_id, agency_name=name, count=places_of[0], exempt=places_of[1],
                current=_task_current(covering) if covering is not None else ""))
    return limits_marked(lines, for_tasks=tasks is not None)


def limit_groups(lines: Iterable[LimitLine]) -> list[dict]:
    """The lines grouped by agency, in order: ``[{"agency_id", "agency_name", "lines"}]`` (for pages)."""
    groups: dict = {}
    for line in lines:
        group = groups.setdefault(line.agency_id, {"agency_id": line.agency_id, "agency_name": line.agency_name,
                                                   "lines": []})
        group["lines"].append(line)
    return list(groups.values())


def enterprise_planning_summary(*, enterprise_id: int, year: int) -> list[dict]:
    """The enterprise file's block: per agency (as ``limit_lines`` without tasks lists them) its current
    grade and why (``grade``, ``explanation``; None when ungraded) and its limits with this year's counts
    (``lines``: the tier line first). Read-only and set-based.
    """
    grades = {g.agency_id: g for g in EnterpriseTier.objects.filter(enterprise_id=enterprise_id, is_current=True)}
    rows = []
    for group in limit_groups(limit_lines(year=year, enterprise_id=enterprise_id)):
        grade = grades.get(group["agency_id"])
        rows.append({**group, "tier": group["lines"][0], "grade": grade, "graded": grade is not None,
                     "explanation": explanation_of(grade) if grade else None})
    return rows
