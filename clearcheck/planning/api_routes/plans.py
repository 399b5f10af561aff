"""``/api/annual-plans``, ``/api/plan-filings`` (R05), ``/api/special-plans`` (R08) and the public
``/api/public/special-plans``. Handlers parse, call a selector or service, and return; services decide.
"""

import datetime as dt
from typing import Annotated

from ninja import Field, Query, Router, Schema, Status

from clearcheck.core import clock
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import MAX_ID, Day, DbId

from ..choices import ApproverKind, PlanStatus, SpecialPlanStatus
from ..models import AnnualPlan, PlanFiling, SpecialPlan
from ..selectors import plans as selectors
from ..services import plans as services
from ..services import special_plans as special

router = Router(tags=["planning"])

# Bounded numbers: a value no column can hold is a 422, never a database error.
Year = Annotated[int, Field(ge=2000, le=2100)]


# --- Schemas ---------------------------------------------------------------------------------------


class PlanCursorFilter(Schema):
    """Keyset paging: ``cursor`` from the previous page's ``next_cursor``."""

    cursor: int | None = Field(None, ge=0, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)


class AnnualPlanFilter(PlanCursorFilter):
    """Filters of the plan list."""

    year: Year | None = None
    agency: DbId | None = None


class AnnualPlanIn(Schema):
    """A new annual plan; ``agency_id`` defaults to the caller's agency."""

    agency_id: DbId | None = None
    year: Year
    basis: str
    goals: str
    forms: str
    scope: str
    content: str


class AnnualPlanPatch(Schema):
    """Changes to the working copy of a plan."""

    basis: str | None = None
    goals: str | None = None
    forms: str | None = None
    scope: str | None = None
    content: str | None = None


class AnnualPlanOut(Schema):
    """An annual plan's working copy."""

    id: int
    agency_id: int
    agency_name: str = Field(..., alias="agency.name")
    year: int
    basis: str
    goals: str
    forms: str
    scope: str
    content: str
    status: PlanStatus
    filed_version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PlanEntryOut(Schema):
    """One line of the monthly schedule."""

    id: int
    item_id: int
    item_code: str = Field(..., alias="item.code")
    item_name: str = Field(..., alias="item.name")
    month: int
    target_count: int
    note: str


class AnnualPlanDetailOut(AnnualPlanOut):
    """A plan with its schedule and whether it changed since the latest filing."""

    entries: list[PlanEntryOut] = Field(..., alias="schedule")
    changed_since_filing: bool


class AnnualPlanPage(Page):
    """A page of plans."""

    items: list[AnnualPlanOut]


class PlanEntryIn(Schema):
    """Set one month × item line; ``target_count`` 0 removes it."""

    item_id: DbId
    month: int = Field(..., ge=1, le=12)
    target_count: int = Field(..., ge=0, le=100_000)
    note: str = ""


class FileIn(Schema):
    """The filing's reason (required for an amendment, defaults to 年度计划备案 for the first filing)."""

    reason: str = ""


class FilingFilter(PlanCursorFilter):
    """Filters of the filing list."""

    year: Year | None = None
    agency: DbId | None = None
    plan: DbId | None = None


class PlanFilingOut(Schema):
    """One immutable filed version of a plan (R05)."""

    id: int
    plan_id: int
    agency_id: int = Field(..., alias="plan.agency_id")
    agency_name: str = Field(..., alias="plan.agency.name")
    year: int = Field(..., alias="plan.year")
    version: int
    sha256: str
    reason: str
    filed_by: str
    filed_at: dt.datetime
    on_time: bool


class PlanFilingDetailOut(PlanFilingOut):
    """A filing with its snapshot (canonical JSON text and the decoded object)."""

    snapshot: str
    data: dict


class PlanFilingPage(Page):
    """A page of filings."""

    items: list[PlanFilingOut]


class OverviewFilter(Schema):
    """The year of the overview (default: this year, Asia/Shanghai)."""

    year: Year | None = None


