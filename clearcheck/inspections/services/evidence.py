"""Writes of evidence (R18): a confirmed officer of an OPEN visit adds a photo, recording or document with
its capture time, place, who captured it and what it proves; the server computes the SHA-256 of the
content, checks the type by the bytes (not the name) and the size, and stores the file content-addressed,
never overwritten. Evidence is never deleted (there is no delete service).

Large files arrive in resumable chunks (``services.evidence_uploads``), which end in the same record.

Who uploads: only a confirmed officer of the open visit. Documents the enterprise hands over, and a third
party's assessment, are uploaded by an officer with ``origin`` ``enterprise`` / ``third_party`` (R25: a
third-party assessment is reference, never a result; the record entries enforce that, this stores origin).
"""

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.blobs import BlobCorrupted, blob_check, blob_put_file, blob_stream
from clearcheck.core.errors import (
    Conflict,
    DomainError,
    FieldError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from clearcheck.registry.choices import Datum
from clearcheck.registry.models import Officer
from clearcheck.registry.validators import coordinates_to_wgs84

from .. import evidence_types as types
from ..choices import AV_KINDS, EvidenceKind, EvidenceOrigin, VisitStatus
from ..models import Evidence, Visit, VisitOfficer
from ..rules import evidence_hash_refusal
from ..selectors.evidence import evidence_visits_for_actor, visit_officer_confirmed
from ..selectors.requests import MAX_ID

MAX_PROVES = 2000
MAX_NAME = 255
# A recording longer than this is no recording of one visit.
MAX_RECORDING = dt.timedelta(hours=24)
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
READ_BLOCK = 1024 * 1024

# The metadata R18 requires, with the words an official uses for each.
R18_FIELDS = {
    "captured_at": "采集时间", "latitude": "采集地点(纬度)", "longitude": "采集地点(经度)",
    "captured_by": "采集人", "proves": "证明事项", "sha256": "文件内容的 SHA-256",
}


class EvidenceMetadataMissing(RuleViolation):
    """R18: evidence lacks required metadata; ``errors`` names every missing (and every bad) field."""

    status = 422

    def __init__(self, missing: list[str], errors: list[FieldError]):
        names = "、".join(R18_FIELDS[f] for f in missing)
        super().__init__("R18", f"证据缺少必备信息:{names}", field=missing[0])
        self._errors = errors

    @property
    def errors(self) -> list[FieldError]:
        """Every missing and every bad field."""
        return self._errors


class EvidenceCorrupted(DomainError):
    """R18: the stored file no longer hashes to its SHA-256; it is not served and an alert is raised."""

    status = 409
    title = "证据文件已损坏"
    type_slug = "evidence-corrupted"


def clock_skew() -> dt.timedelta:
    """How far a phone's clock may run ahead of the server's (``CLEARCHECK_EVIDENCE_CLOCK_SKEW_SECONDS``)."""
    return dt.timedelta(seconds=int(getattr(settings, "CLEARCHECK_EVIDENCE_CLOCK_SKEW_SECONDS", 300)))


def spool_dir() -> Path:
    """Where uploads are assembled before they enter the blob store (``MEDIA_ROOT/uploads``)."""
    path = Path(settings.MEDIA_ROOT) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_snapshot(record: Evidence) -> dict:
    """What the audit trail keeps of a piece of evidence."""
    return {
        "visit": record.visit_id, "kind": record.kind, "origin": record.origin, "sha256": record.sha256,
        "size": record.size, "content_type": record.content_type, "original_name": record.original_name,
        "captured_at": record.captured_at, "latitude": _coordinate(record.latitude),
        "longitude": _coordinate(record.longitude),
        "captured_by": record.captured_by_id, "captured_by_name": record.captured_by_name, "proves": record.proves,
        "covers_from": record.covers_from, "covers_to": record.covers_to, "uploaded_by": record.uploaded_by,
        "uploaded_at": record.uploaded_at,
    }


# ------------------------------------------------------------------------------------------ metadata


@dataclass
class EvidenceMetadata:
    """Checked metadata of one piece of evidence (R18), in WGS-84 and aware datetimes."""

    kind: str
    origin: str
    captured_at: dt.datetime
    latitude: Decimal | None  # None (both): no position was obtained, as the uploader stated (R18)
    longitude: Decimal | None
    captured_by: Officer
    proves: str
    covers_from: dt.datetime | None
    covers_to: dt.datetime | None
    original_name: str

    def as_json(self) -> dict:
        """The metadata as stored on a chunked upload until its last chunk arrives."""
        return {
            "kind": self.kind, "origin": self.origin, "captured_at": self.captured_at.isoformat(),
            "latitude": _coordinate(self.latitude), "longitude": _coordinate(self.longitude),
            "captured_by": self.captured_by.pk,
            "proves": self.proves, "original_name": self.original_name,
            "covers_from": self.covers_from.isoformat() if self.covers_from else None,
            "covers_to": self.covers_to.isoformat() if self.covers_to else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> "EvidenceMetadata":
        """Metadata stored by ``as_json`` (already checked when the upload was created)."""
        def when(value):
            return dt.datetime.fromisoformat(value) if value else None

        return cls(
            kind=data["kind"], origin=data["origin"], captured_at=when(data["captured_at"]),
            latitude=Decimal(data["latitude"]) if data.get("latitude") else None,
            longitude=Decimal(data["longitude"]) if data.get("longitude") else None,
            captured_by=Officer.objects.get(pk=data["captured_by"]), proves=data["proves"],
            covers_from=when(data.get("covers_from")), covers_to=when(data.get("covers_to")),
            original_name=data.get("original_name", ""),
        )


def _coordinate(value) -> str | None:
    return None if value is None else str(value)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _moment(value, field: str, errors: list[FieldError]) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO 8601 string; a time without zone is Asia/Shanghai."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            errors.append(FieldError(field, "时间格式不正确(应为 ISO 8601,如 2025-05-01T10:30:00+08:00)"))
            return None
    if not isinstance(value, dt.datetime):
        errors.append(FieldError(field, "时间格式不正确"))
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.LOCAL_TZ)  # as read off the phone, in Asia/Shanghai
    utc = clock.to_utc(value)
    if utc is None:
        errors.append(FieldError(field, "时间超出范围"))
    return utc


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def _officer_id(value) -> int | None:
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None


def _original_name(value) -> str:
    name = os.path.basename(str(value or "").replace("\\", "/")).strip()
    name = "".join(c for c in name if c.isprintable())
    return name[-MAX_NAME:]


def metadata_clean(*, visit: Visit, kind, origin, captured_at, latitude, longitude, datum, captured_by,
                   proves, covers_from, covers_to, original_name, sha256=None,
                   sha256_required: bool = False, no_position: bool = False) -> EvidenceMetadata:
    """Check the metadata of evidence for ``visit`` (R18); every missing field is named at once.

    Raises ``EvidenceMetadataMissing`` (R18) when a required field is missing, else ``ValidationFailed``
    for malformed values (a latitude out of range, a capture time in the future or before the visit).
    The place is the phone's position; with ``no_position`` and no coordinates the uploader states that no
    position was obtained, and none is stored (never the check-in or registered address in its stead).
    """
    errors: list[FieldError] = []
    missing: list[str] = []

    def need(field: str, value) -> bool:
        if _blank(value):
            missing.append(field)
            errors.append(FieldError(field, f"缺少{R18_FIELDS[field]}"))
            return False
        return True

    kind = str(kind or "").strip()
    if kind not in EvidenceKind.values:
        errors.append(FieldError("kind", "请选择证据类型(照片、录音、录像或书证/文件)"))
    origin = str(origin or EvidenceOrigin.CAPTURED).strip()
    if origin not in EvidenceOrigin.values:
        errors.append(FieldError("origin", "证据来源须为现场采集、企业提供或第三方出具"))
    now, skew = clock.now(), clock_skew()
    visit_start = visit.started_at

    when = None
    if need("captured_at", captured_at) and (when := _moment(captured_at, "captured_at", errors)):
        if when > now + skew:
            errors.append(FieldError("captured_at", "采集时间不能晚于当前时间"))
        elif when < visit_start - skew and kind not in AV_KINDS:
            # A recording may start before the scan (the camera runs from the door); its span is checked below.
            errors.append(FieldError("captured_at", f"采集时间早于本次入企时间({_local(visit_start)}),"
                                                    "不能作为本次检查的证据"))

    lat = lng = None
    stated_none = no_position and _blank(latitude) and _blank(longitude)
    has_lat, has_lng = (False, False) if stated_none else (need("latitude", latitude), need("longitude", longitude))
    if has_lat and has_lng:
        datum = str(datum or Datum.WGS84).strip().lower()
        lat, lng, place_errors = coordinates_to_wgs84(latitude, longitude, datum)
        errors += [FieldError("datum" if e.field == "coordinate_datum" else e.field, e.message) for e in place_errors]

    officer = None
    if need("captured_by", captured_by):
        officer_id = _officer_id(captured_by)
        member = (VisitOfficer.objects.select_related("officer")
                  .filter(visit=visit, officer_id=officer_id, confirmed_at__isnull=False).first()
                  if officer_id else None)
        if member is None:
            errors.append(FieldError("captured_by", "采集人须为本次入企已确认到场的执法人员"))
        else:
            officer = member.officer

    text = str(proves or "").strip()
    if need("proves", text):
        if len(text) > MAX_PROVES:
            errors.append(FieldError("proves", f"证明事项不超过 {MAX_PROVES} 个字符"))
        elif "\x00" in text:
            errors.append(FieldError("proves", "证明事项含有无效字符"))

    start = end = None
    if kind in AV_KINDS:
        # R17 reads which span of the visit a recording covers.
        if _blank(covers_from):
            errors.append(FieldError("covers_from", "录音录像须填写录制开始时间"))
        else:
            start = _moment(covers_from, "covers_from", errors)
        if _blank(covers_to):
            errors.append(FieldError("covers_to", "录音录像须填写录制结束时间"))
        else:
            end = _moment(covers_to, "covers_to", errors)
        if start and end:
            if end <= start:
                errors.append(FieldError("covers_to", "录制结束时间须晚于开始时间"))
            elif end - start > MAX_RECORDING:
                errors.append(FieldError("covers_to", "一段录音录像不超过 24 小时"))
            elif end > now + skew:
                errors.append(FieldError("covers_to", "录制结束时间不能晚于当前时间"))
            elif end < visit_start - skew:
                errors.append(FieldError("covers_to", f"录制时段在本次入企({_local(visit_start)})之前,"
                                                      "不能作为本次检查的录音录像"))

    if sha256_required and need("sha256", sha256):
        if not SHA256_HEX.match(str(sha256).strip().lower()):
            errors.append(FieldError("sha256", "SHA-256 须为 64 位十六进制数"))
    elif not _blank(sha256) and not SHA256_HEX.match(str(sha256).strip().lower()):
        errors.append(FieldError("sha256", "SHA-256 须为 64 位十六进制数"))

    if missing:
        raise EvidenceMetadataMissing(missing, errors)
    if errors:
        raise ValidationFailed(errors)
    return EvidenceMetadata(kind=kind, origin=origin, captured_at=when, latitude=lat, longitude=lng,
                            captured_by=officer, proves=text, covers_from=start, covers_to=end,
                            original_name=_original_name(original_name))


# ------------------------------------------------------------------------------------------ who may add


def visit_for_evidence(actor, visit_id, *, lock: bool = False) -> tuple[Visit, VisitOfficer]:
    """The OPEN visit and the actor's confirmed place in it, or the error to answer (R18 uploader).

    Someone who cannot see the visit gets NotFound; a reader who is no confirmed officer of it (the
    enterprise, an agency manager) PermissionDenied; a visit not open, Conflict.
    """
    try:
        pk = int(getattr(visit_id, "pk", visit_id))
    except (TypeError, ValueError):
        raise NotFound("入企记录不存在") from None
    if not 0 < pk <= MAX_ID or not evidence_visits_for_actor(actor).filter(pk=pk).exists():
        raise NotFound("入企记录不存在")
    qs = Visit.objects.select_related("enterprise", "agency")
    visit = (qs.select_for_update(of=("self",)) if lock else qs).get(pk=pk)
    member = visit_officer_confirmed(actor, visit)
    if member is None:
        if actor_has_role(actor, Role.OFFICER):
            raise NotFound("入企记录不存在")
        raise PermissionDenied("只有本次入企已确认到场的执法人员可以上传证据")
    if visit.status != VisitStatus.OPEN:
        raise Conflict(f"入企记录当前为“{visit.get_status_display()}”,只有检查进行中才能上传证据")
    return visit, member


def duplicate_of(visit: Visit, sha256: str) -> Evidence | None:
    """Evidence of ``visit`` with the same content, if any (the same file is evidence once per visit)."""
    return Evidence.objects.filter(visit=visit, sha256=sha256, withdrawn_at__isnull=True).order_by("id").first()


def duplicate_refusal(existing: Evidence) -> Conflict:
    """The answer to a second upload of the same file to one visit."""
    return Conflict(f"该文件已作为证据 #{existing.pk} 上传至本次入企记录(SHA-256 相同),无需重复上传")


def evidence_record(*, actor, visit: Visit, meta: EvidenceMetadata, sha256: str, size: int, content_type: str,
                    extra: dict | None = None) -> Evidence:
    """Create the Evidence row and its audit event (inside the caller's transaction, visit locked)."""
    user_id, label, _ = actor_describe(actor)
    record = Evidence.objects.create(
        visit=visit, kind=meta.kind, origin=meta.origin, sha256=sha256, size=size, content_type=content_type,
        original_name=meta.original_name, captured_at=meta.captured_at, latitude=meta.latitude,
        longitude=meta.longitude, captured_by=meta.captured_by, captured_by_name=meta.captured_by.name,
        proves=meta.proves, covers_from=meta.covers_from, covers_to=meta.covers_to, uploaded_by=label,
        uploaded_at=clock.now(),
    )
    audit_record(actor=actor, action="evidence.add", subject=record, after=evidence_snapshot(record), extra=extra)
    return record


# ------------------------------------------------------------------------------------------ one request


@dataclass
class _Spooled:
    path: Path
    size: int
    sha256: str
    head: bytes


def _blocks(content):
    if isinstance(content, bytes | bytearray | memoryview):
        yield bytes(content)
        return
    if hasattr(content, "chunks"):
        if hasattr(content, "seek"):
            content.seek(0)
        yield from content.chunks(READ_BLOCK)
        return
    while block := content.read(READ_BLOCK):
        yield block


def _spool(content, limit: int, too_large: str) -> _Spooled:
    """Copy ``content`` (bytes or a file) into the spool while hashing it; refuse past ``limit`` bytes."""
    digest, size, head = hashlib.sha256(), 0, b""
    fd, name = tempfile.mkstemp(dir=spool_dir(), prefix="direct-", suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in _blocks(content):
                size += len(block)
                if size > limit:
                    raise ValidationFailed(FieldError("file", too_large))
                if len(head) < types.HEAD_BYTES:
                    head += block[: types.HEAD_BYTES - len(head)]
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Spooled(path, size, digest.hexdigest(), head)


def _too_large(kind: str, limit: int) -> str:
    message = f"文件超过{types.kind_label(kind)}的大小上限 {types.size_text(limit)}"
    if limit < types.max_bytes(kind):
        message += f"(单次上传;更大的文件请分片上传,上限 {types.size_text(types.max_bytes(kind))})"
    return message


def evidence_add(*, actor, visit_id, kind, content, proves, captured_at, latitude, longitude, captured_by,
                 datum: str = Datum.WGS84, origin: str = EvidenceOrigin.CAPTURED, covers_from=None,
                 covers_to=None, original_name: str = "", sha256: str | None = None,
                 no_position: bool = False) -> Evidence:
    """Add one piece of evidence in one request (R18): metadata checked, SHA-256 computed (and compared
    with ``sha256`` when the client sent one), type checked by content, size limited, stored once.

    The file is spooled and hashed before the transaction, so the database is not held while bytes are
    copied; the row and its audit event are then written in one transaction with the visit locked.
    """
    visit, _member = visit_for_evidence(actor, visit_id)
    meta = metadata_clean(visit=visit, kind=kind, origin=origin, captured_at=captured_at, latitude=latitude,
                          longitude=longitude, datum=datum, captured_by=captured_by, proves=proves,
                          covers_from=covers_from, covers_to=covers_to, original_name=original_name,
                          sha256=sha256, no_position=no_position)
    if content is None:
        raise ValidationFailed(FieldError("file", "请选择要上传的证据文件"))
    limit = min(types.max_bytes(meta.kind), types.direct_max_bytes())
    spooled = _spool(content, limit, _too_large(meta.kind, limit))
    try:
        if spooled.size == 0:
            raise ValidationFailed(FieldError("file", "文件为空"))
        if refusal := evidence_hash_refusal(sha256, spooled.sha256):
            raise refusal
        mime, refusal = types.content_type_refusal(meta.kind, spooled.head)
        if refusal:
            raise ValidationFailed(FieldError("file", refusal))
        if existing := duplicate_of(visit, spooled.sha256):
            raise duplicate_refusal(existing)
        digest = blob_put_file(spooled.path, move=True, sha256=spooled.sha256)
    finally:
        spooled.path.unlink(missing_ok=True)
    return _evidence_add_record(actor=actor, visit_id=visit.pk, meta=meta, sha256=digest, size=spooled.size,
                                content_type=mime)


@transaction.atomic
def _evidence_add_record(*, actor, visit_id: int, meta: EvidenceMetadata, sha256: str, size: int,
                         content_type: str) -> Evidence:
    visit, _member = visit_for_evidence(actor, visit_id, lock=True)  # still open, still theirs
    if existing := duplicate_of(visit, sha256):
        raise duplicate_refusal(existing)
    return evidence_record(actor=actor, visit=visit, meta=meta, sha256=sha256, size=size, content_type=content_type)


# ------------------------------------------------------------------------------------------ reading


@transaction.atomic
def evidence_corruption_report(*, actor, evidence: Evidence):
    """R18: raise a high alert that a stored evidence file no longer matches its SHA-256 (once per file)."""
    visit = evidence.visit
    return alert_raise(
        rule_id="R18", subject=evidence, agency=visit.agency, severity=Severity.HIGH, actor=actor,
        dedup_key=f"R18:evidence-corrupted:{evidence.pk}",
        facts={
            "evidence": evidence.pk, "visit": visit.pk, "sha256": evidence.sha256, "kind": evidence.kind,
            "enterprise": visit.enterprise_id, "problem": "stored file does not match its SHA-256",
        },
    )


def _corrupted(evidence: Evidence) -> EvidenceCorrupted:
    return EvidenceCorrupted(f"证据 #{evidence.pk} 的文件已损坏或被改动(SHA-256 与登记值不符),不能提供;"
                             "已向监督部门预警,请联系系统管理员从备份恢复")


def evidence_file_checked(*, actor, evidence: Evidence) -> Path:
    """The stored file of ``evidence`` after checking its SHA-256; a mismatch raises an R18 alert and
    ``EvidenceCorrupted`` instead of serving altered bytes.
    """
    try:
        return blob_check(evidence.sha256)
    except BlobCorrupted:
        evidence_corruption_report(actor=actor, evidence=evidence)
        raise _corrupted(evidence) from None


def evidence_file_stream(*, actor, evidence: Evidence, block: int = 256 * 1024):
    """The bytes of ``evidence`` as they stream, checked on the way (``blobs.blob_stream``): on a mismatch
    the last block is withheld, the R18 alert raised and the transfer broken off.
    """
    def report(_sha256: str) -> None:
        evidence_corruption_report(actor=actor, evidence=evidence)

    return blob_stream(evidence.sha256, block=block, on_corrupt=report)
