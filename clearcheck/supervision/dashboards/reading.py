"""Reading rollups + the unfolded tail consistently (ADR 0014).

A ``Snapshot`` holds the watermark's floor and generation; the panels read the rollups and aggregate
the tail (``tail.py``: counted visits from the floor on, not yet marked folded, read live).
``consistent(read)`` runs ``read`` between two reads of the watermark's generation and retries when a
fold committed in between, so a panel never counts a visit twice or not at all.
"""

from dataclasses import dataclass

from django.db import connection, transaction

from ..models.rollups import RollupWatermark
from .fold import WATERMARK

RETRIES = 5


@dataclass(frozen=True)
class Snapshot:
    """The floor and generation a read starts from."""

    floor_id: int
    generation: int


def _mark() -> tuple[int, int]:
    row = RollupWatermark.objects.filter(name=WATERMARK).values_list("floor_id", "generation").first()
    return row or (1, 0)


def consistent(read):
    """``read(snapshot)`` with a snapshot no fold changed while it ran (retried a few times if one did)."""
    result = None
    for _attempt in range(RETRIES):
        floor_id, generation = _mark()
        if connection.vendor == "postgresql":
            with transaction.atomic():
                # The panels' statements are small but their estimated cost can cross jit_above_cost:
                # compiling them costs more (~9 ms) than running them.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jit = off")
                result = read(Snapshot(floor_id, generation))
        else:  # no transaction: SQLite's immediate transactions would take the write lock for a read
            result = read(Snapshot(floor_id, generation))
        if _mark()[1] == generation:
            return result
    return result
