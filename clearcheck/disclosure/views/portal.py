"""The 一公开 portal hub (/public/) and the enterprises' rights guide (/public/rights/), both public."""

from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from clearcheck.inspections.rules import checkin_radius_m
from clearcheck.inspections.selectors.visits import CONDUCT_PROHIBITIONS
from clearcheck.planning.selectors.limits import limit_lines

from .. import selectors

# The evaluation window belongs to the feedback app; its setting and default are read the same way here.
EVALUATION_WINDOW_DEFAULT_DAYS = 15


def url_or(name: str, fallback: str, *args) -> str:
    """The URL of ``name``, or ``fallback`` while the page's app does not serve it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def evaluation_window_days() -> int:
    """Days an enterprise has to evaluate an inspection after it closes (R27, CLEARCHECK_EVALUATION_WINDOW_DAYS)."""
    return int(getattr(settings, "CLEARCHECK_EVALUATION_WINDOW_DAYS", EVALUATION_WINDOW_DEFAULT_DAYS))


@require_GET
def portal(request):
    """The hub of everything published: lists, plans, draws, outcomes, notices, burden, audit-chain head."""
    return render(request, "disclosure/portal.html", {
        "figures": selectors.portal_figures(),
        "handbooks": selectors.handbooks_public()[:6],
        "notices_url": url_or("supervision_public:notice_list", "/public/notices/"),
        "burden_url": url_or("dashboards_public:burden", "/public/burden/"),
    })


@require_GET
def rights(request):
    """Plain-language guide to the enterprise's rights (clauses 四(八), 四(九), 八(二十三), 八(二十四))."""
    return render(request, "disclosure/rights.html", {
        "window_days": evaluation_window_days(),
        "radius_m": checkin_radius_m(),
        "tiers": limit_lines(),  # the platform's default tier caps (R21), as every page labels them
        "prohibitions": CONDUCT_PROHIBITIONS,
        "notices_url": url_or("supervision_public:notice_list", "/public/notices/"),
    })
