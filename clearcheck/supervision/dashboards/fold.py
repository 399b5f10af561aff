"""The rollup fold job (ADR 0014): idempotent, safe to run twice at once, every minute in production.

It reads visits by id from the watermark's floor on, folds those that have reached a final state
(closed / expired / cancelled; only opened inspections count) into the rollups, marks them, and moves
the floor past the longest run of final visits older than the safety lag. Check-ins never lock anything
here: only the fold locks the watermark row.
"""

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction

from clearcheck.core import clock
from clearcheck.inspections.models import Visit

from ..models.rollups import (
    EnterpriseAgencyYearRollup,
    EnterpriseYearRollup,
    RollupFoldedVisit,
    RollupWatermark,
    VisitMonthDetailRollup,
    VisitMonthRollup,
    VisitsPerEnterpriseHistogram,
)
from .dimensions import FINAL_STATUSES, VisitFacts, facts_of, visit_rows

WATERMARK = "visits"
# An uncommitted check-in may hold an id below a committed one; one older than this is assumed committed.
SAFETY_LAG = dt.timedelta(minutes=5)
BATCH = 20000
UPSERT_ROWS = 500
MONTH_DIMS = ("month", "agency_id", "source", "joint", "drawn", "entry_method")
DETAIL_DIMS = ("grain", *MONTH_DIMS, "region", "industry", "tier")
# The histogram's coarse rows (every region and industry together: what the unfiltered distribution
# reads) carry this in both columns; no region or industry code is "*".
ALL_PLACES = "*"


def watermark() -> RollupWatermark:
    """The watermark row (created on first use)."""
    row, _ = RollupWatermark.objects.get_or_create(name=WATERMARK)
    return row


