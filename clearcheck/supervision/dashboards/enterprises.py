"""Per-enterprise panels: visits per enterprise (distribution 0…5+), the most-visited enterprises against
their caps. Rollup rows + the tail; the tier filter does not apply here (a tier is per agency).
"""

# ruff: noqa: S608 — the SQL wraps tail_sql with table names from _meta; every value is bound.
from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from clearcheck.planning.models import CapUsage
from clearcheck.planning.rules import tier_cap
from clearcheck.registry.models import Enterprise

from ..models.rollups import EnterpriseAgencyYearRollup, EnterpriseYearRollup, VisitsPerEnterpriseHistogram
from .dimensions import tiers_for_pairs
from .enterprise_counts import enterprises_in_scope
from .filters import Filters
from .fold import ALL_PLACES
from .reading import Snapshot
from .tail import fetch, tail_sql, year_months

BUCKETS = ("0", "1", "2", "3", "4", "5+")
TOP = 20
NEAR = 2000  # rollup rows near the top read at most, before the tail is joined enterprise by enterprise


def _tail_sql(snapshot: Snapshot, filters: Filters, **more) -> tuple[str, list]:
    """The tail of the filters' year per enterprise: ``enterprise_id, n, s`` (region, industry, agency)."""
    tail, params = tail_sql(snapshot.floor_id, months=year_months(filters.year), agency_id=filters.agency_id,
                            region=filters.region_codes, industry=filters.industry, **more)
    return (f"SELECT enterprise_id, COUNT(*) AS n, SUM(seconds) AS s FROM ({tail}) x "
            "GROUP BY enterprise_id"), params


def _with_totals(snapshot: Snapshot, filters: Filters, **more) -> tuple[str, list]:
    """The tail per enterprise joined to the rollup totals it adds to: ``enterprise_id, before_v,
    before_s, n, s`` (the rollup row chosen as ``_totals_qs`` chooses it).
    """
    tail, params = _tail_sql(snapshot, filters, **more)
    model = EnterpriseAgencyYearRollup if filters.agency_id else EnterpriseYearRollup
    on = ["r.enterprise_id = t.enterprise_id", "r.year = %s"]
    params.append(filters.year)
    for column, value in (("agency_id", filters.agency_id), ("industry", filters.industry)):
        if value:
            on.append(f"r.{column} = %s")
            params.append(value)
    if filters.region:
        on.append(f"r.region IN ({', '.join(['%s'] * len(filters.region_codes))})")
        params += list(filters.region_codes)
    sql = (f"SELECT t.enterprise_id, COALESCE(r.visits, 0) AS before_v, COALESCE(r.seconds, 0) AS before_s, "
           f"t.n, t.s FROM ({tail}) t LEFT JOIN {model._meta.db_table} r ON {' AND '.join(on)}")
    return sql, params


def _totals_qs(filters: Filters):
    if filters.agency_id:
        qs = EnterpriseAgencyYearRollup.objects.filter(year=filters.year, agency_id=filters.agency_id)
    else:
        qs = EnterpriseYearRollup.objects.filter(year=filters.year)
    if filters.region:
        qs = qs.filter(region__in=filters.region_codes)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    return qs


def histogram(snapshot: Snapshot, filters: Filters) -> dict[int, int]:
    """visits_n → enterprises with that many visits in the year (n ≥ 1), rollup + tail."""
    qs = VisitsPerEnterpriseHistogram.objects.filter(year=filters.year, agency_key=filters.agency_id or 0)
    if filters.region:
        qs = qs.filter(region__in=filters.region_codes)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    if not filters.region and not filters.industry:  # the coarse rows: a few dozen instead of ~50,000
        qs = qs.filter(region=ALL_PLACES, industry=ALL_PLACES)
    counts: dict[int, int] = defaultdict(int)
    for n, e in qs.values("visits_n").annotate(e=Sum("enterprises")).order_by().values_list("visits_n", "e"):
        counts[n] += e
    tail, params = _with_totals(snapshot, filters)
    for before, n, moved in fetch(f"SELECT before_v, n, COUNT(*) FROM ({tail}) m GROUP BY before_v, n",
                                  params):
        if before:
            counts[before] -= moved
        counts[before + n] += moved
    return {n: e for n, e in counts.items() if e}


def distribution(snapshot: Snapshot, filters: Filters) -> dict:
    """The distribution of enterprises by visits in the year: 0, 1, 2, 3, 4, 5+."""
    counts = histogram(snapshot, filters)
    visited = sum(counts.values())
    buckets = dict.fromkeys(BUCKETS, 0)
    buckets["0"] = max(enterprises_in_scope(region=filters.region_codes, industry=filters.industry) - visited, 0)
    for n, e in counts.items():
        buckets[str(n) if n < 5 else "5+"] += e
    labels = [_("%(n)s 次") % {"n": b} for b in BUCKETS]
    return {
        "title": _("企业年度受检次数分布"),
        "chart": {"type": "bars", "x": labels, "data": [buckets[b] for b in BUCKETS]},
        "table": {"headers": [_("年度受检次数"), _("企业数")], "rows": [[labels[i], buckets[b]] for i, b in enumerate(BUCKETS)]},
        "buckets": buckets,
    }


