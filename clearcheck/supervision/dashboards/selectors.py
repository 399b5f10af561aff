"""Dashboard panels (issue 6 §5), read from rollups + the live tail (ADR 0014), scoped by actor.

``dashboard_overview(actor=…, filters=…)`` returns every panel: each a dict with ``chart`` (what
ECharts draws) and ``table`` (headers + rows: what the page shows under the chart and exports to Excel).
A constant number of queries whatever the data volume (bounded by the number of agencies).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext as _

from clearcheck.alerts.selectors import alert_rule_counts
from clearcheck.core.rules import rule_title
from clearcheck.inspections.choices import EntryMethod
from clearcheck.inspections.models import EntryRefusal
from clearcheck.planning.choices import TaskSource
from clearcheck.registry.models import Agency

from ..models.rollups import VisitMonthDetailRollup, VisitMonthRollup
from . import enterprises, outcomes
from .filters import Filters, dashboard_agency_scope
from .reading import Snapshot, consistent
from .sqlexpr import month_value
from .tail import fetch, tail_sql


def _months(filters: Filters) -> list[str]:
    return [f"{filters.year}-{m:02d}" for m in range(filters.month_from, filters.month_to + 1)]


@dataclass
class MonthCells:
    """The period's counts, summed in SQL to the two groupings the panels draw (not every cell: the
    coarse rollup holds month × agency × source × joint × drawn × entry method, ~14,000 rows a year).

    ``series``: (month, agency id, source) → [visits, seconds];
    ``kinds``: (joint, drawn, entry method) → [visits, seconds]. Both include the live tail.
    """

    series: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    kinds: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def as_dicts(self) -> tuple[dict, dict]:
        """Plain dicts (for comparisons)."""
        return dict(self.series), dict(self.kinds)


def _add(cells: dict, key: tuple, visits: int, seconds: int) -> None:
    cell = cells[key]
    cell[0] += visits
    cell[1] += seconds


def month_cells(snapshot: Snapshot, filters: Filters) -> MonthCells:
    """The filtered period's ``MonthCells``: two GROUP BYs over the rollup, one over the tail."""
    if filters.detailed:
        qs = VisitMonthDetailRollup.objects.filter(grain=filters.grain)
    else:
        qs = VisitMonthRollup.objects.all()
    qs = qs.filter(month__gte=filters.first_month, month__lte=filters.last_month)
    if filters.agency_id:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.region:
        qs = qs.filter(region__in=filters.region_codes)
    for name in ("industry", "tier"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    cells = MonthCells()
    for grouping, target in ((("month", "agency_id", "source"), cells.series),
                             (("joint", "drawn", "entry_method"), cells.kinds)):
        rows = qs.values(*grouping).annotate(n=Sum("visits"), s=Sum("seconds")).order_by()
        for *key, n, s in rows.values_list(*grouping, "n", "s"):
            _add(target, tuple(key), n, s)
    tail, params = tail_sql(snapshot.floor_id, months=(filters.first_month, filters.last_month),
                            agency_id=filters.agency_id, region=filters.region_codes, industry=filters.industry,
                            tier=filters.tier)
    dims = "month, agency_id, source, joint, drawn, entry_method"
    for month, agency, source, joint, drawn, entry, n, s in fetch(
            f"SELECT {dims}, COUNT(*), SUM(seconds) FROM ({tail}) t GROUP BY {dims}", params):  # noqa: S608
        _add(cells.series, (month_value(month), agency, source), n, s)
        _add(cells.kinds, (bool(joint), bool(drawn), entry), n, s)
    return cells


def _stacked(cells: MonthCells, filters: Filters, index: int, labels: dict, title: str, series_title: str) -> dict:
    """A stacked-bars panel: months × one dimension of the series (1: agency, 2: source)."""
    months = _months(filters)
    grid: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(months, 0))
    for key, (n, _s) in cells.series.items():
        grid[str(labels.get(key[index], key[index] or _("未注明")))][f"{key[0]:%Y-%m}"] += n
    names = sorted(grid)
    rows = [[month, name, grid[name][month]] for month in months for name in names if grid[name][month]]
    return {
        "title": title,
        "chart": {"type": "stacked", "x": months,
                  "series": [{"name": name, "data": [grid[name][m] for m in months]} for name in names]},
        "table": {"headers": [_("月份"), series_title, _("检查次数")], "rows": rows},
    }


