"""Registered enterprises per region and industry section (ADR 0014): the base of the distribution's
0-visit bucket, kept beside the visit rollups so that a panel does not count a million enterprises.

``enterprise_counts_refresh`` recounts them in one set-based statement (on SQLite and PostgreSQL) and sets
the ``enterprises`` watermark's floor past the highest id it counted; the fold calls it when the last
count is older than ``REFRESH``, the rebuild every time. A panel reads the counts and adds the
enterprises registered since (``id`` at or past the floor: an index range, live). An enterprise moved to
another region or industry, or one whose registration was still committing during a recount, is counted
in its new place at the next recount.
"""

# ruff: noqa: S608 — table names from the models' _meta and code constants; every value is bound.
import datetime as dt

from django.db import connection, transaction
from django.db.models import F, Sum

from clearcheck.core import clock
from clearcheck.registry.models import Enterprise, Industry

from ..models.rollups import EnterpriseCountRollup, RollupWatermark
from .dimensions import industry_codes, industry_section
from .fold import WATERMARK as VISITS

WATERMARK = "enterprises"
REFRESH = dt.timedelta(minutes=10)
SECTIONS = "rollup_sections"
ENTERPRISE = Enterprise._meta.db_table


def sections_table(cursor) -> None:
    """(Re)create the temporary table ``rollup_sections`` (industry code → GB/T 4754 section): the
    sections come from Python (``industry_section``), and set-based statements join them.
    """
    cursor.execute(f"DROP TABLE IF EXISTS {SECTIONS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {SECTIONS} (code varchar(8) PRIMARY KEY, section varchar(5) NOT NULL)")
    cursor.executemany(f"INSERT INTO {SECTIONS} (code, section) VALUES (%s, %s)",
                       [(code, industry_section(code)) for code in Industry.objects.values_list("code", flat=True)])


def enterprise_counts_refresh(*, now: dt.datetime | None = None) -> int:
    """Recount the enterprises per region and section; returns how many were counted.

    One transaction: the visits watermark row, then the ``enterprises`` one, are locked (two recounts
    serialize; the rebuild takes them in the same order, so the two cannot deadlock), and the visits
    generation grows, so a panel reading across the commit retries (``reading.consistent``).
    """
    mark, _ = RollupWatermark.objects.get_or_create(name=WATERMARK)
    with transaction.atomic():
        list(RollupWatermark.objects.select_for_update().filter(name=VISITS))
        mark = RollupWatermark.objects.select_for_update().get(pk=mark.pk)
        table = EnterpriseCountRollup._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ENTERPRISE}")
            top = cursor.fetchone()[0]
            sections_table(cursor)
            cursor.execute(f"DELETE FROM {table}")
            section = "COALESCE(s.section, e.industry_id)"
            cursor.execute(
                f"INSERT INTO {table} (region, industry, enterprises) "
                f"SELECT e.region_id, {section}, COUNT(*) FROM {ENTERPRISE} e "
                f"LEFT JOIN {SECTIONS} s ON s.code = e.industry_id WHERE e.id <= %s GROUP BY e.region_id, {section}",
                [top])
            cursor.execute(f"DROP TABLE {SECTIONS}")
        mark.floor_id = top + 1
        mark.generation += 1
        mark.folded_at = now or clock.now()
        mark.save(update_fields=["floor_id", "generation", "folded_at"])
        RollupWatermark.objects.filter(name=VISITS).update(generation=F("generation") + 1)
    return EnterpriseCountRollup.objects.aggregate(n=Sum("enterprises"))["n"] or 0


def enterprise_counts_due(now: dt.datetime, every: dt.timedelta = REFRESH) -> bool:
    """Whether the counts were never taken or were taken longer than ``every`` ago."""
    counted_at = RollupWatermark.objects.filter(name=WATERMARK).values_list("folded_at", flat=True).first()
    return counted_at is None or counted_at <= now - every


def enterprises_in_scope(*, region: tuple[str, ...] | str = (), industry: str = "") -> int:
    """How many registered enterprises regions (a code or the codes of a region and those below it) and an
    industry section cover (either may be empty): the
    counts plus the enterprises registered since; a live count when no count was ever taken.
    """
    region = (region,) if isinstance(region, str) and region else tuple(region)
    live = Enterprise.objects.all()
    if region:
        live = live.filter(region_id__in=region)
    if industry:
        live = live.filter(industry_id__in=industry_codes(industry))
    floor = RollupWatermark.objects.filter(name=WATERMARK).values_list("floor_id", flat=True).first()
    if floor is None:
        return live.count()
    counted = EnterpriseCountRollup.objects.all()
    if region:
        counted = counted.filter(region__in=region)
    if industry:
        counted = counted.filter(industry=industry)
    return (counted.aggregate(n=Sum("enterprises"))["n"] or 0) + live.filter(id__gte=floor).count()
