"""Resumable chunked evidence uploads (R18, issue 4 §6), like tus: the client declares the size, the SHA-256
and the evidence metadata; sends chunks at offsets (a chunk at the wrong offset is refused with the
current offset, so the client resumes there); the server assembles them in the spool
(``MEDIA_ROOT/uploads/<uuid>.part``) and, after the last chunk, checks the SHA-256 and the type by
content, moves the file into the blob store and creates the Evidence row.

Each request carries one chunk, so a poor mobile network loses at most a chunk and no worker is held
for minutes. Bytes are received before any database lock is taken; the lock covers only the append.
Chunks are transport, not domain state: only creating, finishing, refusing and abandoning an upload are
audited, not every chunk.

An upload created while the visit was open may finish after it closed (a long video on a poor network
must not be lost); a stale upload is abandoned by ``evidence_uploads_expire`` after
``CLEARCHECK_EVIDENCE_UPLOAD_TTL_HOURS`` (24) hours without a chunk.
"""

import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.blobs import blob_path, blob_put_file, blob_verify, file_sha256
from clearcheck.core.errors import (
    Conflict,
    DomainError,
    FieldError,
    PermissionDenied,
    ValidationFailed,
)
from clearcheck.registry.choices import Datum

from .. import evidence_types as types
from ..choices import EvidenceOrigin, UploadStatus
from ..models import EvidenceUpload, Visit
from ..rules import evidence_hash_refusal
from ..selectors.evidence import evidence_upload_get_for_actor, visit_officer_confirmed
from .evidence import (
    EvidenceMetadata,
    duplicate_of,
    duplicate_refusal,
    evidence_record,
    metadata_clean,
    spool_dir,
    visit_for_evidence,
)

READ_BLOCK = 256 * 1024


class UploadOffsetMismatch(Conflict):
    """A chunk sent at an offset other than what the server holds; ``offset`` is where to resume."""

    def __init__(self, offset: int, detail: str | None = None):
        super().__init__(detail or f"分片偏移量不符:服务器已收到 {offset} 字节,请从该位置继续上传")
        self.offset = offset


class ChunkTooLarge(DomainError):
    """A chunk bigger than the server accepts (``CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES``)."""

    status = 413
    title = "分片过大"
    type_slug = "too-large"


class LengthRequired(DomainError):
    """A chunk sent without ``Content-Length`` (chunked transfer encoding): its size must be known."""

    status = 411
    title = "缺少 Content-Length"
    type_slug = "length-required"


class ChunkIncomplete(DomainError):
    """The connection ended before the whole chunk arrived; nothing of it was kept."""

    status = 400
    title = "分片不完整"
    type_slug = "chunk-incomplete"


def upload_ttl() -> dt.timedelta:
    """How long an upload may wait for its next chunk before it is abandoned."""
    return dt.timedelta(hours=float(getattr(settings, "CLEARCHECK_EVIDENCE_UPLOAD_TTL_HOURS", 24)))


def open_uploads_max() -> int:
    """How many unfinished uploads one account may hold at a time (each reserves spool space)."""
    return int(getattr(settings, "CLEARCHECK_EVIDENCE_OPEN_UPLOADS_MAX", 10))


def part_path(upload: EvidenceUpload) -> Path:
    """The spool file an upload is assembled in."""
    return spool_dir() / f"{upload.pk}.part"


def upload_snapshot(upload: EvidenceUpload) -> dict:
    """What the audit trail keeps of a chunked upload."""
    return {
        "visit": upload.visit_id, "declared_size": upload.declared_size, "declared_sha256": upload.declared_sha256,
        "received": upload.received, "status": upload.status, "metadata": upload.metadata,
        "evidence": upload.evidence_id,
    }


def _discard_on_commit(upload: EvidenceUpload) -> None:
    path = part_path(upload)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


# ------------------------------------------------------------------------------------------ create


