"""Public pages (/public/special-plans/...): approved and published special plans (R08). No login;
anything not approved and published is 404.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearcheck.core.api import get_or_404

from .selectors import plans as selectors


def _year(value) -> int | None:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 2000 <= year <= 2100 else None


@require_GET
def special_plan_list(request):
    """Published special plans, newest first, with a year filter."""
    year = _year(request.GET.get("year"))
    page = Paginator(selectors.special_plans_public(year=year), 20).get_page(request.GET.get("page"))
    return render(request, "planning/public/special_plan_list.html", {"page": page, "year": year or ""})


@require_GET
def special_plan_detail(request, plan_id: int):
    """One published special plan: lead and co-agencies, period, scope, content, approval, urgent amendments."""
    plan = get_or_404(selectors.special_plan_get_public, plan_id=plan_id)
    return render(request, "planning/public/special_plan_detail.html", {
        "plan": plan, "co_agencies": list(plan.co_agencies.order_by("code")),
        "amendments": selectors.special_plan_amendments(plan),
    })