class OverviewRowOut(Schema):
    """One agency's filing status for the year."""

    agency_id: int
    agency_name: str
    plan_id: int | None
    state: str = Field(description="on_time | late | overdue (unfiled after 31 March) | pending (not yet due)")
    first_filed_at: dt.datetime | None
    latest_version: int | None
    latest_filed_at: dt.datetime | None


class OverviewOut(Schema):
    """The bureau's filings overview of a year (R05)."""

    year: int
    deadline: dt.datetime
    rows: list[OverviewRowOut]


class SpecialPlanFilter(PlanCursorFilter):
    """Filters of the special-plan list."""

    year: Year | None = None
    status: SpecialPlanStatus | None = None
    agency: DbId | None = None


class SpecialPlanIn(Schema):
    """A new special plan; ``lead_agency_id`` defaults to the caller's agency."""

    lead_agency_id: DbId | None = None
    year: Year
    title: str
    scope: str
    content: str
    period_start: Day
    period_end: Day
    assessment: str = Field(description="经过评估确需开展: why the campaign is needed (R08)")
    co_agency_ids: list[DbId] = []
    approver_kind: ApproverKind = ApproverKind.GOVERNMENT


class SpecialPlanPatch(Schema):
    """Changes to a draft or rejected special plan."""

    year: Year | None = None
    title: str | None = None
    scope: str | None = None
    content: str | None = None
    period_start: Day | None = None
    period_end: Day | None = None
    assessment: str | None = None
    co_agency_ids: list[DbId] | None = None
    approver_kind: ApproverKind | None = None


class AgencyRef(Schema):
    """An agency by id and name."""

    id: int
    name: str


class AmendmentOut(Schema):
    """An urgent amendment of an approved plan, with field → [before, after]."""

    number: int
    reason: str
    changes: dict
    filed_by: str
    filed_at: dt.datetime


class SpecialPlanOut(Schema):
    """A special plan as its readers see it."""

    id: int
    year: int
    title: str
    scope: str
    content: str
    period_start: dt.date
    period_end: dt.date
    lead_agency: AgencyRef
    status: SpecialPlanStatus
    approver_kind: ApproverKind
    approved_at: dt.datetime | None
    published_at: dt.datetime | None


class SpecialPlanDetailOut(SpecialPlanOut):
    """A special plan with its records (R08)."""

    co_agencies: list[AgencyRef]
    assessment: str
    legal_review: str
    legal_reviewed_at: dt.datetime | None
    collective_discussion: str
    discussed_at: dt.datetime | None
    approval_note: str
    approved_by: str
    created_by: str
    amendments: list[AmendmentOut] = Field(..., alias="amendment_list")


class SpecialPlanPage(Page):
    """A page of special plans."""

    items: list[SpecialPlanOut]


class PublicSpecialPlanOut(Schema):
    """A published special plan as the public sees it."""

    id: int
    year: int
    title: str
    scope: str
    content: str
    period_start: dt.date
    period_end: dt.date
    lead_agency: AgencyRef
    co_agencies: list[AgencyRef]
    approver_kind: ApproverKind
    approval_note: str
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    amendments: list[AmendmentOut] = Field(..., alias="amendment_list")


class PublicSpecialPlanPage(Page):
    """A page of published special plans, newest first."""

    items: list[PublicSpecialPlanOut]


class PublicSpecialPlanFilter(PlanCursorFilter):
    """Filters of the public list."""

    year: Year | None = None


class OpinionIn(Schema):
    """The legal review opinion (法制审核意见)."""

    opinion: str


class DiscussionIn(Schema):
    """The collective discussion record (集体讨论) and its date."""

    record: str
    discussed_on: Day


class SpecialPlanNoteIn(Schema):
    """An approval or rejection note."""

    note: str = ""


class DocumentIn(Schema):
    """The vertical superior's approval document (文号及批准意见)."""

    document: str


class AmendIn(Schema):
    """An urgent amendment: the reason and the fields that change."""

    reason: str
    scope: str | None = None
    content: str | None = None
    period_start: Day | None = None
    period_end: Day | None = None


