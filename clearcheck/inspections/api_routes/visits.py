"""``/api/visits``: check-in (扫码入企). An officer starts a visit by scanning the enterprise code or by a
geolocated check-in (R11), matched to approved tasks (R06); each officer of the team confirms on their own
account (R14); a non-inspection visit (R26) uses the same entry. Starts are idempotent: send the same
``Idempotency-Key`` header (or ``idempotency_key`` field) when retrying and the same visit comes back (200).
``/api/enterprise/current-visit``: what the enterprise sees of the visit in progress (R28).
"""

import datetime as dt
from typing import Annotated

from django.db.models import Prefetch
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import DbId, PageSize

from ..models import Visit, VisitOfficer
from ..selectors import visits as selectors
from ..services import visits as services

router = Router(tags=["visits"])

Key = Annotated[str, Field(min_length=1, max_length=64)]
IdempotencyHeader = Header(None, alias="Idempotency-Key", description="client key: a retry returns the same visit")


class VisitOfficerOut(Schema):
    """An officer of the visit's team and whether they confirmed on their own account (R14)."""

    officer_id: int
    name: str
    credential_no: str
    agency_name: str
    initiator: bool
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj: VisitOfficer) -> str:
        return obj.officer.name

    @staticmethod
    def resolve_agency_name(obj: VisitOfficer) -> str:
        return obj.officer.agency.name


