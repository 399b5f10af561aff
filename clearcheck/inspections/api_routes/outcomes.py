"""API of outcomes (R19): findings of a visit (recorded while the record is being written), their
dispositions, and referrals (移送) — the receiving agency's inbox, accepting and handling them.

``/api/visits/{visit_id}/findings``, ``/api/findings``, ``/api/findings/{finding_id}``,
``/api/findings/{finding_id}/dispositions``, ``/api/dispositions/{disposition_id}``, ``/api/referrals``,
``/api/referrals/{disposition_id}/accept|handle``. Lists are keyset pages.
"""

import datetime as dt
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.accounts.selectors import actor_enterprise_id
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import Day, DbId, PageSize

from ..models import Disposition, Finding
from ..selectors import outcomes as selectors
from ..services import outcomes as services

router = Router(tags=["outcomes"])

Text = Annotated[str, Field(max_length=4000)]


class DispositionOut(Schema):
    """One disposition of a finding; a referral shows how the receiving agency handled it."""

    id: int
    finding_id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    note: str
    deadline: dt.date | None
    recheck_task_id: int | None
    referred_to_id: int | None
    referred_to_name: str
    referral_status: str
    referral_status_label: str
    referral_note: str
    referral_updated_at: dt.datetime | None
    case_number: str
    no_penalty_entry_id: int | None
    no_penalty_ground: str
    created_by: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    closing_note: str

    @staticmethod
    def resolve_kind_label(obj: Disposition) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Disposition) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_referred_to_name(obj: Disposition) -> str:
        return obj.referred_to.name if obj.referred_to_id else ""

    @staticmethod
    def resolve_referral_status_label(obj: Disposition) -> str:
        return str(obj.get_referral_status_display()) if obj.referral_status else ""

    @staticmethod
    def resolve_no_penalty_ground(obj: Disposition) -> str:
        if obj.kind != "no_penalty":
            return ""
        return str(obj.no_penalty_entry) if obj.no_penalty_entry_id else "无主观过错不予处罚(《行政处罚法》第三十三条第二款)"


class EnterpriseDispositionOut(Schema):
    """What the enterprise sees of a disposition: its kind, deadline and whether it is closed."""

    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    deadline: dt.date | None
    note: str

    @staticmethod
    def resolve_kind_label(obj: Disposition) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Disposition) -> str:
        return str(obj.get_status_display())


class FindingEntryOut(Schema):
    """A failed record entry a finding ties."""

    id: int
    order: int
    item_id: int
    content: str
    result: str
    note: str


class FindingOut(Schema):
    """A finding with its failed entries, dispositions and advice (warnings)."""

    id: int
    visit_id: int
    record_id: int
    agency_id: int
    agency_name: str
    enterprise_id: int
    enterprise_name: str
    description: str
    legal_basis: str
    status: str
    status_label: str
    created_by: str
    created_at: dt.datetime
    closed_at: dt.datetime | None
    entries: list[FindingEntryOut]
    dispositions: list[DispositionOut]
    warnings: list[str]

    @staticmethod
    def resolve_visit_id(obj: Finding) -> int:
        return obj.record.visit_id

    @staticmethod
    def resolve_agency_name(obj: Finding) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_enterprise_id(obj: Finding) -> int:
        return obj.record.visit.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: Finding) -> str:
        return obj.record.visit.enterprise.name

    @staticmethod
    def resolve_status_label(obj: Finding) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_entries(obj: Finding) -> list:
        return list(obj.entries.all())

    @staticmethod
    def resolve_dispositions(obj: Finding) -> list:
        return list(obj.dispositions.all())

    @staticmethod
    def resolve_warnings(obj: Finding) -> list[str]:
        return selectors.finding_warnings(obj)


class EnterpriseFindingOut(Schema):
    """What the enterprise sees of a finding of its closed record (read-only)."""

    id: int
    visit_id: int
    agency_name: str
    description: str
    legal_basis: str
    status: str
    status_label: str
    dispositions: list[EnterpriseDispositionOut]

    @staticmethod
    def resolve_visit_id(obj: Finding) -> int:
        return obj.record.visit_id

    @staticmethod
    def resolve_agency_name(obj: Finding) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_status_label(obj: Finding) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_dispositions(obj: Finding) -> list:
        return list(obj.dispositions.all())


class FindingPage(Page):
    """A page of findings."""

    items: list[FindingOut]