# --- Helpers ---------------------------------------------------------------------------------------


def _page(qs, filters: PlanCursorFilter) -> dict:
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


def _plan_detail(plan: AnnualPlan) -> AnnualPlan:
    plan = AnnualPlan.objects.select_related("agency").get(pk=plan.pk)
    plan.schedule = list(selectors.annual_plan_entries(plan))
    plan.changed_since_filing = services.annual_plan_changed_since_filing(plan)
    return plan


def _filing_detail(filing: PlanFiling) -> PlanFiling:
    filing.data = selectors.plan_filing_data(filing)
    return filing


def _with_amendments(plan: SpecialPlan) -> SpecialPlan:
    plan.amendment_list = [
        {**{k: getattr(row["amendment"], k) for k in ("number", "reason", "filed_by", "filed_at")},
         "changes": row["changes"]}
        for row in selectors.special_plan_amendments(plan)
    ]
    return plan


def _special_detail(plan: SpecialPlan) -> SpecialPlan:
    return _with_amendments(SpecialPlan.objects.select_related("lead_agency").get(pk=plan.pk))


# --- Annual plans (R05) ----------------------------------------------------------------------------


@router.get("/annual-plans", response=AnnualPlanPage, summary="Annual plans visible to the caller")
def annual_plan_list(request, filters: Query[AnnualPlanFilter]):
    """The caller's agency's plans, or every agency's for the county roles."""
    qs = selectors.annual_plans_for_actor(actor=request.user, year=filters.year, agency_id=filters.agency)
    return _page(qs, filters)


@router.post("/annual-plans", response={201: AnnualPlanDetailOut}, summary="Start an annual plan")
def annual_plan_create(request, payload: AnnualPlanIn):
    """Start the agency's plan for a year (one per agency and year)."""
    data = payload.dict()
    plan = services.annual_plan_create(actor=request.user, agency=data.pop("agency_id"), **data)
    return Status(201, _plan_detail(plan))


@router.get("/annual-plans/{plan_id}", response=AnnualPlanDetailOut, summary="One annual plan with its schedule")
def annual_plan_detail(request, plan_id: DbId):
    """The working copy and its monthly schedule."""
    return _plan_detail(selectors.annual_plan_get_for_actor(actor=request.user, plan_id=plan_id))


@router.patch("/annual-plans/{plan_id}", response=AnnualPlanDetailOut, summary="Change an annual plan")
def annual_plan_update(request, plan_id: DbId, payload: AnnualPlanPatch):
    """Change the working copy; filed versions never change."""
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _plan_detail(services.annual_plan_update(actor=request.user, plan_id=plan_id, **changes))


@router.put("/annual-plans/{plan_id}/entries", response=AnnualPlanDetailOut, summary="Set one schedule line")
def annual_plan_entry_set(request, plan_id: DbId, payload: PlanEntryIn):
    """Set an item's target count in a month (R02: a published item of the agency); 0 removes the line."""
    services.annual_plan_entry_set(actor=request.user, plan_id=plan_id, **payload.dict())
    return _plan_detail(selectors.annual_plan_get_for_actor(actor=request.user, plan_id=plan_id))


@router.delete("/annual-plans/{plan_id}/entries/{entry_id}", response=AnnualPlanDetailOut,
               summary="Remove one schedule line")
def annual_plan_entry_remove(request, plan_id: DbId, entry_id: DbId):
    """Remove a month × item line."""
    return _plan_detail(services.annual_plan_entry_remove(actor=request.user, plan_id=plan_id, entry_id=entry_id))


@router.post("/annual-plans/{plan_id}/file", response={201: PlanFilingDetailOut}, summary="File an annual plan")
def annual_plan_file(request, plan_id: DbId, payload: FileIn):
    """File the plan as a new immutable version (R05); an amendment needs a reason."""
    filing = services.annual_plan_file(actor=request.user, plan_id=plan_id, reason=payload.reason)
    return Status(201, _filing_detail(selectors.plan_filing_get_for_actor(actor=request.user, filing_id=filing.pk)))


