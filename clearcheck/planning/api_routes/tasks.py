"""``/api/tasks``: inspection tasks and their approval (R06 R07 R10), and ``/api/caps/check`` (R21)."""

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch
from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.catalog.models import InspectionItem
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import Day, DbId, PageSize
from clearcheck.registry.models import Agency, Officer

from ..models import InspectionTask
from ..rules import draw_required
from ..selectors import tasks as selectors
from ..services import tasks as services
from ..services.caps import cap_check_batch

router = Router(tags=["planning"])

# Ids and counts the database can hold (a larger number answers 422, not a server error).
Year = Annotated[int, Field(ge=2000, le=2100)]


class TaskItemOut(Schema):
    """An item of a task."""

    id: int
    code: str
    name: str


class TaskOfficerOut(Schema):
    """An officer assigned to a task."""

    id: int
    name: str
    credential_no: str


class TaskOut(Schema):
    """An inspection task."""

    id: int
    agency_id: DbId
    agency_name: str
    enterprise_id: DbId
    enterprise_name: str
    enterprise_uscc: str
    inspection_type: str
    source: str
    source_reference: str
    status: str
    status_label: str
    items: list[TaskItemOut]
    officers: list[TaskOfficerOut]
    checklist_id: int | None
    special_plan_id: int | None
    plan_entry_id: int | None
    window_start: dt.date
    window_end: dt.date
    year: int
    notice: str
    urgent: bool
    urgent_reason: str
    av_required: bool
    av_ground: str
    urgent_started_at: dt.datetime | None
    approval_deadline: dt.date | None
    approval_deadline_provisional: bool = Field(
        description="补办期限延伸至尚未载入工作日历的年度,暂按周一至周五计算,载入后重新计算(issue 20)")
    counts_against_cap: bool
    cap_place: str
    draw_required: bool
    created_by: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    approved_by: str
    approved_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def resolve_agency_name(obj: InspectionTask) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_enterprise_name(obj: InspectionTask) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_enterprise_uscc(obj: InspectionTask) -> str:
        return obj.enterprise.uscc

    @staticmethod
    def resolve_status_label(obj: InspectionTask) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_items(obj: InspectionTask) -> list:
        return list(obj.items.all())

    @staticmethod
    def resolve_officers(obj: InspectionTask) -> list:
        return list(obj.officers.all())

    @staticmethod
    def resolve_draw_required(obj: InspectionTask) -> bool:
        items = list(obj.items.all())
        return draw_required(obj.inspection_type, obj.source,
                             special_sector=bool(items) and all(i.special_sector for i in items))


class TaskPage(Page):
    """A page of tasks."""

    items: list[TaskOut]


class TaskFilter(Schema):
    """Task filters."""

    status: str | None = None
    source: str | None = None
    enterprise: DbId | None = None
    agency: DbId | None = None
    year: Year | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class InboxFilter(Schema):
    """Cursor of the approval inbox: the id of the last task of the previous page (its order is by start date,
    urgency and id).
    """

    cursor: DbId | None = None
    limit: PageSize = 50


class TaskIn(Schema):
    """A new task (a draft)."""

    agency_id: DbId | None = None
    enterprise_id: DbId
    inspection_type: str
    source: str
    item_ids: list[DbId]
    officer_ids: list[DbId]
    window_start: Day
    window_end: Day
    checklist_id: DbId | None = None
    notice: str = ""
    plan_entry_id: DbId | None = None
    special_plan_id: DbId | None = None
    source_reference: str = ""
    urgent_reason: str = ""
    av_ground: str = Field("", description="R17: contentious / personal_liberty / life_health / major_property; "
                                           "set → the visit needs a full audio/video record")


class TaskPatch(Schema):
    """Changes to a draft or returned task."""

    enterprise_id: DbId | None = None
    inspection_type: str | None = None
    source: str | None = None
    item_ids: list[DbId] | None = None
    officer_ids: list[DbId] | None = None
    window_start: Day | None = None
    window_end: Day | None = None
    checklist_id: DbId | None = None
    notice: str | None = None
    plan_entry_id: DbId | None = None
    special_plan_id: DbId | None = None
    source_reference: str | None = None
    urgent_reason: str | None = None
    av_ground: str | None = None


class TaskNoteIn(Schema):
    """An optional approval note."""

    note: str = ""


class RequiredNoteIn(Schema):
    """A reason for returning the task."""

    note: str


class TaskReasonIn(Schema):
    """A reason (urgent start, cancel)."""

    reason: str


class CapCheckIn(Schema):
    """Proposed proactive tasks of one agency for one year."""

    agency_id: DbId
    year: Year
    enterprise_ids: list[DbId] = Field(max_length=10_000)
    item_ids: list[DbId] | None = None


class CapVerdictOut(Schema):
    """Whether one more proactive task fits under the cap (R21)."""

    enterprise_id: DbId
    tier_code: str
    cap: int
    used: int
    allowed: bool
    reason: str


class CapCheckOut(Schema):
    """One verdict per enterprise, in the order asked."""

    verdicts: list[CapVerdictOut]


