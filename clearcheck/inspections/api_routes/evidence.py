"""Evidence API (R18): add small files in one request, upload large ones in resumable chunks, list and read
them, and download the verified bytes.

Chunked uploads work like tus: ``POST /visits/{id}/evidence-uploads`` declares size, SHA-256 and metadata;
``PATCH /evidence-uploads/{id}`` sends raw bytes with ``Upload-Offset`` (a wrong offset answers 409 with
the current offset in the ``Upload-Offset`` header and the problem's ``offset``); ``HEAD``/``GET`` tell the
offset reached; ``DELETE`` abandons. The last chunk's answer carries the new evidence id.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import INT64_MAX, DbId, PageSize
from clearcheck.core.problems import problem_from_domain_error, problem_response

from .. import evidence_types as types
from ..models import Evidence, EvidenceUpload
from ..selectors import evidence as selectors
from ..services import evidence as services
from ..services import evidence_uploads as uploads
from ..services.evidence_withdrawal import evidence_withdraw as evidence_withdraw_service
from ..views.evidence import evidence_file_response

router = Router(tags=["evidence"])

Sha256 = Annotated[str, Field(min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]{64}$")]


class EvidenceOut(Schema):
    """One piece of evidence: what it is, where and when it was captured, by whom, what it proves, its
    SHA-256; ``file_url`` is null when the caller may see the record but not download the file.
    """

    id: int
    visit_id: int
    kind: str
    kind_label: str
    origin: str
    origin_label: str
    sha256: str
    size: int
    content_type: str
    original_name: str
    captured_at: dt.datetime
    latitude: Decimal | None = Field(description="null: no position was obtained (stated at upload)")
    longitude: Decimal | None
    captured_by_id: int | None
    captured_by_name: str
    proves: str
    covers_from: dt.datetime | None
    covers_to: dt.datetime | None
    uploaded_by: str
    uploaded_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_reason: str
    file_url: str | None

    @staticmethod
    def resolve_kind_label(obj: Evidence) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_origin_label(obj: Evidence) -> str:
        return str(obj.get_origin_display())

    @staticmethod
    def resolve_file_url(obj: Evidence, context) -> str | None:
        request = context["request"]
        if not selectors.evidence_file_allowed(request.user, obj):
            return None
        return f"/api/evidence/{obj.pk}/file"


class EvidencePage(Page):
    """A page of a visit's evidence."""

    items: list[EvidenceOut]


class EvidenceFilter(Schema):
    """Paging of a visit's evidence."""

    cursor: DbId | None = None
    limit: PageSize = 50


class EvidenceMetaIn(Schema):
    """The metadata R18 requires (capture time, place, who, what it proves); ``captured_by`` defaults to the
    uploading officer; positions from a Chinese map service name their ``datum`` (gcj02, bd09).
    """

    kind: str = Field(max_length=16)
    proves: str = Field("", max_length=2000)
    captured_at: str | None = Field(None, max_length=40)
    latitude: str | None = Field(None, max_length=32)
    longitude: str | None = Field(None, max_length=32)
    datum: str = Field("wgs84", max_length=8)
    no_position: bool = Field(False, description="the phone gave no position: stored without one (未取得位置)")
    captured_by: DbId | None = None
    origin: str = Field("captured", max_length=16)
    covers_from: str | None = Field(None, max_length=40)
    covers_to: str | None = Field(None, max_length=40)
    original_name: str = Field("", max_length=255)


class EvidenceFormIn(EvidenceMetaIn):
    """A small file's metadata, sent as form fields beside the file; ``sha256`` (optional) is checked."""

    sha256: str | None = Field(None, max_length=64)


class UploadIn(EvidenceMetaIn):
    """A chunked upload: the file's size and SHA-256, and the evidence metadata."""

    size: int = Field(ge=1, le=INT64_MAX)
    sha256: str = Field(max_length=64)


class UploadOut(Schema):
    """Where a chunked upload stands: ``offset`` bytes received; ``evidence_id`` once complete."""

    id: uuid.UUID
    visit_id: int
    status: str
    size: int
    sha256: str
    offset: int
    evidence_id: int | None
    chunk_max_bytes: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_size(obj: EvidenceUpload) -> int:
        return obj.declared_size

    @staticmethod
    def resolve_sha256(obj: EvidenceUpload) -> str:
        return obj.declared_sha256

    @staticmethod
    def resolve_offset(obj: EvidenceUpload) -> int:
        return obj.received

    @staticmethod
    def resolve_chunk_max_bytes(obj: EvidenceUpload) -> int:
        return types.chunk_max_bytes()


def _captured_by(request, value):
    """Who captured it: as given, else the uploading officer (the service checks either)."""
    return value if value is not None else getattr(request.user, "officer_id", None)


def _meta(request, payload: EvidenceMetaIn) -> dict:
    return {
        "kind": payload.kind, "proves": payload.proves, "captured_at": payload.captured_at,
        "latitude": payload.latitude, "longitude": payload.longitude, "datum": payload.datum,
        "no_position": payload.no_position,
        "captured_by": _captured_by(request, payload.captured_by), "origin": payload.origin,
        "covers_from": payload.covers_from, "covers_to": payload.covers_to, "original_name": payload.original_name,
    }


def _upload_headers(response, upload: EvidenceUpload):
    response["Upload-Offset"] = str(upload.received)
    response["Upload-Length"] = str(upload.declared_size)
    response["Cache-Control"] = "no-store"
    return response