class EnterpriseFindingPage(Page):
    """A page of the enterprise's findings."""

    items: list[EnterpriseFindingOut]


class FindingFilter(Schema):
    """Filters and paging of finding lists."""

    status: Literal["open", "closed"] | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class EnterpriseFindingFilter(FindingFilter):
    """Filters of the enterprise's findings: one visit, or all."""

    visit_id: DbId | None = None


class FindingIn(Schema):
    """A new finding: the failed entries it ties, what is wrong and the provision violated."""

    entry_ids: list[DbId] = Field(max_length=200)
    description: Text
    legal_basis: Text = ""


class FindingPatch(Schema):
    """Fields of a finding to change (while the record is being written)."""

    entry_ids: list[DbId] | None = Field(None, max_length=200)
    description: Text | None = None
    legal_basis: Text | None = None


class DispositionIn(Schema):
    """One disposition; which fields count depends on ``kind``."""

    kind: Literal["notice", "correct_now", "correct_by_deadline", "refer", "case", "no_penalty"]
    note: Text = ""
    deadline: Day | None = None
    referred_to_id: DbId | None = None
    case_number: str = Field("", max_length=64)
    no_penalty_entry_id: DbId | None = None
    no_fault: bool = False


class FindingReferralOut(DispositionOut):
    """A referral with where it comes from."""

    from_agency_id: int
    from_agency_name: str
    enterprise_id: int
    enterprise_name: str
    finding_description: str
    finding_legal_basis: str
    visit_id: int

    @staticmethod
    def resolve_from_agency_id(obj: Disposition) -> int:
        return obj.finding.agency_id

    @staticmethod
    def resolve_from_agency_name(obj: Disposition) -> str:
        return obj.finding.agency.name

    @staticmethod
    def resolve_enterprise_id(obj: Disposition) -> int:
        return obj.finding.record.visit.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj: Disposition) -> str:
        return obj.finding.record.visit.enterprise.name

    @staticmethod
    def resolve_finding_description(obj: Disposition) -> str:
        return obj.finding.description

    @staticmethod
    def resolve_finding_legal_basis(obj: Disposition) -> str:
        return obj.finding.legal_basis

    @staticmethod
    def resolve_visit_id(obj: Disposition) -> int:
        return obj.finding.record.visit_id


class ReferralPage(Page):
    """A page of referrals."""

    items: list[FindingReferralOut]


class ReferralFilter(Schema):
    """``box``: ``inbox`` (referrals to the caller's agency) or ``sent`` (those it made)."""

    box: Literal["inbox", "sent"] = "inbox"
    status: Literal["pending", "accepted", "handled"] | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class ReferralNoteIn(Schema):
    """A note on accepting, or how the referral was handled."""

    note: Text = ""


def _internal(request, qs):
    """The internal views of findings; the enterprise reads its own through ``/enterprise/findings``."""
    return qs.none() if actor_enterprise_id(request.user) else qs


def _page(qs, filters) -> dict:
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/visits/{visit_id}/findings", response=FindingPage, summary="Findings of a visit (R19)")
def visit_findings(request, visit_id: DbId, filters: Query[FindingFilter]):
    """The findings of one visit, each with its entries and dispositions."""
    visit = selectors.outcomes_visit_get_for_actor(actor=request.user, visit_id=visit_id)
    qs = selectors.findings_for_actor(actor=request.user, visit_id=visit.pk, status=filters.status)
    return _page(_internal(request, qs), filters)


@router.post("/visits/{visit_id}/findings", response={201: FindingOut}, summary="Record a finding (R19)")
def finding_create(request, visit_id: DbId, payload: FindingIn):
    """A confirmed officer of the open visit ties failed entries of the record to a finding."""
    finding = services.finding_create(actor=request.user, visit_id=visit_id, entry_ids=payload.entry_ids,
                                      description=payload.description, legal_basis=payload.legal_basis)
    return Status(201, selectors.finding_get_for_actor(actor=request.user, finding_id=finding.pk))


@router.get("/findings", response=FindingPage, summary="Findings visible to the caller")
def finding_list(request, filters: Query[FindingFilter]):
    """An agency's findings, an officer's visits' findings, or all (county readers)."""
    return _page(_internal(request, selectors.findings_for_actor(actor=request.user, status=filters.status)), filters)


@router.get("/enterprise/findings", response=EnterpriseFindingPage,
            summary="The enterprise's findings and correction deadlines")
