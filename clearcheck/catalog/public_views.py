"""Public pages (/public/...): each listed agency's current item list, versions, checklists and
no-penalty list. No login; only published data of listed agencies; anything else is 404.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.core.api import get_or_404

from . import selectors
from .choices import ListKind
from .lists import ITEM_LIST, NO_PENALTY_LIST, ListSpec


def _page(request, qs, per_page: int = 50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _public_list(request, agency_id: int, spec: ListSpec, template: str, choices_name: str):
    """The current published list of ``spec``'s kind of a listed agency, with search ``q``, a filter by the
    spec's facet (its choices are ``choices_name`` in the template) and the version it is.
    """
    agency = get_or_404(selectors.public_agency_get, agency_id=agency_id)
    q = (request.GET.get("q") or "").strip()
    facet = request.GET.get(spec.facet) if request.GET.get(spec.facet) in spec.facet_choices.values else ""
    page = _page(request, selectors.public_members(spec, agency=agency, q=q or None, facet=facet or None))
    return render(request, template, {
        "agency": agency, "page": page, "q": q, spec.facet: facet, choices_name: spec.facet_choices.choices,
        "version": selectors.list_version_latest(agency=agency, kind=spec.kind),
    })


@require_GET
def item_list(request, agency_id: int):
    """The current published item list of a listed agency, with search ``q`` and a category filter."""
    return _public_list(request, agency_id, ITEM_LIST, "catalog/public/item_list.html", "categories")


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
    """The published no-penalty list (首违不罚、轻微不罚) of a listed agency, with search ``q`` and a kind filter."""
    return _public_list(request, agency_id, NO_PENALTY_LIST, "catalog/public/no_penalty_list.html", "kinds")
