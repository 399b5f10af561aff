"""Dashboard pages: the bureau's and each agency's dashboard (/work/dashboards/), the enterprise's burden
meter (/enterprise/burden/) and the public burden figures (/public/burden/). Every table downloads as
Excel with ``?format=xlsx`` (``&panel=<key>`` for one table).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clearcheck.accounts.choices import COUNTY_ROLES, Role
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, ValidationFailed
from clearcheck.core.web import role_required
from clearcheck.planning.models import Tier
from clearcheck.registry.models import Industry
from clearcheck.registry.selectors import jurisdiction_root, region_children, region_path_in_jurisdiction

from .burden import enterprise_burden, public_burden
from .export import xlsx_response
from .filters import AGENCY_READERS, dashboard_agency_scope, filters_parse
from .selectors import agencies_for_filter, dashboard_overview

PANEL_ORDER = ("by_agency", "by_source", "distribution", "top", "shares", "entries", "loop", "alerts",
               "evaluations", "complaints")


def _export(request, panels: dict, order, filename: str):
    wanted = request.GET.get("panel")
    keys = [k for k in order if k in panels and (not wanted or k == wanted)]
    if not keys:
        raise Http404
    return xlsx_response([panels[k] for k in keys], filename)


def _items(panels: dict, order, params: dict) -> list[dict]:
    """What the template iterates: each panel with its chart element id and its Excel link."""
    return [{"key": key, "panel": panels[key], "chart_id": f"chart-{key}",
             "export_url": "?" + urlencode({**params, "format": "xlsx", "panel": key})} for key in order]


def region_levels(code: str) -> list[dict]:
    """The region filter as the path from the deployment's jurisdiction down to ``code``: one select per
    region of the path that has regions below it (its children, the next region of the path chosen). Only the
    path's levels are read: the rest of the tree loads when a region is chosen (``regions`` below), and the
    national table of 6,727 places is never sent.
    """
    path = region_path_in_jurisdiction(code) if code else None
    if path is None:
        root = jurisdiction_root()
        path = [root] if root is not None else []
    levels = []
    for index, region in enumerate(path):
        children = list(region_children(region.code).values_list("code", "name"))
        chosen = path[index + 1].code if index + 1 < len(path) else ""
        # "All of" a region: the root's is no filter (""), a lower region's is its own code.
        levels.append({"region": region, "all_value": "" if index == 0 else region.code,
                       "children": children, "chosen": chosen})
        if not children:
            break
    return levels


def _choices() -> dict:
    return {
        "industries": list(Industry.objects.filter(level="section").order_by("code").values_list("code", "name")),
        "tiers": sorted(set(Tier.objects.values_list("code", flat=True))) or ["A", "B", "C", "D"],
        "months": list(range(1, 13)),
        "years": list(range(clock.local_year(), clock.local_year() - 5, -1)),
    }


@require_GET
@role_required(*COUNTY_ROLES, *AGENCY_READERS)
def overview(request):
    """The dashboard: the bureau sees every agency, an agency's admin and head their own agency."""
    try:
        scope = dashboard_agency_scope(request.user)
    except NotFound:
        raise Http404 from None
    try:
        filters = filters_parse(request.GET, scope_agency_id=scope)
    except ValidationFailed as exc:
        messages.error(request, exc.detail)
        filters = filters_parse({}, scope_agency_id=scope)
    panels = dashboard_overview(actor=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        return _export(request, panels, PANEL_ORDER, f"dashboard-{filters.year}.xlsx")
    return render(request, "supervision/dashboards/overview.html", {
        "panels": _items(panels, PANEL_ORDER, filters.params()), "filters": filters,
        "export_all": "?" + urlencode({**filters.params(), "format": "xlsx"}),
        "agencies": agencies_for_filter(request.user), "scoped": scope is not None, **_choices(),
        "region_levels": region_levels(filters.region),
    })


@require_GET
@role_required(*COUNTY_ROLES, *AGENCY_READERS)
def regions(request):
    """The region filter's selects down to ``?region=`` (htmx, on choosing a region): the next level loads."""
    return render(request, "supervision/dashboards/region_filter.html",
                  {"region_levels": region_levels((request.GET.get("region") or "").strip()[:8])})


@require_GET
@role_required(Role.ENTERPRISE)
def enterprise_burden_page(request):
    """The enterprise's own burden meter (this year)."""
    try:
        burden = enterprise_burden(actor=request.user)
    except NotFound:
        raise Http404 from None
    panel = {"title": _("本年度各机关检查情况"), "chart": burden["chart"], "table": burden["table"]}
    if request.GET.get("format") == "xlsx":
        return _export(request, {"burden": panel}, ("burden",), f"burden-{burden['year']}.xlsx")
    return render(request, "supervision/dashboards/enterprise_burden.html", {"burden": burden, "panel": panel})


@require_GET
def public_burden_page(request):
    """The public burden figures: trend, distribution and averages; no enterprise is named."""
    burden = public_burden()
    panels = {"trend": burden["trend"], "distribution": burden["distribution"]}
    if request.GET.get("format") == "xlsx":
        return _export(request, panels, ("trend", "distribution"), f"burden-public-{burden['year']}.xlsx")
    return render(request, "supervision/dashboards/public_burden.html", {
        "burden": burden, "panels": _items(panels, ("trend", "distribution"), {}),
    })
