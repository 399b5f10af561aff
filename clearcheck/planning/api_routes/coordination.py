"""``/api/coordination/groups`` (R09) and ``/api/joint-inspections`` (R20): overlapping tasks per enterprise
with the merge suggestion, and the joint inspections made of them.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from clearcheck.core import clock
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import Day, DbId

from ..choices import JointStatus
from ..selectors import coordination as selectors
from ..services import coordination as services

router = Router(tags=["planning"])

# Ids are positive 64-bit integers; anything else is a 422, never a database overflow.


# --- Schemas (shapes only: the selectors and services decide) --------------------------------------


class TaskWindowOut(Schema):
    """A task in a coordination group."""

    id: int
    agency_id: int
    agency_name: str
    window_start: dt.date
    window_end: dt.date
    status: str
    source: str
    item_ids: list[int]


class GroupVisitOut(Schema):
    """One visit of the merge suggestion."""

    date: dt.date
    window_start: dt.date
    window_end: dt.date
    task_ids: list[int]
    agency_ids: list[int]
    lead_agency_id: int
    lead_agency_name: str


class GroupOut(Schema):
    """Overlapping tasks at one enterprise and the fewest visits that serve them."""

    enterprise_id: int
    enterprise_name: str
    enterprise_uscc: str
    region_id: str
    agency_ids: list[int]
    multi_agency: bool
    visits_saved: int
    tasks: list[TaskWindowOut]
    suggestion: list[GroupVisitOut]


class PlannedVolumeOut(Schema):
    """An agency's filed annual-plan volume for a month (plan entries name no enterprise)."""

    agency_id: int
    agency_name: str
    year: int
    month: int
    target_count: int
    item_count: int


class CoordinationPage(Page):
    """A page of groups (keyset by enterprise id) with the period and the planned volumes for context."""

    start: dt.date
    end: dt.date
    items: list[GroupOut]
    plan_volumes: list[PlannedVolumeOut]


class GroupsFilter(Schema):
    """The period (default: next month, Asia/Shanghai), an agency, a region code, the page."""

    start: Day | None = None
    end: Day | None = None
    agency: DbId | None = None
    region: str | None = Field(None, max_length=6)
    cursor: DbId | None = None
    limit: int = Field(50, ge=1, le=200)


class JointIn(Schema):
    """Tasks to merge, the lead agency, optionally a joint window inside every task's window."""

    task_ids: list[DbId] = Field(..., max_length=100)
    lead_agency_id: DbId
    window_start: Day | None = None
    window_end: Day | None = None
    note: str = Field("", max_length=2000)


class JointReasonIn(Schema):
    """Why a joint inspection is dissolved."""

    reason: str


class JointTaskOut(Schema):
    """A task of a joint inspection."""

    id: int
    agency_id: int
    window_start: dt.date
    window_end: dt.date
    status: str
    source: str


class JointOut(Schema):
    """A joint inspection (综合查一次)."""

    id: int
    enterprise_id: int
    lead_agency_id: int
    window_start: dt.date
    window_end: dt.date
    checklist_id: int | None
    status: JointStatus
    note: str
    created_by: str
    created_at: dt.datetime


class JointDetailOut(JointOut):
    """A joint inspection with its tasks."""

    tasks: list[JointTaskOut]


class JointPage(Page):
    """A keyset page of joint inspections."""

    items: list[JointOut]


class JointFilter(Schema):
    """Filter by state; keyset cursor."""

    status: JointStatus | None = None
    cursor: DbId | None = None
    limit: int = Field(50, ge=1, le=200)


def _group_out(group: selectors.Group) -> dict:
    return {
        "enterprise_id": group.enterprise_id, "enterprise_name": group.enterprise_name,
        "enterprise_uscc": group.enterprise_uscc, "region_id": group.region_id, "agency_ids": list(group.agency_ids),
        "multi_agency": group.multi_agency, "visits_saved": group.visits_saved,
        "tasks": [{**t.__dict__, "item_ids": list(t.item_ids)} for t in group.tasks],
        "suggestion": [{**v.__dict__, "task_ids": list(v.task_ids), "agency_ids": list(v.agency_ids)}
                       for v in group.suggestion],
    }


def _joint_detail(joint) -> dict:
    return {**{f: getattr(joint, f) for f in JointOut.model_fields},
            "tasks": list(joint.tasks.order_by("agency_id", "id"))}


# --- Routes ----------------------------------------------------------------------------------------


@router.get("/coordination/groups", response=CoordinationPage, summary="Overlapping tasks per enterprise (R09)")
def coordination_groups(request, filters: Query[GroupsFilter]):
    """Groups of overlapping open tasks per enterprise in the period, each with the fewest-visits merge
    suggestion; county roles see all, an agency user only groups containing its own tasks.
    """
    default_start, default_end = selectors.coordination_period_default(clock.local_today())
    start, end = filters.start or default_start, filters.end or default_end
    limit = filters.limit
    agencies = [filters.agency] if filters.agency else None
    groups = selectors.coordination_groups_for_actor(
        actor=request.user, start=start, end=end, agency_ids=agencies, region=filters.region,
        after_enterprise=filters.cursor, limit=limit + 1,
    )
    enterprises = sorted({g.enterprise_id for g in groups})
    next_cursor = None
    if len(enterprises) > limit:
        next_cursor = enterprises[limit - 1]
        groups = [g for g in groups if g.enterprise_id <= next_cursor]
    volumes = selectors.planned_volumes_for_actor(actor=request.user, start=start, end=end, agency_ids=agencies)
    return {"start": start, "end": end, "items": [_group_out(g) for g in groups], "next_cursor": next_cursor,
            "plan_volumes": [v.__dict__ for v in volumes]}


@router.post("/joint-inspections", response={201: JointDetailOut}, summary="Merge tasks into a joint inspection")
def joint_inspection_create(request, payload: JointIn):
    """Merge tasks at one enterprise into one joint visit (R20): the bureau or the lead agency's admin/head."""
    joint = services.joint_inspection_create(actor=request.user, **payload.dict())
    return Status(201, _joint_detail(joint))


@router.get("/joint-inspections", response=JointPage, summary="Joint inspections")
def joint_inspection_list(request, filters: Query[JointFilter]):
    """Joint inspections the caller may read (county roles all; an agency those it leads or has tasks in)."""
    qs = selectors.joint_inspections_for_actor(actor=request.user, status=filters.status)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/joint-inspections/{joint_id}", response=JointDetailOut, summary="One joint inspection")
def joint_inspection_detail(request, joint_id: DbId):
    """One joint inspection with its tasks."""
    return _joint_detail(selectors.joint_inspection_get_for_actor(actor=request.user, joint_id=joint_id))


@router.post("/joint-inspections/{joint_id}/checklist", response=JointDetailOut,
             summary="Build the combined checklist of a joint inspection (lead agency)")
def joint_inspection_checklist_build(request, joint_id: DbId):
    """The lead agency builds the combined checklist (一表通查) of a joint inspection the bureau merged."""
    return _joint_detail(services.joint_inspection_checklist_build(actor=request.user, joint_id=joint_id))


@router.post("/joint-inspections/{joint_id}/dissolve", response=JointDetailOut, summary="Dissolve a joint inspection")
def joint_inspection_dissolve(request, joint_id: DbId, payload: JointReasonIn):
    """Dissolve a planned joint inspection; its tasks become separate again."""
    joint = services.joint_inspection_dissolve(actor=request.user, joint_id=joint_id, reason=payload.reason)
    return _joint_detail(joint)
