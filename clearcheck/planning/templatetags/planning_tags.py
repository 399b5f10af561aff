"""Planning blocks other apps' pages include: the enterprise file's tiers and cap counts (R21)."""

from django import template

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core import clock

from ..selectors.limits import enterprise_planning_summary as summary_rows

register = template.Library()


@register.inclusion_tag("planning/includes/enterprise_summary.html", takes_context=True)
def enterprise_planning_summary(context, enterprise):
    """Each agency's current tier of the enterprise and why, and its limits (the tier cap, items' own
    yearly frequencies) with this year's counts (``selectors.limits``).

    County and agency users see the reasons and scores; the enterprise itself sees its tiers and counts.
    """
    user = context.get("user")
    year = clock.local_year()
    return {
        "rows": summary_rows(enterprise_id=enterprise.pk, year=year), "year": year,
        "show_reasons": actor_is_county(user) or actor_agency_id(user) is not None,
    }
