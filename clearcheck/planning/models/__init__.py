"""Planning models, one module per aggregate."""

from .calendar import WorkCalendarDay, WorkCalendarYear
from .plans import AnnualPlan, AnnualPlanEntry, PlanFiling, SpecialPlan, SpecialPlanAmendment
from .settings import AgencyPlanningSettings
from .tasks import CapUsage, InspectionTask, JointInspection
from .tiers import EnterpriseCredit, EnterpriseTier, Tier

__all__ = [
    "AgencyPlanningSettings", "AnnualPlan", "AnnualPlanEntry", "CapUsage", "EnterpriseCredit", "EnterpriseTier",
    "InspectionTask", "JointInspection", "PlanFiling", "SpecialPlan", "SpecialPlanAmendment", "Tier",
    "WorkCalendarDay", "WorkCalendarYear",
]
