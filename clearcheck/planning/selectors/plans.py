"""Reads of annual plans, their filings and special plans, scoped by actor (ADR 0005).

Agency users read their own agency's plans (and special plans they lead or join); the county roles
(bureau, government, discipline) read every plan and filing (R05: filings are shared with the
discipline role). Enterprises read none. Missing and not-yours are the same ``NotFound``.
"""

import json
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.catalog.models import InspectionItem
from clearcheck.catalog.selectors import items_published_for
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import MAX_ID
from clearcheck.registry.choices import AgencyStatus
from clearcheck.registry.models import Agency

from ..choices import SpecialPlanStatus
from ..models import (
    AgencyPlanningSettings,
    AnnualPlan,
    AnnualPlanEntry,
    PlanFiling,
    SpecialPlan,
    SpecialPlanAmendment,
)
from ..services.plans import filing_deadline
from ..settings import DEFAULT_SPECIAL_PLAN_QUOTA


def _id(value) -> int:
    # An id no row can have (negative, or beyond the 64-bit column) is simply missing.
    return value if isinstance(value, int) and 0 < value <= MAX_ID else 0


def _year(value) -> int:
    return value if isinstance(value, int) and 0 < value < 32768 else 0


# --- Annual plans ----------------------------------------------------------------------------------


def annual_plans_for_actor(*, actor, year: int | None = None, agency_id: int | None = None
                           ) -> QuerySet[AnnualPlan]:
    """Plans the actor may read: its own agency's, or all for the county roles."""
    qs = AnnualPlan.objects.select_related("agency")
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        if own is None:
            return qs.none()
        qs = qs.filter(agency_id=own)
    if year:
        qs = qs.filter(year=_year(year))
    if agency_id:
        qs = qs.filter(agency_id=_id(agency_id))
    return qs.order_by("-year", "agency__code", "id")


def annual_plan_get_for_actor(*, actor, plan_id: int) -> AnnualPlan:
    """One plan the actor may read."""
    plan = annual_plans_for_actor(actor=actor).filter(pk=_id(plan_id)).first()
    if plan is None:
        raise NotFound("年度检查计划不存在")
    return plan


def annual_plan_entries(plan: AnnualPlan) -> QuerySet[AnnualPlanEntry]:
    """The plan's schedule by month and item code."""
    return plan.entries.select_related("item").order_by("month", "item__code", "item_id")


def annual_plan_schedule(plan: AnnualPlan) -> list[dict]:
    """Twelve months, each with its entries and total target count (the phone's month cards)."""
    months = [{"month": m, "entries": [], "total": 0} for m in range(1, 13)]
    for entry in annual_plan_entries(plan):
        months[entry.month - 1]["entries"].append(entry)
        months[entry.month - 1]["total"] += entry.target_count
    return months


def annual_plan_item_choices(plan: AnnualPlan) -> QuerySet[InspectionItem]:
    """The items a schedule line may name: the agency's published items (R02)."""
    return items_published_for(plan.agency)


# --- Filings ---------------------------------------------------------------------------------------


def plan_filings_for_actor(*, actor, year: int | None = None, agency_id: int | None = None,
                           plan_id: int | None = None) -> QuerySet[PlanFiling]:
    """Filings the actor may read: its agency's, or every filing for the county roles (discipline included)."""
    qs = PlanFiling.objects.select_related("plan", "plan__agency")
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        if own is None:
            return qs.none()
        qs = qs.filter(plan__agency_id=own)
    if year:
        qs = qs.filter(plan__year=_year(year))
    if agency_id:
        qs = qs.filter(plan__agency_id=_id(agency_id))
    if plan_id:
        qs = qs.filter(plan_id=_id(plan_id))
    return qs.order_by("-filed_at", "-id")


def plan_filing_get_for_actor(*, actor, filing_id: int) -> PlanFiling:
    """One filing the actor may read."""
    filing = plan_filings_for_actor(actor=actor).filter(pk=_id(filing_id)).first()
    if filing is None:
        raise NotFound("计划备案不存在")
    return filing


def plan_filing_data(filing: PlanFiling) -> dict:
    """The filed snapshot as a dict (agency, year, plan fields, schedule)."""
    return json.loads(filing.snapshot)


def plan_filing_schedule(filing: PlanFiling) -> list[dict]:
    """The filed schedule grouped by month (months without lines left out)."""
    months: dict[int, dict] = {}
    for line in plan_filing_data(filing)["schedule"]:
        month = months.setdefault(line["month"], {"month": line["month"], "lines": [], "total": 0})
        month["lines"].append(line)
        month["total"] += line["target_count"]
    return [months[m] for m in sorted(months)]


@dataclass(frozen=True)
class FilingStatus:
    """One agency's row in the bureau's filings overview of a year (R05)."""

    agency: Agency
    plan: AnnualPlan | None
    first: PlanFiling | None
    latest: PlanFiling | None
    deadline_passed: bool

    @property
    def state(self) -> str:
        """``on_time``, ``late``, ``overdue`` (unfiled after the deadline) or ``pending`` (unfiled, not yet due)."""
        if self.first is not None:
            return "on_time" if self.first.on_time else "late"
        return "overdue" if self.deadline_passed else "pending"