def _shares(cells: MonthCells) -> dict:
    kinds = cells.kinds
    total = sum(n for n, _s in kinds.values())
    joint = sum(n for key, (n, _s) in kinds.items() if key[0])
    drawn = sum(n for key, (n, _s) in kinds.items() if key[1])
    hours = sum(s for _n, s in kinds.values()) / 3600

    def pct(part: int) -> float:
        return round(100 * part / total, 1) if total else 0.0

    rows = [[_("检查总次数"), total, ""], [_("联合检查"), joint, pct(joint)], [_("双随机抽取"), drawn, pct(drawn)],
            [_("在企检查时长(小时)"), round(hours, 1), ""]]
    return {
        "title": _("联合检查与双随机抽取占比"),
        "chart": {"type": "bars", "x": [_("联合检查"), _("双随机抽取")], "data": [pct(joint), pct(drawn)],
                  "unit": "%"},
        "table": {"headers": [_("指标"), _("次数"), _("占比(%)")], "rows": rows},
        "total": total, "joint": joint, "drawn": drawn,
    }


def _entries(cells: MonthCells, filters: Filters) -> dict:
    methods = dict(EntryMethod.choices)
    counted: dict[str, int] = defaultdict(int)
    for key, (n, _s) in cells.kinds.items():
        counted[key[2] if key[2] in methods else ""] += n
    total = sum(counted.values())
    refusals = EntryRefusal.objects.filter(occurred_at__year=filters.year)
    if filters.agency_id:
        refusals = refusals.filter(agency_id=filters.agency_id)
    refused = refusals.count()
    rows = [[str(methods[m]), counted.get(m, 0), round(100 * counted.get(m, 0) / total, 1) if total else 0.0]
            for m in methods]
    rows.append([_("其他方式"), counted.get("", 0), round(100 * counted.get("", 0) / total, 1) if total else 0.0])
    rows.append([_("企业拒绝未扫码入企(R29)"), refused, ""])
    return {
        "title": _("扫码入企情况"),
        "chart": {"type": "pie", "data": [{"name": r[0], "value": r[1]} for r in rows[:-1]]},
        "table": {"headers": [_("入企方式"), _("次数"), _("占比(%)")], "rows": rows},
    }


def _agency_names(cells: MonthCells, extra_ids=()) -> dict[int, str]:
    ids = {key[1] for key in cells.series} | set(extra_ids)
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))


def _alerts(filters: Filters) -> dict:
    rows = alert_rule_counts(year=filters.year, agency_id=filters.agency_id)
    return {
        "title": _("预警(按规则)"),
        "chart": {"type": "bars", "x": [rule_title(r[0]) for r in rows], "data": [r[1] for r in rows]},
        "table": {"headers": [_("规则"), _("预警数"), _("未办结")],
                  "rows": [[rule_title(r[0]), *r[1:]] for r in rows]},
    }


def _pending(title: str) -> dict:
    """A panel whose data comes from the feedback app, not yet connected (待接入)."""
    return {"title": title, "pending": True, "chart": None,
            "table": {"headers": [_("说明")], "rows": [[_("待接入:事后评价与投诉举报数据")]]}}


def _feedback(name: str, title: str, actor, filters: Filters) -> dict:
    """A panel from the feedback app's selectors, or 待接入 while that app is not installed."""
    try:
        from . import feedback_panels

        return getattr(feedback_panels, name)(actor=actor, filters=filters)
    except ImportError:
        return _pending(title)


def _read(snapshot: Snapshot, filters: Filters) -> dict:
    cells = month_cells(snapshot, filters)
    names = _agency_names(cells)
    sources = dict(TaskSource.choices)
    return {
        "by_agency": _stacked(cells, filters, 1, names, _("各机关每月检查次数"), _("检查主体")),
        "by_source": _stacked(cells, filters, 2, sources, _("各来源每月检查次数"), _("任务来源")),
        "shares": _shares(cells),
        "entries": _entries(cells, filters),
        "distribution": enterprises.distribution(snapshot, filters),
        "top": enterprises.most_visited(snapshot, filters),
    }


def dashboard_overview(*, actor, filters: Filters) -> dict:
    """Every panel of the actor's dashboard (the bureau: all agencies; an agency: its own)."""
    scope = dashboard_agency_scope(actor)
    if scope is not None and filters.agency_id != scope:
        raise AssertionError("filters must be parsed with the actor's scope")
    panels = consistent(lambda snapshot: _read(snapshot, filters))
    panels["loop"] = outcomes.closed_loop(filters)
    panels["alerts"] = _alerts(filters)
    panels["evaluations"] = _feedback("evaluations_panel", _("事后评价得分"), actor, filters)
    panels["complaints"] = _feedback("complaints_panel", _("投诉举报"), actor, filters)
    return panels


def agencies_for_filter(actor) -> list[tuple[int, str]]:
    """The agencies the bureau may filter by (empty for an agency user: its own is implied)."""
    if dashboard_agency_scope(actor) is not None:
        return []
    return list(Agency.objects.order_by("code").values_list("pk", "name"))