def enterprise_findings(request, filters: Query[EnterpriseFindingFilter]):
    """The caller enterprise's findings of closed records, with dispositions and deadlines (read-only)."""
    qs = selectors.findings_for_actor(actor=request.user, visit_id=filters.visit_id, status=filters.status)
    return _page(qs if actor_enterprise_id(request.user) else qs.none(), filters)


@router.get("/findings/{finding_id}", response=FindingOut, summary="One finding")
def finding_detail(request, finding_id: DbId):
    """One finding with its dispositions."""
    if actor_enterprise_id(request.user):
        raise NotFound("检查发现不存在")
    return selectors.finding_get_for_actor(actor=request.user, finding_id=finding_id)


@router.patch("/findings/{finding_id}", response=FindingOut, summary="Change a finding (while drafting)")
def finding_update(request, finding_id: DbId, payload: FindingPatch):
    """Change the entries, description or legal basis of a finding while the record is being written."""
    data = payload.dict(exclude_unset=True)
    services.finding_update(actor=request.user, finding_id=finding_id, **data)
    return selectors.finding_get_for_actor(actor=request.user, finding_id=finding_id)


@router.delete("/findings/{finding_id}", response={204: None}, summary="Delete a finding (while drafting)")
def finding_remove(request, finding_id: DbId):
    """Delete a finding recorded in error, with its dispositions, while the record is being written."""
    services.finding_remove(actor=request.user, finding_id=finding_id)
    return Status(204, None)


@router.post("/findings/{finding_id}/dispositions", response={201: DispositionOut},
             summary="Give a finding a disposition (R19)")
def disposition_add(request, finding_id: DbId, payload: DispositionIn):
    """Notice, correct now, correct by a deadline (files a re-check task), refer, file a case, or no penalty
    on a ground of the agency's published list.
    """
    disposition = services.disposition_add(
        actor=request.user, finding_id=finding_id, kind=payload.kind, note=payload.note, deadline=payload.deadline,
        referred_to=payload.referred_to_id, case_number=payload.case_number,
        no_penalty_entry=payload.no_penalty_entry_id, no_fault=payload.no_fault,
    )
    return Status(201, selectors.disposition_get_for_actor(actor=request.user, disposition_id=disposition.pk))


@router.get("/dispositions/{disposition_id}", response=DispositionOut, summary="One disposition")
def disposition_detail(request, disposition_id: DbId):
    """One disposition, for readers of its finding or, for a referral, the receiving agency."""
    return selectors.disposition_get_for_actor(actor=request.user, disposition_id=disposition_id)


@router.delete("/dispositions/{disposition_id}", response={204: None}, summary="Withdraw a disposition (drafting)")
def disposition_remove(request, disposition_id: DbId, reason: Annotated[str, Field(max_length=4000)] = ""):
    """Withdraw a disposition given in error while the record is being written (``?reason=``)."""
    services.disposition_remove(actor=request.user, disposition_id=disposition_id, reason=reason)
    return Status(204, None)


@router.get("/referrals", response=ReferralPage, summary="Referrals to (or from) the caller's agency")
def referral_list(request, filters: Query[ReferralFilter]):
    """The referral inbox of the caller's agency (admin and head), or the referrals it sent."""
    select = selectors.referral_inbox if filters.box == "inbox" else selectors.referrals_sent
    items, cursor = keyset_page(select(actor=request.user, status=filters.status), cursor=filters.cursor,
                                limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/referrals/{disposition_id}/accept", response=FindingReferralOut, summary="Accept a referral")
def referral_accept(request, disposition_id: DbId, payload: ReferralNoteIn | None = None):
    """The receiving agency's admin or head accepts a referral into its handling."""
    services.referral_accept(actor=request.user, disposition_id=disposition_id, note=payload.note if payload else "")
    return selectors.disposition_get_for_actor(actor=request.user, disposition_id=disposition_id)


@router.post("/referrals/{disposition_id}/handle", response=FindingReferralOut, summary="Record how a referral was handled")
def referral_handle(request, disposition_id: DbId, payload: ReferralNoteIn):
    """The receiving agency records how it handled the referral; the disposition closes (R19)."""
    services.referral_handle(actor=request.user, disposition_id=disposition_id, note=payload.note)
    return selectors.disposition_get_for_actor(actor=request.user, disposition_id=disposition_id)