def _upsert_sql(table: str, columns: list[str], keys: int, add: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERT … ON CONFLICT DO UPDATE adding ``add`` (the same SQL on SQLite ≥ 3.24 and PostgreSQL).

    Rows go 500 to a statement (SQLite binds at most 32,766 parameters): one round trip per 500 rows
    instead of one per row. The keys of ``rows`` are distinct (aggregated by the caller), as PostgreSQL
    requires within one statement.
    """
    if not rows:
        return
    conflict = ", ".join(columns[:keys])
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in add)
    if connection.vendor == "postgresql" and len(rows) > UPSERT_ROWS:
        _upsert_copy(table, columns, conflict, updates, rows)
        return
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_ROWS):
            chunk = rows[start:start + UPSERT_ROWS]
            values = ", ".join([one] * len(chunk))
            # Table and column names come from the models' _meta; every value is bound.
            head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"  # noqa: S608
            cursor.execute(f"{head} ON CONFLICT ({conflict}) DO UPDATE SET {updates}",
                           [v for row in chunk for v in row])


def _upsert_copy(table: str, columns: list[str], conflict: str, updates: str, rows: list[tuple]) -> None:
    """PostgreSQL, many rows: COPY into a temporary table, then one INSERT … SELECT … ON CONFLICT."""
    names = ", ".join(columns)
    scratch = f"fold_{table}"
    with connection.cursor() as cursor:
        # Names come from the models' _meta; the rows go through COPY, never into the SQL text.
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {names} FROM {table} WITH NO DATA")  # noqa: S608
        cursor.execute(f"TRUNCATE {scratch}")
        with cursor.cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch} "  # noqa: S608
                       f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}")


def _upsert_add(model, dims: tuple[str, ...], sums: tuple[str, ...], rows: list[tuple]) -> None:
    """Add ``sums`` to the rows of ``model`` keyed by ``dims`` (created at zero when missing)."""
    columns = [model._meta.get_field(name).column for name in (*dims, *sums)]
    _upsert_sql(model._meta.db_table, columns, len(dims), columns[len(dims):], rows)


def _chunks(ids: list, size: int = 20000):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def rollups_add(facts: list[VisitFacts]) -> None:
    """Add ``facts`` to every rollup (the caller holds the watermark lock)."""
    month: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    detail: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    per_agency: dict[tuple, list] = {}
    per_enterprise: dict[tuple, list] = {}
    for f in facts:
        key = (f.month, f.agency_id, f.source, f.joint, f.drawn, f.entry_method)
        month[key][0] += 1
        month[key][1] += f.seconds
        for grain_key in (("all", *key, f.region, f.industry, f.tier), ("region", *key, f.region, "", ""),
                          ("industry", *key, "", f.industry, ""), ("tier", *key, "", "", f.tier)):
            detail[grain_key][0] += 1
            detail[grain_key][1] += f.seconds
        row = per_agency.setdefault((f.enterprise_id, f.year, f.agency_id), [f.region, f.industry, 0, 0])
        row[2] += 1
        row[3] += f.seconds
        row = per_enterprise.setdefault((f.enterprise_id, f.year), [f.region, f.industry, 0, 0, 0])
        row[2] += 1
        row[3] += f.seconds
    _upsert_add(VisitMonthRollup, MONTH_DIMS, ("visits", "seconds"), [(*k, *v) for k, v in month.items()])
    _upsert_add(VisitMonthDetailRollup, DETAIL_DIMS, ("visits", "seconds"), [(*k, *v) for k, v in detail.items()])

    enterprise_ids = sorted({key[0] for key in per_enterprise})
    old_agency: dict[tuple, int] = {}
    old_total: dict[tuple, int] = {}
    for chunk in _chunks(enterprise_ids):
        for e, y, a, n in (EnterpriseAgencyYearRollup.objects.filter(enterprise_id__in=chunk)
                           .values_list("enterprise_id", "year", "agency_id", "visits")):
            old_agency[(e, y, a)] = n
        for e, y, n in (EnterpriseYearRollup.objects.filter(enterprise_id__in=chunk)
                        .values_list("enterprise_id", "year", "visits")):
            old_total[(e, y)] = n
    histogram: dict[tuple, int] = defaultdict(int)
    for (e, y, a), (region, industry, n, _s) in per_agency.items():
        before = old_agency.get((e, y, a), 0)
        if before:
            histogram[(y, a, region, industry, before)] -= 1
        else:
            per_enterprise[(e, y)][4] += 1  # a new agency at this enterprise this year
        histogram[(y, a, region, industry, before + n)] += 1
    for (e, y), (region, industry, n, _s, _a) in per_enterprise.items():
        before = old_total.get((e, y), 0)
        if before:
            histogram[(y, 0, region, industry, before)] -= 1
        histogram[(y, 0, region, industry, before + n)] += 1
    coarse: dict[tuple, int] = defaultdict(int)
    for (y, a, _region, _industry, n), moved in histogram.items():
        coarse[(y, a, ALL_PLACES, ALL_PLACES, n)] += moved
    histogram.update(coarse)
    _upsert_agency(per_agency)
    _upsert_enterprise(per_enterprise)
    _upsert_add(VisitsPerEnterpriseHistogram, ("year", "agency_key", "region", "industry", "visits_n"),
                ("enterprises",), [(*k, v) for k, v in histogram.items() if v])


def _upsert_agency(per_agency: dict) -> None:
    _upsert_sql(EnterpriseAgencyYearRollup._meta.db_table,
                ["enterprise_id", "year", "agency_id", "region", "industry", "visits", "seconds"], 3,
                ["visits", "seconds"], [(*k, *v) for k, v in per_agency.items()])


def _upsert_enterprise(per_enterprise: dict) -> None:
    _upsert_sql(EnterpriseYearRollup._meta.db_table,
                ["enterprise_id", "year", "region", "industry", "visits", "seconds", "agencies"], 2,
                ["visits", "seconds", "agencies"], [(*k, *v) for k, v in per_enterprise.items()])


def _fold_batch(*, after_id: int, horizon: dt.datetime, batch: int) -> tuple[int, int, bool]:
    """Fold one batch in one transaction; returns (visits folded, last id read, whether more remain)."""
    with transaction.atomic():
        mark = watermark()
        mark = RollupWatermark.objects.select_for_update().get(pk=mark.pk)
        start = max(after_id, mark.floor_id - 1)
        rows = visit_rows(Visit.objects.filter(id__gt=start).order_by("id")[:batch])
        if not rows:
            return 0, start, False
        ids = [r["id"] for r in rows]
        marked = set(RollupFoldedVisit.objects.filter(visit_id__gte=ids[0], visit_id__lte=ids[-1])
                     .values_list("visit_id", flat=True))
        foldable = [r for r in rows if r["status"] in FINAL_STATUSES and r["id"] not in marked]
        facts = facts_of(foldable)
        rollups_add(facts)
        # The floor moves past the run of final rows, starting at the floor, older than the lag.
        floor = mark.floor_id
        if start == mark.floor_id - 1:
            for r in rows:
                if r["status"] in FINAL_STATUSES and r["started_at"] <= horizon:
                    floor = r["id"] + 1
                else:
                    break
        new_marks = [RollupFoldedVisit(visit_id=r["id"]) for r in foldable if r["id"] >= floor]
        RollupFoldedVisit.objects.bulk_create(new_marks, batch_size=5000)
        if floor != mark.floor_id:
            RollupFoldedVisit.objects.filter(visit_id__lt=floor).delete()
        if foldable or floor != mark.floor_id:
            mark.floor_id = floor
            mark.generation += 1
            mark.folded_at = clock.now()
            mark.save(update_fields=["floor_id", "generation", "folded_at"])
        return len(foldable), ids[-1], len(rows) == batch


def rollups_fold(*, batch: int = BATCH, lag: dt.timedelta = SAFETY_LAG) -> int:
    """Fold every final visit not yet folded; returns how many visits were folded (0 when nothing new).

    Idempotent: a visit is folded once (below the floor, or marked). Two folds at once serialize on the
    watermark row; the second finds nothing left to fold. Every ``enterprise_counts.REFRESH`` it also
    recounts the enterprises per region and section (the distribution's 0-visit base).
    """
    from .enterprise_counts import enterprise_counts_due, enterprise_counts_refresh  # it imports this module

    now = clock.now()
    horizon = now - lag
    total, after_id = 0, 0
    while True:
        folded, after_id, more = _fold_batch(after_id=after_id, horizon=horizon, batch=batch)
        total += folded
        if not more:
            break
    if enterprise_counts_due(now):
        enterprise_counts_refresh(now=now)
    return total
