"""``/api/visits/{visit_id}/record``: the on-site record of a visit (现场检查笔录, R16, R17, R25) — read it,
record entry results, set the header, sign; ``/api/visits/{visit_id}/close`` closes the visit (R16/R17
for inspections, a summary for non-inspection visits, R26). Refusals are problem documents with rule IDs.
"""

import datetime as dt
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import DbId

from ..selectors import records as selectors
from ..services import records as services
from .visits import CapLineOut

router = Router(tags=["records"])

Result = Literal["compliant", "non_compliant", "not_applicable", "not_checked"]


class RecordEntryOut(Schema):
    """One checklist entry of the record and its result."""

    id: int
    order: int
    item_id: int
    item_name: str
    content: str
    standard_text: str
    rechecks_id: int | None
    result: str
    result_label: str
    note: str
    recorded_by_id: int | None
    recorded_at: dt.datetime | None
    evidence_ids: list[int]


class SignatureOut(Schema):
    """A signature on the record, or the recorded refusal to sign."""

    id: int
    signer_kind: str
    officer_id: int | None
    signer_name: str
    has_image: bool
    image_sha256: str
    refused: bool
    refusal_note: str
    signed_at: dt.datetime


class MissingOut(Schema):
    """What still stops the visit from closing: the rule, the field and what is missing."""

    rule: str
    field: str | None
    detail: str


class RecordOut(Schema):
    """The on-site record of a visit with its entries, signatures and what is still missing to close."""

    id: int
    visit_id: int
    visit_status: str
    status: str
    status_label: str
    enterprise_id: int
    enterprise_name: str
    place: str
    recorder_id: int | None
    findings_summary: str
    enterprise_representative: str
    representative_title: str
    enterprise_opinion: str
    opinion_refused: bool
    credentials_shown: bool = Field(description="the officers confirmed they showed their credentials")
    rights_told: bool = Field(description="the officers confirmed they told the basis, items and rights")
    recusal_answer: Literal["", "no", "yes"] = Field(
        description="whether the enterprise asked for a recusal, as confirmed in the record; empty: not yet")
    av_required: bool
    av_missing_reason: str
    frequency_count: int
    frequency_cap: int | None
    frequency_limits: list[CapLineOut] | None = Field(
        description="the limits the record states, kept when it was created (R21); null for older records")
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str
    entries: list[RecordEntryOut]
    signatures: list[SignatureOut]
    missing: list[MissingOut]
    can_write: bool


def _record_out(actor, record) -> dict:
    """The record as the API shows it to ``actor``."""
    entries = [{
        "id": e.pk, "order": e.order, "item_id": e.item_id, "item_name": e.item.name, "content": e.content,
        "standard_text": e.standard_text, "rechecks_id": e.rechecks_id, "result": e.result,
        "result_label": str(e.get_result_display()) if e.result else "", "note": e.note,
        "recorded_by_id": e.recorded_by_id, "recorded_at": e.recorded_at,
        "evidence_ids": sorted(ev.pk for ev in e.evidence.all()),
    } for e in record.entries.all()]
    signatures = [{
        "id": s.pk, "signer_kind": s.signer_kind, "officer_id": s.officer_id, "signer_name": s.signer_name,
        "has_image": bool(s.image_sha256), "image_sha256": s.image_sha256, "refused": s.refused,
        "refusal_note": s.refusal_note, "signed_at": s.signed_at,
    } for s in record.signatures.all()]
    missing = []
    if record.status == "drafting":
        checks = services.record_missing(record)
        if (av := services.record_av_missing(record)) is not None:
            checks.append(av)
        missing = [{"rule": m.rule_id, "field": m.field, "detail": m.plain} for m in checks]
    visit = record.visit
    return {
        "id": record.pk, "visit_id": visit.pk, "visit_status": visit.status, "status": record.status,
        "status_label": str(record.get_status_display()), "enterprise_id": visit.enterprise_id,
        "enterprise_name": visit.enterprise.name, "place": record.place, "recorder_id": record.recorder_id,
        "findings_summary": record.findings_summary, "enterprise_representative": record.enterprise_representative,
        "representative_title": record.representative_title, "enterprise_opinion": record.enterprise_opinion,
        "opinion_refused": record.opinion_refused, "credentials_shown": record.credentials_shown,
        "rights_told": record.rights_told, "recusal_answer": record.recusal_answer, "av_required": record.av_required,
        "av_missing_reason": record.av_missing_reason, "frequency_count": record.frequency_count,
        "frequency_cap": record.frequency_cap, "frequency_limits": record.limit_lines, "started_at": visit.opened_at, "closed_at": record.closed_at,
        "closed_by": record.closed_by, "entries": entries, "signatures": signatures, "missing": missing,
        "can_write": selectors.record_can_write(actor, record),
    }


def _current(request, visit_id: DbId) -> dict:
    return _record_out(request.user, selectors.record_get_for_actor(request.user, visit_id))


class EntryPutIn(Schema):
    """The whole result of an entry: result, note and the evidence it rests on (R25: not a third party's)."""

    result: Result
    note: str = Field("", max_length=4000)
    evidence_ids: list[DbId] = Field(default_factory=list, max_length=50)