class VisitOut(Schema):
    """A visit: kind, enterprise, status, how it was entered (R11), the team and its confirmations (R14)."""

    id: int
    kind: str
    kind_label: str
    enterprise_id: int
    enterprise_name: str
    agency_id: int
    agency_name: str
    status: str
    status_label: str
    entry_method: str
    code_version: int | None
    latitude: float | None
    longitude: float | None
    accuracy_m: int | None
    distance_m: int | None
    purpose: str
    urgent: bool
    urgent_reason: str
    single_officer_basis: str
    cap_counted: bool
    joint_inspection_id: int | None
    task_ids: list[int]
    started_by: str
    started_at: dt.datetime
    confirm_deadline: dt.datetime
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    ended_reason: str
    summary: str
    officers: list[VisitOfficerOut]

    @staticmethod
    def resolve_kind_label(obj: Visit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_enterprise_name(obj: Visit) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_agency_name(obj: Visit) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_status_label(obj: Visit) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_task_ids(obj: Visit) -> list[int]:
        return sorted(row.task_id for row in obj.visit_tasks.all())

    @staticmethod
    def resolve_officers(obj: Visit) -> list:
        return sorted(obj.visit_officers.all(), key=lambda vo: (not vo.initiator, vo.pk))


class VisitItemOut(Schema):
    """An item of a task with its legal basis (设定依据)."""

    code: str
    name: str
    legal_basis: str


class VisitTaskOut(Schema):
    """The basis of a visit: one task with its source, approval and items (R06, R10, R28)."""

    id: int
    agency_name: str
    inspection_type_label: str
    source_label: str
    window_start: dt.date
    window_end: dt.date
    approved_by: str
    approved_at: dt.datetime | None
    urgent: bool
    urgent_reason: str
    notice: str
    items: list[VisitItemOut]

    @staticmethod
    def resolve_agency_name(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_inspection_type_label(obj) -> str:
        return str(obj.get_inspection_type_display())

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class CapLineOut(Schema):
    """One yearly limit and this year's count against it (R21, R28; ``planning.selectors.limits``): the tier
    cap of an agency (``kind`` "tier") or an item's own yearly frequency (``kind`` "item").
    """

    kind: str
    label: str
    agency_name: str
    tier_code: str
    code: str
    name: str
    cap: int
    counted: int
    exempt: int
    low_risk: bool
    current: str
    reached: bool
    binding: bool

    @staticmethod
    def resolve_tier_code(obj) -> str:
        return obj.code if obj.is_tier else ""

    @staticmethod
    def resolve_counted(obj) -> int:
        return obj.count


class ProhibitionsOut(Schema):
    """五个严禁 and 八个不得."""

    five: list[str]
    eight: list[str]


class VisitDetailOut(VisitOut):
    """A visit with what the enterprise is shown (R28): the tasks and items, and this year's count."""

    tasks: list[VisitTaskOut]
    caps: list[CapLineOut]
    non_inspection_count: int

    @staticmethod
    def resolve_tasks(obj: Visit) -> list:
        return obj.facts.tasks

    @staticmethod
    def resolve_caps(obj: Visit) -> list:
        return obj.facts.caps

    @staticmethod
    def resolve_non_inspection_count(obj: Visit) -> int:
        return obj.facts.non_inspection_count


class VisitPage(Page):
    """A page of visits."""

    items: list[VisitOut]


class VisitFilter(Schema):
    """Filters of the visit list; ``kind=non_inspection`` lists every non-inspection kind (R26)."""

    status: str | None = None
    kind: str | None = None
    enterprise_id: DbId | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class EnterpriseVisitOut(Schema):
    """R28: the enterprise's visit in progress (or null), this year's counts, the prohibitions and its rights."""

    year: int
    inspections: int
    non_inspections: int
    visit: VisitDetailOut | None
    prohibitions: ProhibitionsOut
    recusal_url: str
    refusal_url: str


class StartByCodeIn(Schema):
    """A scan of the enterprise code (the token of the URL it carries) and the tasks it is matched to."""

    token: str = Field(max_length=1024)
    task_ids: list[DbId] = Field(max_length=20)
    latitude: float | None = None
    longitude: float | None = None
    idempotency_key: Key | None = None


class StartByLocationIn(Schema):
    """A geolocated check-in (R11): the position in ``datum`` (wgs84 from a browser; gcj02/bd09 converted)."""

    enterprise_id: DbId
    task_ids: list[DbId] = Field(max_length=20)
    latitude: float
    longitude: float
    datum: str = "wgs84"
    accuracy_m: float | None = None
    idempotency_key: Key | None = None


class NonInspectionIn(Schema):
    """A non-inspection visit (R26): kind, purpose, team, and the entry: ``token`` or enterprise + position."""

    kind: str
    purpose: str = Field(max_length=2000)
    officer_ids: list[DbId] = Field(default_factory=list, max_length=20)
    token: str | None = Field(None, max_length=1024)
    enterprise_id: DbId | None = None
    latitude: float | None = None
    longitude: float | None = None
    datum: str = "wgs84"
    accuracy_m: float | None = None
    idempotency_key: Key | None = None


class CancelIn(Schema):
    """Why the visit is cancelled."""

    reason: str = Field(max_length=2000)


def _key(header: str | None, body: str | None) -> str:
    key = header or body
    if not key:
        raise ValidationFailed(FieldError("idempotency_key", "请在 Idempotency-Key 请求头或 idempotency_key 字段中提供请求幂等键"))
    if header and body and header != body:
        raise ValidationFailed(FieldError("idempotency_key", "请求头与请求体中的幂等键不一致"))
    return key


def _with_team(qs):
    return qs.prefetch_related(Prefetch("visit_officers", VisitOfficer.objects.select_related("officer__agency")),
                               "visit_tasks")


def _detail(request, visit_id: DbId) -> Visit:
    """The visit (in the caller's scope) with its team and what the enterprise is shown (``facts``)."""
    visit = _with_team(Visit.objects.filter(pk=selectors.visit_get_for_actor(request.user, visit_id).pk)
                       .select_related("enterprise", "agency")).get()
    visit.facts = selectors.visit_facts(visit)
    return visit


def _summary(visit: Visit) -> Visit:
    """The visit just written by the service for this caller, with its team: what a write answers. The R28
    facts (tasks, items, counts) are left to ``GET /visits/{id}``: computing them on every check-in cost a
    third of its time (docs/performance.md §4). A visit the service has just written carries its enterprise,
    agency, tasks and team already (``team_loaded``) and is answered as it is.
    """
    if getattr(visit, "team_loaded", False):
        return visit
    return _with_team(Visit.objects.filter(pk=visit.pk).select_related("enterprise", "agency")).get()


def _started(request, visit: Visit):
    return Status(200 if getattr(visit, "replayed", False) else 201, _summary(visit))


# The fixed paths come before /visits/{visit_id}: the router matches in order of declaration.


@router.post("/visits/start-by-code", response={200: VisitOut, 201: VisitOut},
             summary="Check in by scanning the enterprise code (R11, R06, R14)")
def visit_start_by_code(request, payload: StartByCodeIn, idempotency_key: str | None = IdempotencyHeader):
    """Start an inspection visit: the code must be current, the tasks approved for this enterprise and today,
    the officer qualified and on the team. 201 for a new visit, 200 for a retry with the same key.
    """
    visit = services.visit_start_by_code(
        actor=request.user, token=payload.token, task_ids=payload.task_ids, latitude=payload.latitude,
        longitude=payload.longitude, idempotency_key=_key(idempotency_key, payload.idempotency_key),
    )
    return _started(request, visit)


@router.post("/visits/start-by-location", response={200: VisitOut, 201: VisitOut},
             summary="Check in by location without a code (R11)")
def visit_start_by_location(request, payload: StartByLocationIn, idempotency_key: str | None = IdempotencyHeader):
    """Start an inspection visit within the configured radius of the enterprise's registered location.
    Browsers give a position only to pages served over HTTPS.
    """
    visit = services.visit_start_by_location(
        actor=request.user, enterprise_id=payload.enterprise_id, task_ids=payload.task_ids,
        latitude=payload.latitude, longitude=payload.longitude, datum=payload.datum,
        accuracy_m=payload.accuracy_m, idempotency_key=_key(idempotency_key, payload.idempotency_key),
    )
    return _started(request, visit)


@router.post("/visits/non-inspection", response={200: VisitOut, 201: VisitOut},
             summary="Start a non-inspection visit (R26)")
def visit_start_non_inspection(request, payload: NonInspectionIn, idempotency_key: str | None = IdempotencyHeader):
    """督查, 调查, 巡查 … by the same scan (``token``) or geolocated entry; no tasks, no cap, no outcomes."""
    visit = services.visit_start_non_inspection(
        actor=request.user, kind=payload.kind, purpose=payload.purpose, officer_ids=payload.officer_ids,
        token=payload.token, enterprise_id=payload.enterprise_id, latitude=payload.latitude,
        longitude=payload.longitude, datum=payload.datum, accuracy_m=payload.accuracy_m,
        idempotency_key=_key(idempotency_key, payload.idempotency_key),
    )
    return _started(request, visit)


@router.get("/visits", response=VisitPage, summary="Visits visible to the caller")
def visit_list(request, filters: Query[VisitFilter]):
    """Officers: visits they are in; agency roles: their agency's; county roles: all; enterprise: its own."""
    qs = _with_team(selectors.visits_for_actor(request.user, status=filters.status, kind=filters.kind,
                                               enterprise_id=filters.enterprise_id))
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/visits/{visit_id}", response=VisitDetailOut, summary="One visit with its basis and counts (R28)")
def visit_detail(request, visit_id: DbId):
    """One visit of the caller's scope, with its tasks, items and this year's count against the cap."""
    return _detail(request, visit_id)


@router.post("/visits/{visit_id}/confirm", response=VisitOut, summary="Confirm on one's own account (R14)")
def visit_confirm(request, visit_id: DbId):
    """An officer of the team confirms within the window; the visit opens when the team meets R14."""
    visit = services.visit_confirm(actor=request.user, visit_id=visit_id)
    return _summary(visit)


@router.post("/visits/{visit_id}/cancel", response=VisitOut, summary="Cancel a visit with a reason")
def visit_cancel(request, visit_id: DbId, payload: CancelIn):
    """An officer of the team, or the agency's head or admin, cancels a pending or open visit."""
    visit = services.visit_cancel(actor=request.user, visit_id=visit_id, reason=payload.reason)
    return _summary(visit)


@router.get("/enterprise/current-visit", response=EnterpriseVisitOut,
            summary="The enterprise's visit in progress and what it is shown (R28)")
def enterprise_current_visit(request):
    """Enterprise accounts: who is inspecting, on what basis, this year's count against the cap, the conduct
    prohibitions (五个严禁 / 八个不得) and where to request recusal or record a refused entry.
    """
    from django.urls import reverse

    summary = selectors.enterprise_year_summary(request.user)
    visit = selectors.enterprise_current_visit(request.user)
    prohibitions = {k: [str(t) for t in v] for k, v in selectors.CONDUCT_PROHIBITIONS.items()}
    return {**summary, "visit": _detail(request, visit.pk) if visit else None, "prohibitions": prohibitions,
            "recusal_url": reverse("inspections:recusal_list"), "refusal_url": reverse("inspections:entry_refusal_list")}
