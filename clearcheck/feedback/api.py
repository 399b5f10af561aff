"""``/api/evaluations``, ``/api/complaints``, ``/api/hotline/work-orders``: evaluations and complaints.

Individual evaluations are read by the bureau, discipline and the enterprise that wrote them; an agency
gets only ``/api/evaluations/summary`` (aggregates over at least ``MIN_GROUP``, R27).
"""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import PermissionDenied
from clearcheck.core.inputs import Cursor, Day, DbId, Instant, PageSize

from . import selectors, services
from .choices import MIN_GROUP
from .models import Complaint, Evaluation

router = Router(tags=["feedback"])



class EvaluationIn(Schema):
    """An enterprise's evaluation of one of its closed visits."""

    visit_id: DbId
    score: int = Field(ge=1, le=5)
    conduct_yes: list[str] = Field(default=[], description="codes of the conduct questions answered yes")
    duration_minutes: int = Field(ge=1, le=1440)
    comment: str = ""


class EvaluationOut(Schema):
    """An evaluation in full (bureau, discipline, its enterprise)."""

    id: int
    visit_id: int
    enterprise_id: int
    agency_id: int
    score: int
    conduct_yes: list[str]
    conduct_flag: bool
    duration_minutes: int
    visit_opened_at: dt.datetime | None
    visit_closed_at: dt.datetime | None
    comment: str
    submitted_at: dt.datetime

    @staticmethod
    def resolve_visit_opened_at(obj: Evaluation):
        return obj.visit.opened_at

    @staticmethod
    def resolve_visit_closed_at(obj: Evaluation):
        return obj.visit.closed_at


class EvaluationPage(Page):
    """A page of evaluations."""

    items: list[EvaluationOut]


class EvaluationFilter(Schema):
    """Filters of the evaluation list."""

    agency_id: DbId | None = None
    score: int | None = Field(default=None, ge=1, le=5)
    conduct: bool | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class SummaryFilter(Schema):
    """The group an aggregate is taken over (an agency user: always its own agency)."""

    agency_id: DbId | None = None
    date_from: Day | None = None
    date_to: Day | None = None


class SummaryOut(Schema):
    """Aggregates of a group of evaluations; ``too_few`` (and nulls) below the minimum group size."""

    min_group: int
    too_few: bool
    count: int | None = None
    mean_score: float | None = None
    conduct_share: float | None = None
    distribution: dict[str, int] | None = None


class ComplaintOut(Schema):
    """A complaint as the caller may read it."""

    id: int
    channel: str
    external_ref: str
    subject: str
    content: str
    status: str
    received_at: dt.datetime
    deadline: dt.date
    deadline_provisional: bool = Field(
        description="答复期限延伸至尚未载入工作日历的年度,暂按周一至周五计算,载入后重新计算(issue 20)")
    overdue: bool
    enterprise_id: int | None
    agency_id: int | None
    handling_agency_id: int | None
    handling_result: str
    reply: str
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_overdue(obj: Complaint) -> bool:
        return selectors.complaint_is_overdue(obj)


class ComplaintPage(Page):
    """A page of complaints."""

    items: list[ComplaintOut]


class ComplaintFilter(Schema):
    """Filters of the complaint list."""

    status: str | None = None
    channel: str | None = None
    overdue: bool = False
    cursor: Cursor | None = None
    limit: PageSize = 50


class WorkOrderIn(Schema):
    """A 12345 hotline work order."""

    work_order_no: str = Field(min_length=1, max_length=64)
    called_at: Instant
    caller_name: str = ""
    caller_phone: str = ""
    enterprise_uscc: str = ""
    agency_name: str = ""
    subject: str = ""
    content: str


@router.post("/evaluations", response={201: EvaluationOut}, summary="Evaluate a closed visit (enterprise, R27)")
def evaluation_create(request, payload: EvaluationIn):
    """The calling enterprise's evaluation of its closed visit, within the window; one per visit."""
    return Status(201, services.evaluation_submit(actor=request.user, **payload.dict()))


@router.get("/evaluations", response=EvaluationPage, summary="List evaluations (bureau, discipline, enterprise)")
def evaluation_list(request, filters: Query[EvaluationFilter]):
    """Individual evaluations: the bureau and discipline all, an enterprise its own. Agencies: 403, see
    ``/api/evaluations/summary``.
    """
    if not actor_has_role(request.user, Role.BUREAU, Role.DISCIPLINE, Role.ENTERPRISE):
        raise PermissionDenied("执法机关只能查看 5 条以上评价的汇总(/api/evaluations/summary)")
    qs = selectors.evaluations_for_actor(actor=request.user, agency_id=filters.agency_id, score=filters.score,
                                         conduct=filters.conduct)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/evaluations/summary", response=SummaryOut, summary="Aggregate evaluations (≥5 only)")
def evaluation_summary(request, filters: Query[SummaryFilter]):
    """Count, mean, share of conduct "yes" and distribution; ``too_few`` below the minimum group."""
    data = selectors.evaluation_aggregate(actor=request.user, agency_id=filters.agency_id,
                                          date_from=filters.date_from, date_to=filters.date_to)
    if data is None:
        return {"min_group": MIN_GROUP, "too_few": True}
    return {"min_group": MIN_GROUP, "too_few": False, **data,
            "distribution": {str(k): v for k, v in data["distribution"].items()}}


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut, summary="Read an evaluation")
def evaluation_detail(request, evaluation_id: DbId):
    """One evaluation (bureau, discipline, its enterprise); anyone else 404."""
    return selectors.evaluation_get_for_actor(actor=request.user, evaluation_id=evaluation_id)


@router.get("/complaints", response=ComplaintPage, summary="List complaints")
def complaint_list(request, filters: Query[ComplaintFilter]):
    """Complaints in the caller's scope (bureau and discipline: all; an agency: forwarded to it; an
    enterprise: its own; others: none).
    """
    qs = selectors.complaints_for_actor(actor=request.user, status=filters.status, channel=filters.channel,
                                        overdue=filters.overdue)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/complaints/{complaint_id}", response=ComplaintOut, summary="Read a complaint")
def complaint_detail(request, complaint_id: DbId):
    """One complaint in the caller's scope."""
    return selectors.complaint_get_for_actor(actor=request.user, complaint_id=complaint_id)


@router.post("/hotline/work-orders", response={200: ComplaintOut, 201: ComplaintOut},
             summary="Register a 12345 work order (idempotent on its number)")
def hotline_work_order(request, payload: WorkOrderIn):
    """201 with the new complaint; 200 with the same complaint when the order was sent before; 409 when a
    different order arrives under a number already registered.
    """
    complaint, created = services.complaint_from_hotline(actor=request.user, **payload.dict())
    return Status(201 if created else 200, complaint)
