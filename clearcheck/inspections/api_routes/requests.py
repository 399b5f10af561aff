"""``/api/recusal-requests``: an enterprise files a recusal request, the agency head decides (R13).
``/api/entry-refusals``: an enterprise records an entry it refused because the visitors did not scan (R29).
"""

import datetime as dt

from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import DbId, Instant, PageSize
from clearcheck.registry import recusals
from clearcheck.registry.models import RecusalRequest

from .. import selectors, services
from ..models import EntryRefusal

router = Router(tags=["inspections"])



class RecusalOut(Schema):
    """A recusal request and, once decided, its result and reasons."""

    id: int
    enterprise_id: int
    enterprise_name: str
    officer_id: int
    officer_name: str
    officer_credential_no: str
    agency_id: int
    agency_name: str
    reason: str
    status: str
    status_label: str
    filed_by: str
    filed_at: dt.datetime
    decision_reason: str
    decided_by: str
    decided_at: dt.datetime | None
    notified_at: dt.datetime | None

    @staticmethod
    def resolve_enterprise_name(obj: RecusalRequest) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_officer_name(obj: RecusalRequest) -> str:
        return obj.officer.name

    @staticmethod
    def resolve_officer_credential_no(obj: RecusalRequest) -> str:
        return obj.officer.credential_no

    @staticmethod
    def resolve_agency_name(obj: RecusalRequest) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_status_label(obj: RecusalRequest) -> str:
        return str(obj.get_status_display())


class RecusalPage(Page):
    """A page of recusal requests."""

    items: list[RecusalOut]


class RecusalFilter(Schema):
    """Filters of the recusal list."""

    status: str | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class RecusalIn(Schema):
    """A new recusal request of the caller's enterprise: the officer by id or by credential number."""

    officer_id: DbId | None = None
    credential_no: str | None = Field(None, max_length=32)
    reason: str = Field(max_length=2000)


class RecusalDecisionIn(Schema):
    """The agency head's decision with its reasons."""

    grant: bool
    reason: str = Field(max_length=2000)


@router.get("/recusal-requests", response=RecusalPage, summary="Recusal requests visible to the caller")
def recusal_request_list(request, filters: Query[RecusalFilter]):
    """The enterprise's own requests; an agency's head and admin those about its officers; bureau all."""
    qs = recusals.recusal_requests_for_actor(actor=request.user, status=filters.status)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/recusal-requests", response={201: RecusalOut}, summary="File a recusal request (R13)")
def recusal_request_file(request, payload: RecusalIn):
    """The caller's enterprise asks that an officer be excluded from inspecting it."""
    officer_id = payload.officer_id
    if officer_id is None:
        if not payload.credential_no:
            raise ValidationFailed(FieldError("officer_id", "请指明执法人员(编号或执法证号)"))
        officer_id = recusals.officer_id_for_credential(payload.credential_no)
    record = recusals.recusal_request_file(actor=request.user, officer_id=officer_id, reason=payload.reason)
    return Status(201, recusals.recusal_request_get_for_actor(actor=request.user, request_id=record.pk))


@router.get("/recusal-requests/{request_id}", response=RecusalOut, summary="One recusal request")
def recusal_request_detail(request, request_id: DbId):
    """One recusal request of the caller's scope."""
    return recusals.recusal_request_get_for_actor(actor=request.user, request_id=request_id)


@router.post("/recusal-requests/{request_id}/decide", response=RecusalOut, summary="Decide a recusal request (R13)")
def recusal_request_decide(request, request_id: DbId, payload: RecusalDecisionIn):
    """The officer's agency head grants or refuses, with reasons; the enterprise is notified."""
    record = recusals.recusal_request_decide(actor=request.user, request_id=request_id, grant=payload.grant,
                                             reason=payload.reason)
    return recusals.recusal_request_get_for_actor(actor=request.user, request_id=record.pk)


class EntryRefusalOut(Schema):
    """An entry the enterprise refused because the visitors did not scan (R29), with its feedback."""

    id: int
    enterprise_id: int
    enterprise_name: str
    agency_id: int | None
    agency_name: str
    people: str
    occurred_at: dt.datetime
    place: str
    feedback: str
    filed_by: str
    filed_at: dt.datetime

    @staticmethod
    def resolve_enterprise_name(obj: EntryRefusal) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_agency_name(obj: EntryRefusal) -> str:
        return obj.agency.name if obj.agency_id else ""


class EntryRefusalPage(Page):
    """A page of entry refusals."""

    items: list[EntryRefusalOut]


class EntryRefusalFilter(Schema):
    """Paging of the entry refusal list."""

    cursor: DbId | None = None
    limit: PageSize = 50


class EntryRefusalIn(Schema):
    """A refused entry of the caller's enterprise: who came, when, where, and the enterprise's feedback."""

    agency_id: DbId | None = None
    people: str = Field(max_length=2000)
    occurred_at: Instant
    place: str = Field("", max_length=200)
    feedback: str = Field(max_length=2000)


@router.get("/entry-refusals", response=EntryRefusalPage, summary="Entry refusals visible to the caller")
def entry_refusal_list(request, filters: Query[EntryRefusalFilter]):
    """The enterprise's own refusals; an agency's head and admin those naming it; bureau and discipline all."""
    qs = selectors.entry_refusals_for_actor(actor=request.user)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/entry-refusals", response={201: EntryRefusalOut}, summary="Record a refused entry (R29)")
def entry_refusal_record(request, payload: EntryRefusalIn):
    """The caller's enterprise records an entry it refused because the visitors did not scan; raises an alert."""
    record = services.entry_refusal_record(
        actor=request.user, agency_id=payload.agency_id, people=payload.people, occurred_at=payload.occurred_at,
        place=payload.place, feedback=payload.feedback,
    )
    return Status(201, selectors.entry_refusal_get_for_actor(actor=request.user, refusal_id=record.pk))


@router.get("/entry-refusals/{refusal_id}", response=EntryRefusalOut, summary="One entry refusal")
def entry_refusal_detail(request, refusal_id: DbId):
    """One entry refusal of the caller's scope."""
    return selectors.entry_refusal_get_for_actor(actor=request.user, refusal_id=refusal_id)
