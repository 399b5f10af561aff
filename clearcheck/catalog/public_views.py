"""Public pages (/public/...): each listed agency's current item list, versions, checklists and
no-penalty list. No login; only published data of listed agencies; anything else is 404.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.core.api import get_or_404

from . import selectors
from .choices import ItemCategory, ListKind, NoPenaltyKind


def _page(request, qs, per_page: int = 50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


@require_GET
def item_list(request, agency_id: int):
    """The current published item list of a listed agency, with search ``q`` and a category filter."""
    agency = get_or_404(selectors.public_agency_get, agency_id=agency_id)
    q = (request.GET.get("q") or "").strip()
    category = request.GET.get("category") if request.GET.get("category") in ItemCategory.values else ""
    page = _page(request, selectors.public_items(agency=agency, q=q or None, category=category or None))
    return render(request, "catalog/public/item_list.html", {
        "agency": agency, "page": page, "q": q, "category": category, "categories": ItemCategory.choices,
        "version": selectors.list_version_latest(agency=agency, kind=ListKind.ITEMS),
    })


@require_GET
def item_list_versions(request, agency_id: int):
    """Every published version of a listed agency's item list (``?kind=no_penalty`` for its no-penalty list)."""
    agency = get_or_404(selectors.public_agency_get, agency_id=agency_id)
    kind = request.GET.get("kind") if request.GET.get("kind") in ListKind.values else ListKind.ITEMS
    page = _page(request, selectors.public_list_versions(agency=agency, kind=kind))
    return render(request, "catalog/public/item_list_versions.html",
                  {"agency": agency, "page": page, "kind": kind, "kind_label": ListKind(kind).label})


@require_GET
def item_list_version(request, version_id: int):
    """One published list version, as it was published (old versions stay readable forever)."""
    version = get_or_404(selectors.public_list_version_get, version_id=version_id)
    return render(request, "catalog/public/item_list_version.html",
                  {"version": version, "agency": version.agency, "data": selectors.list_version_data(version)})


@require_GET
def checklist_list(request, agency_id: int):
    """The published checklists of a listed agency."""
    agency = get_or_404(selectors.public_agency_get, agency_id=agency_id)
    q = (request.GET.get("q") or "").strip()
    page = _page(request, selectors.public_checklists(agency=agency, q=q or None))
    return render(request, "catalog/public/checklist_list.html", {"agency": agency, "page": page, "q": q})


@require_GET
def checklist_detail(request, checklist_id: int):
    """A published checklist version: entries with item, content and standard; version and publish date."""
    checklist = get_or_404(selectors.public_checklist_get, checklist_id=checklist_id)
    return render(request, "catalog/public/checklist_detail.html", {
        "checklist": checklist, "entries": list(checklist.entries.all()),
        "agencies": selectors.checklist_agencies(checklist),
    })


@require_GET
def no_penalty_list(request, agency_id: int):
    """The published no-penalty list (首违不罚、轻微不罚) of a listed agency."""
    agency = get_or_404(selectors.public_agency_get, agency_id=agency_id)
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") if request.GET.get("kind") in NoPenaltyKind.values else ""
    page = _page(request, selectors.public_no_penalty(agency=agency, kind=kind or None, q=q or None))
    return render(request, "catalog/public/no_penalty_list.html", {
        "agency": agency, "page": page, "q": q, "kind": kind, "kinds": NoPenaltyKind.choices,
        "version": selectors.list_version_latest(agency=agency, kind=ListKind.NO_PENALTY),
    })
