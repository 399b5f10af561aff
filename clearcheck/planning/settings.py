"""Per-agency planning settings with platform defaults (R10 deadline, R21 exemptions, R08 quota)."""

from dataclasses import dataclass

from .choices import DEFAULT_EXEMPT_SOURCES
from .models import AgencyPlanningSettings

DEFAULT_SPECIAL_PLAN_QUOTA = 2
DEFAULT_URGENT_APPROVAL_WORKING_DAYS = 3
DEFAULT_UNGRADED_TIER = "B"


@dataclass(frozen=True)
class PlanningSettings:
    """The settings in force for one agency."""

    exempt_sources: frozenset[str]
    special_plan_quota: int
    urgent_approval_working_days: int
    ungraded_tier_code: str


def planning_settings_for(agency_id: int) -> PlanningSettings:
    """The agency's settings, or the platform defaults where it has none."""
    row = AgencyPlanningSettings.objects.filter(agency_id=agency_id).first()
    if row is None:
        return PlanningSettings(DEFAULT_EXEMPT_SOURCES, DEFAULT_SPECIAL_PLAN_QUOTA,
                                DEFAULT_URGENT_APPROVAL_WORKING_DAYS, DEFAULT_UNGRADED_TIER)
    sources = frozenset(s for s in row.exempt_sources.split(",") if s)
    return PlanningSettings(sources, row.special_plan_quota, row.urgent_approval_working_days, row.ungraded_tier_code)