def plan_filings_overview(*, actor, year: int) -> list[FilingStatus]:
    """Every listed agency with its plan for ``year``: first and latest filing, on time or late, or missing.

    County roles only. Three queries whatever the number of agencies.
    """
    if not actor_is_county(actor):
        raise PermissionDenied("备案总览仅供司法局、县政府和纪检监察机关查阅")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(FieldError("year", "请填写正确的年度"))
    agencies = list(Agency.objects.filter(listed=True).order_by("code"))
    plans = {p.agency_id: p for p in AnnualPlan.objects.filter(year=year, agency__in=agencies)}
    first: dict[int, PlanFiling] = {}
    latest: dict[int, PlanFiling] = {}
    for filing in PlanFiling.objects.filter(plan__in=plans.values()).order_by("plan_id", "version"):
        first.setdefault(filing.plan_id, filing)
        latest[filing.plan_id] = filing
    passed = clock.now() > filing_deadline(year)
    rows = []
    for agency in agencies:
        plan = plans.get(agency.pk)
        rows.append(FilingStatus(agency=agency, plan=plan, first=first.get(plan.pk) if plan else None,
                                 latest=latest.get(plan.pk) if plan else None, deadline_passed=passed))
    return rows


# --- Special plans ---------------------------------------------------------------------------------


def special_plans_for_actor(*, actor, year: int | None = None, status: str | None = None,
                            agency_id: int | None = None) -> QuerySet[SpecialPlan]:
    """Special plans the actor may read: those its agency leads or joins, or all for the county roles."""
    qs = SpecialPlan.objects.select_related("lead_agency")
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        if own is None:
            return qs.none()
        joined = SpecialPlan.co_agencies.through.objects.filter(agency_id=own).values("specialplan_id")
        qs = qs.filter(Q(lead_agency_id=own) | Q(pk__in=joined))
    if year:
        qs = qs.filter(year=_year(year))
    if status:
        qs = qs.filter(status=status)
    if agency_id:
        qs = qs.filter(lead_agency_id=_id(agency_id))
    return qs.order_by("-year", "-id")


def special_plan_get_for_actor(*, actor, plan_id: int) -> SpecialPlan:
    """One special plan the actor may read."""
    plan = special_plans_for_actor(actor=actor).filter(pk=_id(plan_id)).first()
    if plan is None:
        raise NotFound("专项检查计划不存在")
    return plan


def special_plan_amendments(plan: SpecialPlan) -> list[dict]:
    """The plan's urgent amendments, oldest first, with their changes decoded."""
    return [
        {"amendment": a, "changes": json.loads(a.changes)}
        for a in SpecialPlanAmendment.objects.filter(plan=plan).order_by("number")
    ]


def special_plans_public(*, year: int | None = None) -> QuerySet[SpecialPlan]:
    """Approved and published special plans, newest publication first (for anyone)."""
    qs = (SpecialPlan.objects.select_related("lead_agency").prefetch_related("co_agencies")
          .filter(status=SpecialPlanStatus.APPROVED, published_at__isnull=False))
    if year:
        qs = qs.filter(year=_year(year))
    return qs.order_by("-published_at", "-id")


def special_plan_get_public(*, plan_id: int) -> SpecialPlan:
    """One approved and published special plan."""
    plan = special_plans_public().filter(pk=_id(plan_id)).first()
    if plan is None:
        raise NotFound("专项检查计划不存在或未公布")
    return plan


@dataclass(frozen=True)
class QuotaRow:
    """One agency's special plans of a year against its quota (R08)."""

    agency: Agency
    submitted: int
    approved: int
    quota: int

    @property
    def used(self) -> int:
        """Plans holding a place under the quota."""
        return self.submitted + self.approved

    @property
    def reached(self) -> bool:
        """Whether one more submission would be refused."""
        return self.used >= self.quota


def special_plan_quotas(*, actor, year: int) -> list[QuotaRow]:
    """Every listed, active agency's special plans of ``year`` against its quota (county roles; two queries).

    Submitted and approved plans hold a place (``services.special_plans.QUOTA_HOLDING_STATUSES``).
    """
    if not actor_is_county(actor):
        raise PermissionDenied("专项检查数量控制总览仅供县级部门查阅")
    agencies = (Agency.objects.filter(listed=True, status=AgencyStatus.ACTIVE).order_by("code")
                .annotate(
                    submitted=Count("special_plans_led", filter=Q(special_plans_led__year=year,
                                                                 special_plans_led__status=SpecialPlanStatus.SUBMITTED)),
                    approved=Count("special_plans_led", filter=Q(special_plans_led__year=year,
                                                                special_plans_led__status=SpecialPlanStatus.APPROVED)),
                ))
    quotas = dict(AgencyPlanningSettings.objects.values_list("agency_id", "special_plan_quota"))
    return [QuotaRow(agency=a, submitted=a.submitted, approved=a.approved,
                     quota=quotas.get(a.pk, DEFAULT_SPECIAL_PLAN_QUOTA)) for a in agencies]
