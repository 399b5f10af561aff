"""Rebuilding every rollup from the visits table in set-based SQL (ADR 0014): for a backfill (history
imported, a first deployment over years of visits) or after the dimensions changed.

The per-minute fold (``fold.py``) computes a visit's dimensions in Python, a batch at a time: right for
the few visits a minute closes, about an hour for ten million. The rebuild computes the same dimensions
(``dimensions.py`` is their definition; ``test_rebuild`` checks that both give identical rollups) with a
handful of ``INSERT … SELECT … GROUP BY`` statements, on SQLite and on PostgreSQL, in one transaction
holding the watermark lock: a fold waits, a panel keeps reading the previous rollups until the commit.
"""

# ruff: noqa: S608 — every statement here is built from the models' _meta names and code constants;
# the only outside value (the horizon, the floor) is bound.
import datetime as dt

from django.db import connection, transaction

from clearcheck.core import clock
from clearcheck.inspections.selectors.visits import counted_visit_sql
from clearcheck.registry.models import Enterprise

from ..models.rollups import (
    EnterpriseAgencyYearRollup,
    EnterpriseYearRollup,
    RollupFoldedVisit,
    RollupWatermark,
    VisitMonthDetailRollup,
    VisitMonthRollup,
    VisitsPerEnterpriseHistogram,
)
from .dimensions import FINAL_STATUSES
from .enterprise_counts import SECTIONS, enterprise_counts_refresh, sections_table
from .fold import ALL_PLACES, MONTH_DIMS, SAFETY_LAG, watermark
from .sqlexpr import VISIT, local_month_sql, seconds_sql, year_sql

FACTS = "rollup_rebuild_facts"
ENTERPRISE = Enterprise._meta.db_table
# (grain, the region / industry / tier expressions the grain keeps)
GRAINS = (("all", "region", "industry", "tier"), ("region", "region", "''", "''"),
          ("industry", "''", "industry", "''"), ("tier", "''", "''", "tier"))


def _facts_sql() -> str:
    """One row per counted final visit with its dimensions (see ``dimensions.py``)."""
    month = local_month_sql("v.opened_at")
    # Every value is a constant of the code (statuses, kinds, sources); nothing from a request.
    return f"""
        CREATE TEMPORARY TABLE {FACTS} AS
        SELECT v.id AS visit_id, v.enterprise_id, v.agency_id, {month} AS month,
               {year_sql(month)} AS year,
               COALESCE(v.source, '') AS source,
               v.joint_inspection_id IS NOT NULL AS joint,
               v.drawn AS drawn,
               COALESCE(v.entry_method, '') AS entry_method,
               COALESCE(e.region_id, '') AS region,
               COALESCE(s.section, COALESCE(e.industry_id, '')) AS industry,
               COALESCE(v.tier, '') AS tier,
               CASE WHEN v.closed_at IS NULL THEN 0 ELSE {seconds_sql("v.opened_at", "v.closed_at")} END AS seconds
        FROM {VISIT} v
        LEFT JOIN {ENTERPRISE} e ON e.id = v.enterprise_id
        LEFT JOIN {SECTIONS} s ON s.code = e.industry_id
        WHERE {counted_visit_sql("v", closed_only=True)}
    """


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _rollup_inserts() -> list[str]:
    """The INSERT … SELECT of every rollup, from the facts table (order matters: the histogram last)."""
    month_columns = ", ".join(_column(VisitMonthRollup, d) for d in MONTH_DIMS)
    month_facts = ", ".join(MONTH_DIMS)  # the facts table's columns have the dimensions' names
    statements = [
        f"INSERT INTO {VisitMonthRollup._meta.db_table} ({month_columns}, visits, seconds) "
        f"SELECT {month_facts}, COUNT(*), SUM(seconds) FROM {FACTS} GROUP BY {month_facts}",
    ]
    for grain, region, industry, tier in GRAINS:
        kept = ", ".join(c for c in (region, industry, tier) if c != "''")  # PostgreSQL refuses GROUP BY ''
        statements.append(
            f"INSERT INTO {VisitMonthDetailRollup._meta.db_table} "
            f"(grain, {month_columns}, region, industry, tier, visits, seconds) "
            f"SELECT '{grain}', {month_facts}, {region}, {industry}, {tier}, COUNT(*), SUM(seconds) FROM {FACTS} "
            f"GROUP BY {month_facts}, {kept}")
    agency_year = EnterpriseAgencyYearRollup._meta.db_table
    enterprise_year = EnterpriseYearRollup._meta.db_table
    histogram = VisitsPerEnterpriseHistogram._meta.db_table
    statements += [
        f"INSERT INTO {agency_year} (enterprise_id, year, agency_id, region, industry, visits, seconds) "
        f"SELECT enterprise_id, year, agency_id, MAX(region), MAX(industry), COUNT(*), SUM(seconds) FROM {FACTS} "
        f"GROUP BY enterprise_id, year, agency_id",
        f"INSERT INTO {enterprise_year} (enterprise_id, year, region, industry, visits, seconds, agencies) "
        f"SELECT enterprise_id, year, MAX(region), MAX(industry), SUM(visits), SUM(seconds), COUNT(*) "
        f"FROM {agency_year} GROUP BY enterprise_id, year",
        f"INSERT INTO {histogram} (year, agency_key, region, industry, visits_n, enterprises) "
        f"SELECT year, agency_id, region, industry, visits, COUNT(*) FROM {agency_year} "
        f"GROUP BY year, agency_id, region, industry, visits",
        f"INSERT INTO {histogram} (year, agency_key, region, industry, visits_n, enterprises) "
        f"SELECT year, 0, region, industry, visits, COUNT(*) FROM {enterprise_year} "
        f"GROUP BY year, region, industry, visits",
        f"INSERT INTO {histogram} (year, agency_key, region, industry, visits_n, enterprises) "
        f"SELECT year, agency_id, '{ALL_PLACES}', '{ALL_PLACES}', visits, COUNT(*) FROM {agency_year} "
        f"GROUP BY year, agency_id, visits",
        f"INSERT INTO {histogram} (year, agency_key, region, industry, visits_n, enterprises) "
        f"SELECT year, 0, '{ALL_PLACES}', '{ALL_PLACES}', visits, COUNT(*) FROM {enterprise_year} "
        f"GROUP BY year, visits",
    ]
    return statements  # table and column names come from the models' _meta


