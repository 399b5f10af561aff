"""Public inspection outcomes (/public/outcomes/, 一公开): closed inspections as the law allows.

The pages render plain dicts from ``selectors.outcome_rows``: agency, date, items and their legal basis,
kinds of result. No officer, no enterprise staff, no free text; individual businesses masked.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.core.api import get_or_404

from .. import selectors

PER_PAGE = 20


@require_GET
def outcome_list(request):
    """Closed inspections, newest first: search by enterprise or agency name, filter by agency and year."""
    q = selectors.search_text(request.GET.get("q"))
    agency_id = request.GET.get("agency") or ""
    year = request.GET.get("year") or ""
    qs = selectors.outcomes_public(q=q, agency_id=agency_id, year=year)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/outcomes/list.html", {
        "page": page, "rows": selectors.outcome_rows(page.object_list), "q": q,
        "agency": agency_id, "year": year, "agencies": selectors.outcome_agencies(),
        "years": selectors.outcome_years(),
    })


@require_GET
def outcome_detail(request, visit_id: int):
    """One closed inspection: items and basis, each finding's result and how it was disposed of."""
    row = get_or_404(selectors.outcome_public_get, visit_id=visit_id)
    return render(request, "disclosure/outcomes/detail.html", {"row": row})