@transaction.atomic
def evidence_upload_create(*, actor, visit_id, kind, size, sha256, proves, captured_at, latitude, longitude,
                           captured_by, datum: str = Datum.WGS84, origin: str = EvidenceOrigin.CAPTURED,
                           covers_from=None, covers_to=None, original_name: str = "", no_position: bool = False
                           ) -> tuple[EvidenceUpload, bool]:
    """Start a chunked upload of evidence (R18): the metadata is checked now, the content at the end.

    Returns ``(upload, created)``: the same account declaring the same file for the same visit again gets
    its unfinished upload back (with the offset reached), which is how a client resumes after a reload.
    """
    visit, _member = visit_for_evidence(actor, visit_id, lock=True)
    meta = metadata_clean(visit=visit, kind=kind, origin=origin, captured_at=captured_at, latitude=latitude,
                          longitude=longitude, datum=datum, captured_by=captured_by, proves=proves,
                          covers_from=covers_from, covers_to=covers_to, original_name=original_name,
                          sha256=sha256, sha256_required=True, no_position=no_position)
    digest = str(sha256).strip().lower()
    try:
        declared = int(size)
    except (TypeError, ValueError):
        raise ValidationFailed(FieldError("size", "请填写文件大小(字节)")) from None
    if declared <= 0:
        raise ValidationFailed(FieldError("size", "文件为空"))
    if declared > types.max_bytes(meta.kind):
        raise ValidationFailed(FieldError(
            "size", f"文件超过{types.kind_label(meta.kind)}的大小上限 {types.size_text(types.max_bytes(meta.kind))}"))
    if existing := duplicate_of(visit, digest):
        raise duplicate_refusal(existing)
    mine = EvidenceUpload.objects.filter(created_by_user_id=actor.pk, status=UploadStatus.RECEIVING)
    if resumed := mine.filter(visit=visit, declared_sha256=digest, declared_size=declared).first():
        return resumed, False
    if mine.count() >= open_uploads_max():
        raise Conflict(f"未完成的上传已有 {open_uploads_max()} 个,请先完成或放弃其中一些")
    now = clock.now()
    upload = EvidenceUpload.objects.create(
        visit=visit, created_by_user_id=actor.pk, declared_size=declared, declared_sha256=digest,
        metadata=meta.as_json(), created_at=now, updated_at=now,
    )
    audit_record(actor=actor, action="evidence_upload.create", subject=upload, after=upload_snapshot(upload))
    return upload, True


# ------------------------------------------------------------------------------------------ chunks