# --- Filings (R05) ---------------------------------------------------------------------------------


@router.get("/plan-filings", response=PlanFilingPage, summary="Plan filings visible to the caller")
def plan_filing_list(request, filters: Query[FilingFilter]):
    """Filings of the caller's agency, or every filing for the county roles (discipline included)."""
    qs = selectors.plan_filings_for_actor(actor=request.user, year=filters.year, agency_id=filters.agency,
                                          plan_id=filters.plan)
    return _page(qs, filters)


@router.get("/plan-filings/overview", response=OverviewOut, summary="Filings overview of a year")
def plan_filing_overview(request, filters: Query[OverviewFilter]):
    """Every listed agency's plan status for the year: on time, late, overdue or pending (R05)."""
    year = filters.year or clock.local_year()
    rows = selectors.plan_filings_overview(actor=request.user, year=year)
    return {
        "year": year, "deadline": services.filing_deadline(year),
        "rows": [{"agency_id": r.agency.pk, "agency_name": r.agency.name, "plan_id": r.plan.pk if r.plan else None,
                  "state": r.state, "first_filed_at": r.first.filed_at if r.first else None,
                  "latest_version": r.latest.version if r.latest else None,
                  "latest_filed_at": r.latest.filed_at if r.latest else None} for r in rows],
    }


@router.get("/plan-filings/{filing_id}", response=PlanFilingDetailOut, summary="One plan filing")
def plan_filing_detail(request, filing_id: DbId):
    """One filed version with its snapshot."""
    return _filing_detail(selectors.plan_filing_get_for_actor(actor=request.user, filing_id=filing_id))


# --- Special plans (R08) ---------------------------------------------------------------------------


@router.get("/special-plans", response=SpecialPlanPage, summary="Special plans visible to the caller")
def special_plan_list(request, filters: Query[SpecialPlanFilter]):
    """Special plans the caller's agency leads or joins, or all for the county roles."""
    qs = selectors.special_plans_for_actor(actor=request.user, year=filters.year, status=filters.status,
                                           agency_id=filters.agency)
    return _page(qs, filters)


@router.post("/special-plans", response={201: SpecialPlanDetailOut}, summary="Draft a special plan")
def special_plan_create(request, payload: SpecialPlanIn):
    """Draft a special plan of the lead agency; the assessment is required (R08)."""
    data = payload.dict()
    plan = special.special_plan_create(actor=request.user, lead_agency=data.pop("lead_agency_id"),
                                       co_agencies=data.pop("co_agency_ids"), **data)
    return Status(201, _special_detail(plan))


@router.get("/special-plans/{special_plan_id}", response=SpecialPlanDetailOut, summary="One special plan")
def special_plan_detail(request, special_plan_id: DbId):
    """A special plan with its legal review, discussion, approval and amendments."""
    return _special_detail(selectors.special_plan_get_for_actor(actor=request.user, plan_id=special_plan_id))


@router.patch("/special-plans/{special_plan_id}", response=SpecialPlanDetailOut, summary="Change a special plan")
def special_plan_update(request, special_plan_id: DbId, payload: SpecialPlanPatch):
    """Change a draft or rejected plan (a change of substance clears its legal review and discussion)."""
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    if "co_agency_ids" in changes:
        changes["co_agencies"] = changes.pop("co_agency_ids")
    return _special_detail(special.special_plan_update(actor=request.user, plan_id=special_plan_id, **changes))


@router.post("/special-plans/{special_plan_id}/legal-review", response=SpecialPlanDetailOut,
             summary="Record the legal review")
def special_plan_legal_review(request, special_plan_id: DbId, payload: OpinionIn):
    """Record the legal review opinion (R08)."""
    return _special_detail(special.special_plan_legal_review_record(
        actor=request.user, plan_id=special_plan_id, opinion=payload.opinion))


@router.post("/special-plans/{special_plan_id}/discussion", response=SpecialPlanDetailOut,
             summary="Record the collective discussion")