ROLLUPS = (VisitMonthRollup, VisitMonthDetailRollup, EnterpriseAgencyYearRollup, EnterpriseYearRollup,
           VisitsPerEnterpriseHistogram, RollupFoldedVisit)


def rollups_rebuild(*, lag: dt.timedelta = SAFETY_LAG) -> int:
    """Replace every rollup by a recount of all final visits (and recount the enterprises per region and
    section); returns how many visits counted.

    Afterwards the watermark stands where a fold of everything would have left it: the floor at the first
    visit not final (or started within ``lag``), later final visits marked folded.
    """
    horizon = clock.now() - lag
    final = ", ".join(f"'{status}'" for status in sorted(FINAL_STATUSES))
    with transaction.atomic():
        mark = watermark()
        mark = RollupWatermark.objects.select_for_update().get(pk=mark.pk)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A maintenance job hashing millions of rows: more memory than a request gets.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(f"SELECT MIN(id) FROM {VISIT} WHERE status NOT IN ({final}) "
                           "OR started_at > %s", [horizon])
            floor = cursor.fetchone()[0]
            if floor is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {VISIT}")
                floor = cursor.fetchone()[0]
            for model in ROLLUPS:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
            cursor.execute(f"DROP TABLE IF EXISTS {FACTS}")
            sections_table(cursor)
            cursor.execute(_facts_sql(), [])  # a list: the fragments' %% are formatted
            cursor.execute(f"SELECT COUNT(*) FROM {FACTS}")
            counted = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {FACTS}")
            for statement in _rollup_inserts():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {RollupFoldedVisit._meta.db_table} (visit_id) "
                           f"SELECT id FROM {VISIT} WHERE id >= %s AND status IN ({final})", [floor])
            for table in (FACTS, SECTIONS):
                cursor.execute(f"DROP TABLE {table}")
        mark.floor_id = floor
        mark.generation += 1
        mark.folded_at = clock.now()
        mark.save(update_fields=["floor_id", "generation", "folded_at"])
        enterprise_counts_refresh()
    return counted