_PATCH_NAMES = {"enterprise_id": "enterprise", "item_ids": "items", "officer_ids": "officers",
                "checklist_id": "checklist", "plan_entry_id": "plan_entry", "special_plan_id": "special_plan"}


def _with_lines(qs):
    return qs.prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")),
                               Prefetch("officers", queryset=Officer.objects.order_by("name")))


def _detail(request, task_id: DbId):
    return selectors.task_get_for_actor(actor=request.user, task_id=task_id)


@router.get("/tasks", response=TaskPage, summary="Inspection tasks visible to the caller")
def task_list(request, filters: Query[TaskFilter]):
    """Tasks of the caller's agency (county roles: all), filtered by status, source, enterprise, agency, year."""
    qs = selectors.tasks_for_actor(actor=request.user, status=filters.status, source=filters.source,
                                   enterprise_id=filters.enterprise, agency_id=filters.agency, year=filters.year)
    items, cursor = keyset_page(_with_lines(qs), cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/tasks", response={201: TaskOut}, summary="Draft an inspection task")
def task_create(request, payload: TaskIn):
    """A draft task of the caller's agency (R01 R02 R04 R08 R12 R14 R25 checked)."""
    data = payload.dict()
    task = services.task_create(
        actor=request.user, agency=data["agency_id"] or getattr(request.user, "agency_id", None),
        enterprise=data["enterprise_id"], inspection_type=data["inspection_type"], source=data["source"],
        items=data["item_ids"], officers=data["officer_ids"], window_start=data["window_start"],
        window_end=data["window_end"], checklist=data["checklist_id"], notice=data["notice"],
        plan_entry=data["plan_entry_id"], special_plan=data["special_plan_id"],
        source_reference=data["source_reference"], urgent_reason=data["urgent_reason"], av_ground=data["av_ground"],
    )
    return Status(201, _detail(request, task.pk))


@router.get("/tasks/approval-inbox", response=TaskPage, summary="Tasks awaiting the head's approval")
def approval_inbox(request, filters: Query[InboxFilter]):
    """Submitted tasks and urgent ones due for approval afterwards (补办), of the caller's scope: earliest start
    first, urgent ones first on the same day, then by id. ``next_cursor`` is the last task's id; a task decided
    since keeps its place.
    """
    items, cursor = selectors.approval_inbox_page(actor=request.user, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/tasks/{task_id}", response=TaskOut, summary="One inspection task")
def task_detail(request, task_id: DbId):
    """One task of the caller's scope."""
    return _detail(request, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut, summary="Change a draft task")
def task_update(request, task_id: DbId, payload: TaskPatch):
    """Change a draft or returned task; other states answer 409."""
    data = {_PATCH_NAMES.get(k, k): v for k, v in payload.dict(exclude_unset=True).items()}
    services.task_update(actor=request.user, task_id=task_id, data=data)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/submit", response=TaskOut, summary="File a task before entry (R06)")
def task_submit(request, task_id: DbId):
    """Submit the task for approval (事前备案)."""
    services.task_submit(actor=request.user, task_id=task_id)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/start-urgent", response=TaskOut, summary="Start an urgent task (R10)")
def task_start_urgent(request, task_id: DbId, payload: TaskReasonIn):
    """Urgent sources only: record the reason; the head's approval is due within the working-day deadline."""
    services.task_start_urgent(actor=request.user, task_id=task_id, reason=payload.reason)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/approve", response=TaskOut, summary="Approve a task (agency head, R07, R21)")
def task_approve(request, task_id: DbId, payload: TaskNoteIn):
    """The agency head approves (a department head is refused, R07) within the cap (R21)."""
    services.task_approve(actor=request.user, task_id=task_id, note=payload.note)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/reject", response=TaskOut, summary="Return a task (agency head)")
def task_reject(request, task_id: DbId, payload: RequiredNoteIn):
    """Return the task to its drafters with a reason."""
    services.task_reject(actor=request.user, task_id=task_id, note=payload.note)
    return _detail(request, task_id)


@router.post("/tasks/{task_id}/cancel", response=TaskOut, summary="Cancel a task")
def task_cancel(request, task_id: DbId, payload: TaskReasonIn):
    """Cancel; an approved task gives its place under the cap back (R21)."""
    services.task_cancel(actor=request.user, task_id=task_id, reason=payload.reason)
    return _detail(request, task_id)


@router.post("/caps/check", response=CapCheckOut, summary="Check proposed tasks against the caps (R21)")
def caps_check(request, payload: CapCheckIn):
    """Set-based verdicts for one more proactive task at each enterprise (up to 10,000 per call)."""
    if not (actor_is_county(request.user) or actor_agency_id(request.user) == payload.agency_id) \
            or not Agency.objects.filter(pk=payload.agency_id).exists():
        raise NotFound("检查主体不存在")
    verdicts = cap_check_batch(agency_id=payload.agency_id, year=payload.year,
                               enterprise_ids=payload.enterprise_ids, item_ids=payload.item_ids)
    return {"verdicts": list(verdicts.values())}