def special_plan_discussion(request, special_plan_id: DbId, payload: DiscussionIn):
    """Record the collective discussion and its date (R08)."""
    return _special_detail(special.special_plan_discussion_record(
        actor=request.user, plan_id=special_plan_id, record=payload.record, discussed_on=payload.discussed_on))


@router.post("/special-plans/{special_plan_id}/submit", response=SpecialPlanDetailOut,
             summary="Submit a special plan for approval")
def special_plan_submit(request, special_plan_id: DbId):
    """Submit (R08: legal review, discussion and room under the annual quota)."""
    return _special_detail(special.special_plan_submit(actor=request.user, plan_id=special_plan_id))


@router.post("/special-plans/{special_plan_id}/approve", response=SpecialPlanDetailOut,
             summary="Approve a special plan (county government)")
def special_plan_approve(request, special_plan_id: DbId, payload: SpecialPlanNoteIn):
    """Approve and publish a submitted plan (county-government role, R08)."""
    return _special_detail(special.special_plan_approve(actor=request.user, plan_id=special_plan_id,
                                                        note=payload.note))


@router.post("/special-plans/{special_plan_id}/reject", response=SpecialPlanDetailOut,
             summary="Refuse approval of a special plan")
def special_plan_reject(request, special_plan_id: DbId, payload: SpecialPlanNoteIn):
    """Refuse approval with a reason (county-government role)."""
    return _special_detail(special.special_plan_reject(actor=request.user, plan_id=special_plan_id,
                                                       note=payload.note))


@router.post("/special-plans/{special_plan_id}/superior-approval", response=SpecialPlanDetailOut,
             summary="Record a vertical superior's approval")
def special_plan_superior_approval(request, special_plan_id: DbId, payload: DocumentIn):
    """Record the vertical superior's approval document; the plan is approved and published (R08)."""
    return _special_detail(special.special_plan_record_superior_approval(
        actor=request.user, plan_id=special_plan_id, document=payload.document))


@router.post("/special-plans/{special_plan_id}/amend", response={201: SpecialPlanDetailOut},
             summary="Amend an approved special plan urgently")
def special_plan_amend(request, special_plan_id: DbId, payload: AmendIn):
    """File an urgent amendment (scope, content, period) with its reason."""
    data = payload.dict()
    reason = data.pop("reason")
    changes = {k: v for k, v in data.items() if v is not None}
    amendment = special.special_plan_amend_urgent(actor=request.user, plan_id=special_plan_id, reason=reason,
                                                  **changes)
    return Status(201, _special_detail(amendment.plan))


# --- Public (no login) -----------------------------------------------------------------------------


@router.get("/public/special-plans", response=PublicSpecialPlanPage, auth=None,
            summary="Published special plans")
def public_special_plan_list(request, filters: Query[PublicSpecialPlanFilter]):
    """Approved and published special plans, newest publication first; ``next_cursor`` is the last plan's id."""
    qs = selectors.special_plans_public(year=filters.year)
    if filters.cursor is not None:
        last = qs.filter(pk=filters.cursor).values("published_at").first()
        if last is None:
            raise NotFound("分页游标无效")
        qs = qs.filter(published_at__lt=last["published_at"]) | qs.filter(
            published_at=last["published_at"], pk__lt=filters.cursor)
        qs = qs.order_by("-published_at", "-id")
    rows = list(qs[: filters.limit + 1])
    next_cursor = rows[filters.limit - 1].pk if len(rows) > filters.limit else None
    return {"items": [_with_amendments(p) for p in rows[: filters.limit]], "next_cursor": next_cursor}


@router.get("/public/special-plans/{special_plan_id}", response=PublicSpecialPlanOut, auth=None,
            summary="One published special plan")
def public_special_plan_detail(request, special_plan_id: DbId):
    """A published special plan with its approval and urgent amendments."""
    return _with_amendments(selectors.special_plan_get_public(plan_id=special_plan_id))
