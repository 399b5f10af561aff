"""Per-enterprise panels: visits per enterprise (distribution 0…5+), the most-visited enterprises against
their caps. Rollup rows + the tail; the tier filter does not apply here (a tier is per agency).
"""

from collections import defaultdict

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from clearcheck.planning.models import CapUsage
from clearcheck.planning.rules import cap_effective, tier_is_low_risk
from clearcheck.registry.models import Enterprise

from ..models.rollups import EnterpriseAgencyYearRollup, EnterpriseYearRollup, VisitsPerEnterpriseHistogram
from .dimensions import _SECTIONS, ids_in, industry_section, tiers_for_pairs
from .filters import Filters
from .reading import Snapshot

BUCKETS = ("0", "1", "2", "3", "4", "5+")
TOP = 20


def _tail_per_enterprise(snapshot: Snapshot, filters: Filters) -> dict[int, list[int]]:
    """Enterprise → [visits, seconds] of the tail in the filters' year (region, industry, agency)."""
    result: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for f in snapshot.tail:
        if (f.year == filters.year and (not filters.agency_id or f.agency_id == filters.agency_id)
                and (not filters.region or f.region == filters.region)
                and (not filters.industry or f.industry == filters.industry)):
            result[f.enterprise_id][0] += 1
            result[f.enterprise_id][1] += f.seconds
    return result


def _tail_enterprises(snapshot: Snapshot) -> Q:
    """``enterprise_id IN`` the enterprises of the tail (one array on PostgreSQL, see ``ids_in``)."""
    return ids_in("enterprise_id", {f.enterprise_id for f in snapshot.tail})


def _totals_qs(filters: Filters):
    if filters.agency_id:
        qs = EnterpriseAgencyYearRollup.objects.filter(year=filters.year, agency_id=filters.agency_id)
    else:
        qs = EnterpriseYearRollup.objects.filter(year=filters.year)
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    return qs


def enterprises_in_scope(filters: Filters) -> int:
    """How many enterprises the region / industry filters cover (the 0-visit bucket's base)."""
    qs = Enterprise.objects.all()
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.industry:
        industry_section(filters.industry)  # fills the section map
        qs = qs.filter(industry_id__in=[c for c, s in _SECTIONS.items() if s == filters.industry])
    return qs.count()


def histogram(snapshot: Snapshot, filters: Filters) -> dict[int, int]:
    """visits_n → enterprises with that many visits in the year (n ≥ 1), rollup + tail."""
    qs = VisitsPerEnterpriseHistogram.objects.filter(year=filters.year, agency_key=filters.agency_id or 0)
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.industry:
        qs = qs.filter(industry=filters.industry)
    counts: dict[int, int] = defaultdict(int)
    for n, e in qs.values("visits_n").annotate(e=Sum("enterprises")).order_by().values_list("visits_n", "e"):
        counts[n] += e
    tail = _tail_per_enterprise(snapshot, filters)
    if tail:
        before = dict(_totals_qs(filters).filter(_tail_enterprises(snapshot))
                      .values_list("enterprise_id", "visits"))
        for enterprise_id, (n, _s) in tail.items():
            old = before.get(enterprise_id, 0)
            if old:
                counts[old] -= 1
            counts[old + n] += 1
    return {n: e for n, e in counts.items() if e}


def distribution(snapshot: Snapshot, filters: Filters) -> dict:
    """The distribution of enterprises by visits in the year: 0, 1, 2, 3, 4, 5+."""
    counts = histogram(snapshot, filters)
    visited = sum(counts.values())
    buckets = dict.fromkeys(BUCKETS, 0)
    buckets["0"] = max(enterprises_in_scope(filters) - visited, 0)
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
    candidates = {e: [v, s] for e, v, s in qs.order_by("-visits", "enterprise_id")
                  .values_list("enterprise_id", "visits", "seconds")[:limit]}
    tail = _tail_per_enterprise(snapshot, filters)
    missing = [e for e in tail if e not in candidates]
    if missing:
        wanted = set(missing)
        for e, v, s in (qs.filter(_tail_enterprises(snapshot))
                        .values_list("enterprise_id", "visits", "seconds")):
            if e in wanted:
                candidates[e] = [v, s]
    for e, (n, s) in tail.items():
        row = candidates.setdefault(e, [0, 0])
        row[0] += n
        row[1] += s
    ranked = sorted(candidates.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [(e, v, s) for e, (v, s) in ranked if v]


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
    used = {(u.agency_id, u.enterprise_id): u.proactive_count for u in usage}
    pairs.update(used)
    tiers = tiers_for_pairs(pairs)
    result = {e: {"agencies": set(), "cap": 0, "used": 0} for e in enterprise_ids}
    for a, e in pairs:
        tier = tiers[(a, e)]
        row = result[e]
        row["agencies"].add(a)
        row["cap"] += 0 if tier_is_low_risk(tier) else cap_effective(tier.annual_cap)
        row["used"] += used.get((a, e), 0)
    return result


def most_visited(snapshot: Snapshot, filters: Filters) -> dict:
    """The top 20 enterprises by visits this year, with agencies, hours, cap places used and cap."""
    top = top_totals(snapshot, filters)
    ids = [e for e, _v, _s in top]
    names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
    caps = caps_of(ids, filters.year, filters.agency_id)
    tail_agencies: dict[int, set] = defaultdict(set)
    for f in snapshot.tail:
        if f.year == filters.year and f.enterprise_id in caps:
            tail_agencies[f.enterprise_id].add(f.agency_id)
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
