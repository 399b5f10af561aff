"""Reading rollups + the unfolded tail consistently (ADR 0014).

A ``Snapshot`` holds the watermark and the tail's facts (counted visits from the floor on, not yet marked
folded, read live). ``consistent(read)`` runs ``read`` between two reads of the watermark's generation and
retries when a fold committed in between, so a panel never counts a visit twice or not at all.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from clearcheck.inspections.models import Visit

from ..models.rollups import RollupFoldedVisit, RollupWatermark
from .dimensions import VisitFacts, facts_of, visit_rows
from .fold import WATERMARK

RETRIES = 5


@dataclass
class Snapshot:
    """The floor and generation a read starts from, and the tail's facts (optionally of one agency)."""

    floor_id: int
    generation: int
    tail: list[VisitFacts] = field(default_factory=list)


def _mark() -> tuple[int, int]:
    row = RollupWatermark.objects.filter(name=WATERMARK).values_list("floor_id", "generation").first()
    return row or (1, 0)


def tail_facts(floor_id: int, *, agency_id: int | None = None, enterprise_id: int | None = None,
               detail: bool = True) -> list[VisitFacts]:
    """Counted visits from ``floor_id`` on that no fold has marked (few: open visits and the last minutes).

    ``detail=False`` skips region, industry and tier (only a filter on them needs them).
    """
    # By primary-key range (what counts is checked in Python): the planner must not pick a status index
    # that walks every closed visit; folded visits past the floor are skipped by their markers.
    qs = Visit.objects.filter(id__gte=floor_id)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    qs = qs.filter(~Exists(RollupFoldedVisit.objects.filter(visit_id=OuterRef("id"))))
    rows = visit_rows(qs.order_by("id"), places=detail)
    return facts_of(rows, tiers=detail)


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