class EntryPatchIn(Schema):
    """Part of an entry's result; fields left out keep their value."""

    result: Result | None = None
    note: str | None = Field(None, max_length=4000)
    evidence_ids: list[DbId] | None = Field(None, max_length=50)


class HeaderPatchIn(Schema):
    """Header fields of the record; fields left out keep their value."""

    place: str | None = Field(None, max_length=255)
    recorder_id: DbId | None = None
    findings_summary: str | None = Field(None, max_length=4000)
    enterprise_representative: str | None = Field(None, max_length=64)
    representative_title: str | None = Field(None, max_length=64)
    enterprise_opinion: str | None = Field(None, max_length=4000)
    opinion_refused: bool | None = None
    credentials_shown: bool | None = None
    rights_told: bool | None = None
    recusal_answer: Literal["", "no", "yes"] | None = None


class SignatureIn(Schema):
    """``officer``: the caller signs on their own account. ``enterprise``: the representative's drawn
    signature (a PNG data URL) or, with ``refused``, the recorded refusal to sign and its note.
    """

    signer_kind: Literal["officer", "enterprise"]
    signer_name: str | None = Field(None, max_length=64)
    image_data_url: str | None = Field(None, max_length=1_000_000)
    refused: bool = False
    refusal_note: str | None = Field(None, max_length=4000)


class CloseIn(Schema):
    """Closing a visit: for an R17 record without full audio/video, the reason; for a non-inspection
    visit (R26), the summary of what was done.
    """

    av_missing_reason: str | None = Field(None, max_length=4000)
    summary: str | None = Field(None, max_length=4000)


class VisitClosedOut(Schema):
    """The closed visit."""

    id: int
    kind: str
    status: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    record_id: int | None


@router.get("/visits/{visit_id}/record", response=RecordOut, summary="The on-site record of a visit")
def record_detail(request, visit_id: DbId):
    """The record with its entries, signatures and what is still missing to close (R16, R17)."""
    return _current(request, visit_id)


def _entry_set(request, visit_id: DbId, entry_id: DbId, values: dict) -> dict:
    services.record_entry_set(actor=request.user, visit_id=visit_id, entry_id=entry_id, **values)
    return _current(request, visit_id)


@router.put("/visits/{visit_id}/record/entries/{entry_id}", response=RecordOut,
            summary="Record the result of a checklist entry")
def record_entry_put(request, visit_id: DbId, entry_id: DbId, payload: EntryPutIn):
    """Replace an entry's result, note and cited evidence (R25: a third party's material is refused)."""
    return _entry_set(request, visit_id, entry_id, payload.model_dump())


@router.patch("/visits/{visit_id}/record/entries/{entry_id}", response=RecordOut,
              summary="Change part of a checklist entry's result")
def record_entry_patch(request, visit_id: DbId, entry_id: DbId, payload: EntryPatchIn):
    """Change the fields given; the others keep their value."""
    values = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    if not values:
        raise ValidationFailed(FieldError("result", "没有要保存的内容"))
    return _entry_set(request, visit_id, entry_id, values)


@router.patch("/visits/{visit_id}/record", response=RecordOut, summary="Set header fields of the record")
def record_header_patch(request, visit_id: DbId, payload: HeaderPatchIn):
    """Place, recorder, findings, the enterprise's representative and its opinion (or its refusal)."""
    values = payload.model_dump(exclude_unset=True)
    for name in ("opinion_refused", "credentials_shown", "rights_told", "recusal_answer"):
        if name in values and values[name] is None:
            raise ValidationFailed(FieldError(name, "请选择是或否"))
    services.record_header_update(actor=request.user, visit_id=visit_id, **values)
    return _current(request, visit_id)


@router.post("/visits/{visit_id}/record/signatures", response={201: RecordOut}, summary="Sign the record")
def record_signature_add(request, visit_id: DbId, payload: SignatureIn):
    """An officer signs on their own account; or the enterprise representative's signature or refusal."""
    if payload.signer_kind == "officer":
        if payload.image_data_url or payload.refused or payload.refusal_note:
            raise ValidationFailed(FieldError("signer_kind", "执法人员在本人账号上签名,无需签名图像"))
        services.record_sign_officer(actor=request.user, visit_id=visit_id)
    else:
        services.record_sign_enterprise(actor=request.user, visit_id=visit_id, signer_name=payload.signer_name,
                                        image_data_url=payload.image_data_url, refused=payload.refused,
                                        refusal_note=payload.refusal_note)
    return Status(201, _current(request, visit_id))


@router.post("/visits/{visit_id}/close", response=VisitClosedOut, summary="Close the visit (R16, R17, R26)")
def visit_close(request, visit_id: DbId, payload: CloseIn):
    """Closes an open visit: the record must be complete (R16) and covered by audio/video when required
    (R17, or a reason given); a non-inspection visit closes with a summary (R26).
    """
    visit = services.visit_close(actor=request.user, visit_id=visit_id,
                                 av_missing_reason=payload.av_missing_reason, summary=payload.summary)
    record = getattr(visit, "record", None) if visit.kind == "inspection" else None
    return {"id": visit.pk, "kind": visit.kind, "status": visit.status, "opened_at": visit.opened_at,
            "closed_at": visit.closed_at, "record_id": record.pk if record else None}
