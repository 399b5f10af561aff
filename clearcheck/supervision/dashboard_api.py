"""``/api/dashboards/...``: dashboard panels as JSON, scoped like the pages (the bureau: every agency; an
agency's admin and head: their own; anyone else: 404). ``/api/public/burden``: the public burden figures.
"""

from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from clearcheck.core.inputs import DbId

from .dashboards.burden import public_burden
from .dashboards.filters import dashboard_agency_scope, filters_parse
from .dashboards.selectors import dashboard_overview

router = Router(tags=["dashboards"])


class OverviewFilters(Schema):
    """Period (year, months), agency (the bureau only), region code, industry section, tier code."""

    year: int | None = Field(None, ge=2000, le=2100)
    month_from: int = Field(1, ge=1, le=12)
    month_to: int = Field(12, ge=1, le=12)
    agency: DbId | None = None
    region: str = Field("", max_length=6)
    industry: str = Field("", max_length=5)
    tier: str = Field("", max_length=8)


class PanelOut(Schema):
    """One panel: its title, the chart spec (ECharts-independent) and the table (headers + rows)."""

    title: str
    pending: bool = False
    chart: dict[str, Any] | None = None
    table: dict[str, Any]


def _panel(panel: dict) -> dict:
    return {"title": str(panel["title"]), "pending": bool(panel.get("pending")), "chart": panel.get("chart"),
            "table": panel["table"]}


@router.get("/dashboards/overview", response=dict[str, PanelOut], summary="Dashboard overview")
def overview(request, filters: Query[OverviewFilters]):
    """Every panel of the caller's dashboard for the filters (the same selectors as the page)."""
    scope = dashboard_agency_scope(request.user)
    raw = {k: "" if v is None else str(v) for k, v in filters.dict().items()}
    panels = dashboard_overview(actor=request.user, filters=filters_parse(raw, scope_agency_id=scope))
    return {key: _panel(panel) for key, panel in panels.items()}


@router.get("/public/burden", response=dict[str, Any], auth=None, tags=["public"], summary="Public burden figures")
def burden(request):
    """The aggregate burden figures of this year (no enterprise named)."""
    data = public_burden()
    return {key: data[key] for key in ("year", "enterprises", "visits", "avg_visits", "avg_hours")} | {
        "trend": _panel(data["trend"]), "distribution": _panel(data["distribution"])}
