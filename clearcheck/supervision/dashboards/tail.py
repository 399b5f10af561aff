"""The live tail in SQL (ADR 0014): counted visits from the watermark's floor on that no fold has marked
(the visits still open and the last minutes' closes), with their dimensions computed by the database.

A panel wraps ``tail_sql`` in its own GROUP BY: a few thousand rows are handled by the database and a
few dozen come back, with nothing done per visit in Python. The filters are applied in SQL too: region
and industry section through the enterprise, the tier from the visit (kept at check-in).
"""

# ruff: noqa: S608 — table names from the models' _meta, constants of the code; every value is bound.
import datetime as dt

from django.db import connection

from clearcheck.inspections.choices import VisitStatus
from clearcheck.inspections.selectors.visits import counted_visit_sql
from clearcheck.registry.models import Enterprise

from ..models.rollups import RollupFoldedVisit
from .dimensions import industry_codes
from .sqlexpr import VISIT, local_month_sql, local_months_range, seconds_sql

ENTERPRISE = Enterprise._meta.db_table


def _in(column: str, values: list) -> tuple[str, list]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def tail_sql(floor_id: int, *, months: tuple[dt.date, dt.date] | None = None, agency_id: int | None = None,
             region: tuple[str, ...] | str = (), industry: str = "", tier: str = "", enterprise_ids=None) -> tuple[str, list]:
    """SELECT of the tail's facts with their parameters: ``visit_id, enterprise_id, agency_id, month,
    joint, entry_method, seconds, source, drawn`` (joint and drawn as 0/1).

    ``months`` (first and last month, inclusive) and the other arguments filter as the panels' filters do.
    """
    month = local_month_sql("v.opened_at")
    columns = [f"v.id AS visit_id, v.enterprise_id, v.agency_id, {month} AS month",
               "CASE WHEN v.joint_inspection_id IS NULL THEN 0 ELSE 1 END AS joint",
               "COALESCE(v.entry_method, '') AS entry_method",
               f"CASE WHEN v.status = '{VisitStatus.CLOSED}' AND v.closed_at IS NOT NULL "
               f"THEN {seconds_sql('v.opened_at', 'v.closed_at')} ELSE 0 END AS seconds",
               "COALESCE(v.source, '') AS source, CASE WHEN v.drawn THEN 1 ELSE 0 END AS drawn"]
    params: list = []
    where = [f"v.id >= %s AND {counted_visit_sql('v')}",
             f"NOT EXISTS (SELECT 1 FROM {RollupFoldedVisit._meta.db_table} f WHERE f.visit_id = v.id)"]
    params.append(floor_id)
    if agency_id:
        where.append("v.agency_id = %s")
        params.append(agency_id)
    if enterprise_ids is not None:
        clause, values = _in("v.enterprise_id", sorted(enterprise_ids))
        where.append(clause)
        params += values
    # Region and industry as a semi-join: the planner hashes a region's enterprises (its index) when they
    # are fewer than the tail, or looks each tail visit's enterprise up when they are not (6,853 look-ups
    # took 59 ms at 10M visits; the hash of a 2,950-enterprise county 18 ms).
    region = (region,) if isinstance(region, str) and region else tuple(region)
    if region:
        clause, values = _in("e.region_id", region)
        where.append(f"v.enterprise_id IN (SELECT e.id FROM {ENTERPRISE} e WHERE {clause})")
        params += values
    if industry:
        clause, values = _in("e.industry_id", industry_codes(industry))
        where.append(f"v.enterprise_id IN (SELECT e.id FROM {ENTERPRISE} e WHERE {clause})")
        params += values
    if tier:
        where.append("v.tier = %s")
        params.append(tier)
    if months:  # by the UTC bounds of the local months: no time-zone conversion per row in the filter
        where.append("v.opened_at >= %s AND v.opened_at < %s")
        params += local_months_range(*months)
    return f"SELECT {', '.join(columns)} FROM {VISIT} v WHERE {' AND '.join(where)}", params


def year_months(year: int) -> tuple[dt.date, dt.date]:
    """January and December of ``year`` (a ``months`` argument)."""
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


def fetch(sql: str, params: list) -> list[tuple]:
    """Rows of one statement through a plain cursor."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