def _receive(stream, length: int, upload: EvidenceUpload) -> Path:
    """Read exactly ``length`` bytes of ``stream`` into a temporary file beside the upload's part."""
    fd, name = tempfile.mkstemp(dir=spool_dir(), prefix=f"{upload.pk}.", suffix=".chunk")
    path, got = Path(name), 0
    try:
        with os.fdopen(fd, "wb") as out:
            while got < length:
                block = stream.read(min(READ_BLOCK, length - got))
                if not block:
                    break
                out.write(block)
                got += len(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if got != length:
        path.unlink(missing_ok=True)
        raise ChunkIncomplete(f"分片只收到 {got}/{length} 字节(连接中断?),未保存;请从 {upload.received} 字节处重新上传")
    return path


def _upload_checked(actor, upload_id, offset) -> EvidenceUpload:
    """The actor's receiving upload at ``offset``, or the answer to give instead."""
    upload = evidence_upload_get_for_actor(actor=actor, upload_id=upload_id)
    if upload.status == UploadStatus.COMPLETE:
        raise UploadOffsetMismatch(upload.declared_size, f"该上传已完成,已登记为证据 #{upload.evidence_id}")
    if upload.status == UploadStatus.ABORTED:
        raise Conflict("该上传已放弃或已过期,请重新上传")
    if visit_officer_confirmed(actor, upload.visit) is None:
        raise PermissionDenied("只有本次入企已确认到场的执法人员可以上传证据")
    if offset != upload.received:
        raise UploadOffsetMismatch(upload.received)
    return upload


def evidence_upload_append(*, actor, upload_id, offset, stream, length) -> EvidenceUpload:
    """Append one chunk of ``length`` bytes read from ``stream`` at ``offset``; after the last chunk the
    upload is finished (SHA-256 and type checked, Evidence created). Returns the upload.

    A chunk at the wrong offset: ``UploadOffsetMismatch`` (409 with the offset to resume from). A chunk cut
    short by a dropped connection is not kept. An empty chunk at the end retries a finish that failed.
    """
    try:
        offset, length = int(offset), int(length)
    except (TypeError, ValueError):
        raise ValidationFailed(FieldError("Upload-Offset", "请给出分片的偏移量和长度(Upload-Offset、Content-Length)")) from None
    upload = _upload_checked(actor, upload_id, offset)
    if length < 0 or offset + length > upload.declared_size:
        raise ValidationFailed(FieldError("Content-Length", f"分片超出声明的文件大小 {upload.declared_size} 字节"))
    if length > types.chunk_max_bytes():
        raise ChunkTooLarge(f"分片不能超过 {types.size_text(types.chunk_max_bytes())}")
    before = upload.received
    if length:
        chunk = _receive(stream, length, upload)
        try:
            upload = _chunk_append(actor=actor, upload_id=upload.pk, offset=offset, chunk=chunk, length=length)
        finally:
            chunk.unlink(missing_ok=True)
    if before < types.HEAD_BYTES <= upload.received and upload.received < upload.declared_size:
        _head_check(actor, upload)  # refuse a wrong type now, not after 2 GB
    if upload.received == upload.declared_size:
        upload = _finish(actor, upload)
    return upload


@transaction.atomic
def _chunk_append(*, actor, upload_id, offset: int, chunk: Path, length: int) -> EvidenceUpload:
    upload = EvidenceUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status != UploadStatus.RECEIVING:
        raise Conflict("该上传已结束,不能再追加分片")
    if upload.received != offset:
        raise UploadOffsetMismatch(upload.received)  # another request got there first
    path = part_path(upload)
    # Bytes past ``received`` are leftovers of a chunk that never committed: write over them.
    with open(path, "r+b" if path.exists() else "wb") as out, open(chunk, "rb") as source:
        out.seek(offset)
        out.truncate(offset)
        shutil.copyfileobj(source, out, READ_BLOCK)
        out.flush()
        os.fsync(out.fileno())  # the offset we report must be on disk: evidence is not to be lost
    upload.received = offset + length
    upload.updated_at = clock.now()
    upload.save(update_fields=["received", "updated_at"])
    return upload


def _head_check(actor, upload: EvidenceUpload) -> str:
    """The content type of the upload so far; refuses (and abandons) one that does not fit its kind."""
    return _type_checked(actor, upload, part_path(upload))


def _type_checked(actor, upload: EvidenceUpload, path: Path) -> str:
    kind = upload.metadata.get("kind")
    with open(path, "rb") as handle:
        head = handle.read(types.HEAD_BYTES)
    mime, refusal = types.content_type_refusal(kind, head)
    if refusal:
        _refuse(actor, upload.pk, "type", refusal)
        raise ValidationFailed(FieldError("file", refusal))
    return mime


@transaction.atomic
def _refuse(actor, upload_id, reason: str, message: str) -> None:
    """Abandon an upload whose content was refused; its spool file goes once this commits."""
    upload = EvidenceUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status != UploadStatus.RECEIVING:
        return
    before = upload_snapshot(upload)
    upload.status = UploadStatus.ABORTED
    upload.updated_at = clock.now()
    upload.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="evidence_upload.refuse", subject=upload, before=before,
                 after=upload_snapshot(upload), extra={"reason": reason, "message": message})
    _discard_on_commit(upload)


def _finish(actor, upload: EvidenceUpload) -> EvidenceUpload:
    """Check the assembled file (SHA-256 as declared, type by content), store it, record the Evidence."""
    path = part_path(upload)
    try:
        digest = file_sha256(path)
    except FileNotFoundError:
        current = upload_refreshed(upload)
        if current.status == UploadStatus.COMPLETE:
            return current  # a concurrent retry finished it
        if blob_verify(upload.declared_sha256):
            # An earlier finish moved the file into the store and then failed: record it now.
            mime = _type_checked(actor, upload, blob_path(upload.declared_sha256))
            return _finish_record(actor=actor, upload_id=upload.pk, content_type=mime)
        _refuse(actor, upload.pk, "lost", "spool file missing")
        raise Conflict("服务器上的分片文件已丢失,本次上传已作废,请重新上传") from None
    if refusal := evidence_hash_refusal(upload.declared_sha256, digest, discarded=True):
        _refuse(actor, upload.pk, "sha256", refusal.plain)
        raise refusal
    if existing := duplicate_of(upload.visit, digest):
        _refuse(actor, upload.pk, "duplicate", f"same content as evidence #{existing.pk}")
        raise duplicate_refusal(existing)
    mime = _head_check(actor, upload)
    blob_put_file(path, move=True, sha256=digest)
    return _finish_record(actor=actor, upload_id=upload.pk, content_type=mime)


