"""Enterprise burden meter (issue 6 §6): the enterprise's own figures, and the public aggregate.

The enterprise's page reads its own visits live (a handful of rows, indexed by enterprise); the public
page reads rollups + the tail and never names an enterprise.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from clearcheck.accounts.selectors import actor_enterprise_id
from clearcheck.core import clock
from clearcheck.core.errors import NotFound
from clearcheck.inspections.models import Visit
from clearcheck.planning.selectors.limits import enterprise_planning_summary, limit_groups, limit_lines
from clearcheck.registry.models import Enterprise

from ..models.rollups import VisitMonthRollup
from . import enterprises
from .dimensions import COUNTED, facts_of, visit_rows
from .filters import Filters
from .reading import consistent
from .sqlexpr import month_value
from .tail import fetch, tail_sql, year_months


def enterprise_burden(*, actor, year: int | None = None) -> dict:
    """The actor's enterprise this year: visits, agencies and hours hosted, and each agency's limits with the
    inspections counted against them (``planning.selectors.limits.limit_lines``: the tier cap, then each
    item's own yearly frequency that has inspections this year, one table row per limit).
    """
    enterprise_id = actor_enterprise_id(actor)
    if enterprise_id is None:
        raise NotFound("页面不存在")
    year = year or clock.local_year()
    start = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL_TZ)
    end = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL_TZ)
    rows = visit_rows(Visit.objects.filter(COUNTED, enterprise_id=enterprise_id, opened_at__gte=start,
                                           opened_at__lt=end))
    per_agency: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for f in facts_of(rows):
        per_agency[f.agency_id][0] += 1
        per_agency[f.agency_id][1] += f.seconds
    groups = {row["agency_id"]: row for row in enterprise_planning_summary(enterprise_id=enterprise_id, year=year)}
    if missing := set(per_agency) - set(groups):
        groups.update((g["agency_id"], g) for g in limit_groups(
            limit_lines(year=year, enterprise_id=enterprise_id, agency_ids=sorted(missing))))
    shown = set(per_agency) | {a for a, g in groups.items()
                               if g.get("graded") or any(line.count or line.exempt for line in g["lines"])}
    table, chart_rows = [], []
    for agency_id in sorted(shown, key=lambda a: (-per_agency.get(a, [0])[0], a)):
        visits, seconds = per_agency.get(agency_id, [0, 0])
        group = groups[agency_id]
        for n, line in enumerate(group["lines"]):
            first = n == 0
            table.append([group["agency_name"] if first else "", visits if first else "",
                          round(seconds / 3600, 1) if first else "", line.label, line.count, line.cap])
        chart_rows.append([group["agency_name"], visits, group["lines"][0].cap])
    total_visits = sum(v for v, _s in per_agency.values())
    return {
        "enterprise": Enterprise.objects.only("name", "uscc").get(pk=enterprise_id), "year": year,
        "visits": total_visits, "agencies": len(per_agency),
        "hours": round(sum(s for _v, s in per_agency.values()) / 3600, 1),
        "chart": {"type": "hbars", "y": [r[0] for r in chart_rows], "series": [
            {"name": _("检查次数"), "data": [r[1] for r in chart_rows]},
            {"name": _("风险等级年度上限"), "data": [r[2] for r in chart_rows]}]},
        "table": {"headers": [_("检查机关"), _("检查次数"), _("在企时长(小时)"), _("年度频次上限"),
                              _("计入上限的检查(已安排)"), _("上限次数")],
                  "rows": table},
    }


def _monthly_totals(snapshot, year: int) -> dict[int, list[int]]:
    """Month number → [visits, seconds] of the year, rollup + tail."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for month, n, s in (VisitMonthRollup.objects.filter(month__year=year).values("month")
                        .annotate(n=Sum("visits"), s=Sum("seconds")).order_by().values_list("month", "n", "s")):
        totals[month.month][0] += n
        totals[month.month][1] += s
    tail, params = tail_sql(snapshot.floor_id, months=year_months(year))
    for month, n, s in fetch(f"SELECT month, COUNT(*), SUM(seconds) FROM ({tail}) t GROUP BY month",  # noqa: S608
                             params):
        totals[month_value(month).month][0] += n
        totals[month_value(month).month][1] += s
    return totals


def public_burden(*, year: int | None = None) -> dict:
    """The public aggregate (no names): visits per enterprise by month this year vs last year, the
    distribution of visits per enterprise, average visits and hours per enterprise.
    """
    year = year or clock.local_year()

    def read(snapshot):
        return (_monthly_totals(snapshot, year), _monthly_totals(snapshot, year - 1),
                enterprises.distribution(snapshot, Filters(year=year)))

    this, last, distribution = consistent(read)
    count = Enterprise.objects.count()
    months = list(range(1, 13))

    def per(n: int) -> float:
        return round(n / count, 4) if count else 0.0

    trend_rows = [[_("%(m)s月") % {"m": m}, per(this[m][0]), per(last[m][0])] for m in months]
    visits = sum(v for v, _s in this.values())
    hours = sum(s for _v, s in this.values()) / 3600
    return {
        "year": year, "enterprises": count, "visits": visits,
        "avg_visits": round(visits / count, 3) if count else 0.0,
        "avg_hours": round(hours / count, 3) if count else 0.0,
        "trend": {
            "title": _("户均现场检查次数月度趋势"),
            "chart": {"type": "lines", "x": [r[0] for r in trend_rows], "series": [
                {"name": _("%(y)s年") % {"y": year}, "data": [r[1] for r in trend_rows]},
                {"name": _("%(y)s年") % {"y": year - 1}, "data": [r[2] for r in trend_rows]}]},
            "table": {"headers": [_("月份"), _("%(y)s年户均次数") % {"y": year}, _("%(y)s年户均次数") % {"y": year - 1}],
                      "rows": trend_rows},
        },
        "distribution": distribution,
    }