@router.get("/visits/{visit_id}/evidence", response=EvidencePage, summary="Evidence of a visit")
def evidence_list(request, visit_id: DbId, filters: Query[EvidenceFilter]):
    """The visit's evidence in upload order (keyset pages)."""
    qs = selectors.evidence_for_visit(actor=request.user, visit_id=visit_id)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/visits/{visit_id}/evidence", response={201: EvidenceOut}, summary="Add evidence (R18)")
def evidence_add(request, visit_id: DbId, payload: Form[EvidenceFormIn], file: File[UploadedFile]):
    """A confirmed officer of the open visit adds a file up to ``CLEARCHECK_EVIDENCE_DIRECT_MAX_BYTES`` with
    its metadata (multipart). Larger files: the chunked upload below.
    """
    record = services.evidence_add(
        actor=request.user, visit_id=visit_id, content=file, sha256=payload.sha256,
        **{**_meta(request, payload), "original_name": payload.original_name or file.name or ""},
    )
    return Status(201, selectors.evidence_get_for_actor(actor=request.user, evidence_id=record.pk))


@router.get("/evidence/{evidence_id}", response=EvidenceOut, summary="One piece of evidence")
def evidence_detail(request, evidence_id: DbId):
    """One piece of evidence of the caller's scope."""
    return selectors.evidence_get_for_actor(actor=request.user, evidence_id=evidence_id)


class WithdrawIn(Schema):
    """Why a piece of evidence is withdrawn."""

    reason: str


@router.post("/evidence/{evidence_id}/withdraw", response=EvidenceOut, summary="Withdraw a mistaken upload (R18)")
def evidence_withdraw(request, evidence_id: DbId, payload: WithdrawIn):
    """Mark the evidence as withdrawn (kept, no longer counted); only while the visit is open."""
    record = evidence_withdraw_service(actor=request.user, evidence_id=evidence_id, reason=payload.reason)
    return selectors.evidence_get_for_actor(actor=request.user, evidence_id=record.pk)


@router.get("/evidence/{evidence_id}/file", summary="The verified file of a piece of evidence (R18)")
def evidence_file(request, evidence_id: DbId):
    """The bytes, checked against the SHA-256 (a corrupted file answers 409 and raises an R18 alert)."""
    record = selectors.evidence_file_get_for_actor(actor=request.user, evidence_id=evidence_id)
    return evidence_file_response(request, record)


@router.post("/visits/{visit_id}/evidence-uploads", response={200: UploadOut, 201: UploadOut},
             summary="Start (or resume) a chunked evidence upload (R18)")
def evidence_upload_create(request, visit_id: DbId, payload: UploadIn, response: HttpResponse):
    """Declare size, SHA-256 and metadata; 201 with a new upload, or 200 with the caller's unfinished upload
    of the same file (resume from its ``offset``).
    """
    upload, created = uploads.evidence_upload_create(
        actor=request.user, visit_id=visit_id, size=payload.size, sha256=payload.sha256, **_meta(request, payload),
    )
    _upload_headers(response, upload)
    response["Location"] = f"/api/evidence-uploads/{upload.pk}"
    return Status(201 if created else 200, upload)


@router.api_operation(["GET", "HEAD"], "/evidence-uploads/{upload_id}", response=UploadOut,
                      summary="Where a chunked upload stands")
def evidence_upload_detail(request, upload_id: uuid.UUID, response: HttpResponse):
    """The offset reached (also in ``Upload-Offset``); the evidence id once complete. The uploader's own."""
    upload = selectors.evidence_upload_get_for_actor(actor=request.user, upload_id=upload_id)
    _upload_headers(response, upload)
    return upload


@router.patch("/evidence-uploads/{upload_id}", response={200: UploadOut}, summary="Send one chunk")
def evidence_upload_chunk(request, upload_id: uuid.UUID, response: HttpResponse):
    """The body is the raw chunk (``Content-Type: application/offset+octet-stream``), at ``Upload-Offset``.

    409 with the current offset when the offset is not where the server stands; 413 above
    ``CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES``; the answer to the last chunk has ``status`` complete and the
    ``evidence_id`` (or the refusal: SHA-256 not as declared, type not fitting the kind).
    """
    offset = request.headers.get("Upload-Offset")
    length = request.META.get("CONTENT_LENGTH")
    if length in (None, "") and request.headers.get("Transfer-Encoding"):
        raise uploads.LengthRequired("分片须带 Content-Length(不支持分块传输编码)")
    length = length or "0"
    try:
        upload = uploads.evidence_upload_append(actor=request.user, upload_id=upload_id, offset=offset,
                                                stream=request, length=length)
    except uploads.UploadOffsetMismatch as exc:
        body = problem_from_domain_error(exc, request.path)
        body["offset"] = exc.offset
        problem = problem_response(body)
        problem["Upload-Offset"] = str(exc.offset)
        return problem
    _upload_headers(response, upload)
    return upload


@router.delete("/evidence-uploads/{upload_id}", response={204: None}, summary="Abandon a chunked upload")
def evidence_upload_abort(request, upload_id: uuid.UUID):
    """The uploader abandons an unfinished upload (a finished one cannot be: evidence is never deleted)."""
    uploads.evidence_upload_abort(actor=request.user, upload_id=upload_id)
    return Status(204, None)