def top_totals(snapshot: Snapshot, filters: Filters, limit: int = TOP) -> list[tuple[int, int, int]]:
    """[(enterprise, visits, seconds)] of the most-visited enterprises, exact with the tail (ties by id)."""
    qs = _totals_qs(filters)
    leaders = list(qs.order_by("-visits", "enterprise_id").values_list("enterprise_id", "visits", "seconds")[:limit])
    candidates = {e: [v, s] for e, v, s in leaders}
    tail = fetch(*_tail_sql(snapshot, filters))
    near = _near_the_top(qs, leaders, tail, limit)
    if near is None:
        _add_tail_joined(candidates, snapshot, filters, limit)
    else:
        for e, n, s in tail:
            if e in near:
                candidates[e] = [near[e][0] + n, near[e][1] + s]
    ranked = sorted(candidates.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [(e, v, s) for e, (v, s) in ranked if v]


def _near_the_top(qs, leaders: list, tail: list, limit: int) -> dict[int, tuple[int, int]] | None:
    """The rollup rows that the tail could lift into the top ``limit``, or None when that set is not small.

    Every leader ends at least at its rollup count, so the final ``limit``-th count is at least the
    ``limit``-th leader's (``floor``). A tail enterprise with n tail visits reaches it only if its rollup
    count is at least ``floor − n``: the rows from ``floor − max n`` up are a short index range of the
    rollup's (year, …, −visits) index, where a look-up per tail enterprise would be thousands.
    """
    if not tail or len(leaders) < limit:
        return {} if not tail else None
    reach = leaders[-1][1] - max(n for _e, n, _s in tail)
    if reach <= 0:
        return None
    rows = list(qs.filter(visits__gte=reach).values_list("enterprise_id", "visits", "seconds")[:NEAR + 1])
    return None if len(rows) > NEAR else {e: (v, s) for e, v, s in rows}


def _add_tail_joined(candidates: dict, snapshot: Snapshot, filters: Filters, limit: int) -> None:
    """Exact with the tail by joining every tail enterprise to its rollup row: the rollup's leaders with
    their tail added, and the tail's own leaders (one outside both lists has ``limit`` enterprises ahead).
    """
    # One statement: the tail joined to the rollup once (MATERIALIZED: SQLite ≥ 3.35, PostgreSQL ≥ 12).
    tail, params = _with_totals(snapshot, filters)
    sql = (f"WITH m AS MATERIALIZED (SELECT enterprise_id, before_v + n AS v, before_s + s AS s FROM ({tail}) x) "
           "SELECT enterprise_id, v, s FROM (SELECT enterprise_id, v, s FROM m ORDER BY v DESC, enterprise_id "
           "LIMIT %s) leaders")
    params.append(limit)
    if candidates:
        ids = sorted(candidates)
        sql += f" UNION SELECT enterprise_id, v, s FROM m WHERE enterprise_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    for e, v, s in fetch(sql, params):
        candidates[e] = [v, s]


def caps_of(enterprise_ids: list[int], year: int, agency_id: int | None) -> dict[int, dict]:
    """Enterprise → {agencies, cap, used}: the caps (R21, from each agency's tier) of the agencies that
    inspected it or hold places (CapUsage); queries bounded by the number of agencies involved.
    """
    pairs: set[tuple[int, int]] = set()
    rollup = EnterpriseAgencyYearRollup.objects.filter(enterprise_id__in=enterprise_ids, year=year)
    usage = CapUsage.objects.filter(enterprise_id__in=enterprise_ids, year=year)
    if agency_id:
        rollup, usage = rollup.filter(agency_id=agency_id), usage.filter(agency_id=agency_id)
    pairs.update(rollup.values_list("agency_id", "enterprise_id"))
    used = {(a, e): n for a, e, n in usage.values_list("agency_id", "enterprise_id", "proactive_count")}
    pairs.update(used)
    tiers = tiers_for_pairs(pairs)
    result = {e: {"agencies": set(), "cap": 0, "used": 0} for e in enterprise_ids}
    for a, e in pairs:
        tier = tiers[(a, e)]
        row = result[e]
        row["agencies"].add(a)
        row["cap"] += tier_cap(tier)
        row["used"] += used.get((a, e), 0)
    return result


def most_visited(snapshot: Snapshot, filters: Filters) -> dict:
    """The top 20 enterprises by visits this year, with agencies, hours, cap places used and cap."""
    top = top_totals(snapshot, filters)
    ids = [e for e, _v, _s in top]
    names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
    caps = caps_of(ids, filters.year, filters.agency_id)
    tail_agencies: dict[int, set] = defaultdict(set)
    if ids:
        tail, params = tail_sql(snapshot.floor_id, months=year_months(filters.year), agency_id=filters.agency_id,
                                enterprise_ids=ids)
        for e, a in fetch(f"SELECT DISTINCT enterprise_id, agency_id FROM ({tail}) x", params):
            tail_agencies[e].add(a)
    rows = []
    for e, visits, seconds in top:
        cap = caps[e]
        agencies = cap["agencies"] | tail_agencies[e]
        rows.append([names.get(e, str(e)), visits, len(agencies), round(seconds / 3600, 1), cap["used"], cap["cap"]])
    return {
        "title": _("受检最多的企业(前20)"),
        "chart": {"type": "hbars", "y": [r[0] for r in rows], "series": [
            {"name": _("检查次数"), "data": [r[1] for r in rows]}, {"name": _("年度上限合计"), "data": [r[5] for r in rows]}]},
        "table": {"headers": [_("企业"), _("检查次数"), _("检查机关数"), _("在企时长(小时)"), _("已占用名额"), _("年度上限合计")],
                  "rows": rows},
        "ids": ids,
    }
