"""Reading rollups + the unfolded tail consistently (ADR 0014).

A ``Snapshot`` holds the watermark and the tail's facts (counted visits from the floor on, not yet marked
folded, read live). ``consistent(read)`` runs ``read`` between two reads of the watermark's generation and
retries when a fold committed in between, so a panel never counts a visit twice or not at all.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Subquery

from clearcheck.inspections.choices import VisitKind, VisitStatus
from clearcheck.inspections.models import Visit, VisitTask
from clearcheck.planning.choices import TaskSource

from ..models.rollups import RollupFoldedVisit, RollupWatermark
from .dimensions import (
    COUNTED_STATUSES,
    VisitFacts,
    enterprise_places,
    industry_section,
    local_month,
    tiers_for_pairs,
)
from .fold import WATERMARK

RETRIES = 5
TAIL_FIELDS = ("id", "kind", "status", "agency_id", "enterprise_id", "joint_inspection_id", "entry_method",
               "opened_at", "closed_at", "first_source", "any_drawn")


@dataclass
class Snapshot:
    """The floor and generation a read starts from, and the tail's facts (optionally of one agency)."""

    floor_id: int
    generation: int
    tail: list[VisitFacts] = field(default_factory=list)


def _mark() -> tuple[int, int]:
    row = RollupWatermark.objects.filter(name=WATERMARK).values_list("floor_id", "generation").first()
    return row or (1, 0)


def _tail_rows(floor_id: int, *, agency_id: int | None, enterprise_id: int | None) -> list[tuple]:
    """The tail's visits in one query, each with its first task's source and whether a task was drawn
    (two correlated look-ups per visit on the (visit, task) index; the tail is a few thousand rows).
    """
    tasks = VisitTask.objects.filter(visit_id=OuterRef("id"))
    # By primary-key range (what counts is checked in Python): the planner must not pick a status index
    # that walks every closed visit; folded visits past the floor are skipped by their markers.
    qs = Visit.objects.filter(id__gte=floor_id)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    qs = (qs.filter(~Exists(RollupFoldedVisit.objects.filter(visit_id=OuterRef("id"))))
          .annotate(first_source=Subquery(tasks.order_by("task_id").values("task__source")[:1]),
                    any_drawn=Exists(tasks.filter(task__source=TaskSource.DRAW))))
    return list(qs.order_by("id").values_list(*TAIL_FIELDS))


def tail_facts(floor_id: int, *, agency_id: int | None = None, enterprise_id: int | None = None,
               detail: bool = True) -> list[VisitFacts]:
    """Counted visits from ``floor_id`` on that no fold has marked (few: open visits and the last minutes),
    with the same dimensions ``facts_of`` gives the fold (``test_rollups`` compares them with a fresh count).

    ``detail=False`` skips region, industry and tier (only a filter on them needs them).
    """
    rows = [r for r in _tail_rows(floor_id, agency_id=agency_id, enterprise_id=enterprise_id)
            if r[1] == VisitKind.INSPECTION and r[7] is not None and r[2] in COUNTED_STATUSES]
    places: dict[int, tuple[str, str]] = {}
    tier_of: dict = {}
    if detail and rows:
        places = enterprise_places({r[4] for r in rows})
        tier_of = tiers_for_pairs({(r[3], r[4]) for r in rows})
    facts = []
    for (visit_id, _kind, status, agency, enterprise, joint, entry, opened, closed, source, drawn) in rows:
        month = local_month(opened)
        region, industry = places.get(enterprise, ("", ""))
        seconds = int((closed - opened).total_seconds()) if closed and status == VisitStatus.CLOSED else 0
        facts.append(VisitFacts(
            visit_id=visit_id, enterprise_id=enterprise, agency_id=agency, month=month, year=month.year,
            source=source or "", joint=joint is not None, drawn=drawn, entry_method=entry or "",
            region=region or "", industry=industry_section(industry), tier=tier_of[(agency, enterprise)].code if detail else "",
            seconds=max(seconds, 0)))
    return facts


def consistent(read, *, agency_id: int | None = None, detail: bool = True):
    """``read(snapshot)`` with a snapshot no fold changed while it ran (retried a few times if one did)."""
    result = None
    for _attempt in range(RETRIES):
        floor_id, generation = _mark()
        snapshot = Snapshot(floor_id, generation, tail_facts(floor_id, agency_id=agency_id, detail=detail))
        result = read(snapshot)
        if _mark()[1] == generation:
            return result
    return result