@transaction.atomic
def _finish_record(*, actor, upload_id, content_type: str) -> EvidenceUpload:
    visit_id = EvidenceUpload.objects.values_list("visit_id", flat=True).get(pk=upload_id)
    visit = Visit.objects.select_for_update().get(pk=visit_id)  # evidence of a visit: one at a time
    upload = EvidenceUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status == UploadStatus.COMPLETE:
        return upload  # a retried finish: already done
    if upload.status != UploadStatus.RECEIVING or upload.received != upload.declared_size:
        raise Conflict("该上传已结束,不能完成")
    if existing := duplicate_of(visit, upload.declared_sha256):
        raise duplicate_refusal(existing)  # added meanwhile; the next finish attempt abandons this upload
    before = upload_snapshot(upload)
    meta = EvidenceMetadata.from_json(upload.metadata)
    record = evidence_record(actor=actor, visit=visit, meta=meta, sha256=upload.declared_sha256,
                             size=upload.declared_size, content_type=content_type, extra={"upload": str(upload.pk)})
    upload.status, upload.evidence = UploadStatus.COMPLETE, record
    upload.updated_at = clock.now()
    upload.save(update_fields=["status", "evidence", "updated_at"])
    audit_record(actor=actor, action="evidence_upload.finish", subject=upload, before=before,
                 after=upload_snapshot(upload))
    _discard_on_commit(upload)
    return upload


def upload_refreshed(upload: EvidenceUpload) -> EvidenceUpload:
    """The upload as stored now."""
    return EvidenceUpload.objects.select_related("visit", "evidence").get(pk=upload.pk)


# ------------------------------------------------------------------------------------------ abort, expire


@transaction.atomic
def evidence_upload_abort(*, actor, upload_id) -> EvidenceUpload:
    """The uploader abandons an unfinished upload; its spool file is removed. A finished upload cannot be
    abandoned (evidence is never deleted); abandoning twice is harmless.
    """
    upload = evidence_upload_get_for_actor(actor=actor, upload_id=upload_id)
    upload = EvidenceUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == UploadStatus.COMPLETE:
        raise Conflict(f"该上传已完成并登记为证据 #{upload.evidence_id},证据不得删除")
    if upload.status == UploadStatus.ABORTED:
        return upload
    before = upload_snapshot(upload)
    upload.status = UploadStatus.ABORTED
    upload.updated_at = clock.now()
    upload.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="evidence_upload.abort", subject=upload, before=before,
                 after=upload_snapshot(upload))
    _discard_on_commit(upload)
    return upload


def evidence_uploads_expire(*, now: dt.datetime | None = None) -> int:
    """Abandon uploads that got no chunk for ``CLEARCHECK_EVIDENCE_UPLOAD_TTL_HOURS`` and remove their spool
    files, and spool files that no unfinished upload owns; returns how many uploads were abandoned.
    For a periodic job (the system acts).
    """
    now = now or clock.now()
    cutoff = now - upload_ttl()
    stale = list(EvidenceUpload.objects.filter(status=UploadStatus.RECEIVING, updated_at__lt=cutoff)
                 .values_list("pk", flat=True))
    count = sum(1 for pk in stale if _expire_one(pk, cutoff))
    receiving = {str(pk) for pk in EvidenceUpload.objects.filter(status=UploadStatus.RECEIVING)
                 .values_list("pk", flat=True)}
    horizon = time.time() - upload_ttl().total_seconds()
    for path in spool_dir().iterdir():
        owner = path.name.split(".", 1)[0]
        try:
            stale_file = path.is_file() and path.stat().st_mtime < horizon
        except FileNotFoundError:
            continue
        # Left behind: a part no unfinished upload owns, a chunk or a one-request spool of a broken request.
        if stale_file and (path.suffix != ".part" or owner not in receiving):
            path.unlink(missing_ok=True)
    return count


@transaction.atomic
def _expire_one(upload_id, cutoff: dt.datetime) -> bool:
    upload = EvidenceUpload.objects.select_for_update().get(pk=upload_id)
    if upload.status != UploadStatus.RECEIVING or upload.updated_at >= cutoff:
        return False  # a chunk arrived meanwhile
    before = upload_snapshot(upload)
    upload.status = UploadStatus.ABORTED
    upload.updated_at = clock.now()
    upload.save(update_fields=["status", "updated_at"])
    audit_record(actor=None, action="evidence_upload.expire", subject=upload, before=before,
                 after=upload_snapshot(upload))
    _discard_on_commit(upload)
    return True
