"""Helpers shared by the record services: who may write (a confirmed officer of the OPEN visit), locking,
text checks and the audit snapshot of a record.
"""

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed

from ..choices import VisitStatus
from ..models import OnSiteRecord, Visit, VisitOfficer
from ..selectors import MAX_ID

MAX_TEXT = 4000
MAX_NAME = 64


def id_clean(value, label: str) -> int:
    """A positive database id, or NotFound (missing and malformed answer alike)."""
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise NotFound(f"{label}不存在") from None
    if not 0 < pk <= MAX_ID:
        raise NotFound(f"{label}不存在")
    return pk


def text_clean(value, field: str, missing: str | None, limit: int = MAX_TEXT) -> str:
    """Stripped text of at most ``limit`` characters; ``missing`` is the message when it is required."""
    text = str(value or "").strip()
    if not text and missing:
        raise ValidationFailed(FieldError(field, missing))
    if len(text) > limit:
        raise ValidationFailed(FieldError(field, f"不超过 {limit} 个字符"))
    if "\x00" in text:
        raise ValidationFailed(FieldError(field, "含有无效字符"))
    return text


def visit_locked(visit_id) -> Visit:
    """The visit, locked for this transaction (writes of one record run one at a time)."""
    visit = (Visit.objects.select_for_update().select_related("enterprise", "agency")
             .filter(pk=id_clean(visit_id, "入企记录")).first())
    if visit is None:
        raise NotFound("入企记录不存在")
    return visit


def visit_officer_of(actor, visit: Visit) -> VisitOfficer | None:
    """The acting officer's confirmed place in the visit's team, or None."""
    officer_id = getattr(actor, "officer_id", None) if actor_has_role(actor, Role.OFFICER) else None
    if not officer_id:
        return None
    return (VisitOfficer.objects.select_related("officer")
            .filter(visit=visit, officer_id=officer_id, confirmed_at__isnull=False).first())


def officer_of_visit(actor, visit: Visit) -> VisitOfficer:
    """The actor's confirmed VisitOfficer; not of the team → NotFound (a visit one is not part of is not
    shown), of the team but not confirmed on their own account → PermissionDenied.
    """
    vo = visit_officer_of(actor, visit)
    if vo is None:
        if VisitOfficer.objects.filter(visit=visit, officer_id=getattr(actor, "officer_id", None) or 0).exists():
            raise PermissionDenied("请先在本人账号上确认入企,再填写笔录")
        raise NotFound("入企记录不存在")
    return vo


def visit_open_check(visit: Visit) -> None:
    """Conflict unless the visit is OPEN (records are written and closed only during the visit)."""
    if visit.status != VisitStatus.OPEN:
        raise Conflict(f"入企记录当前为“{visit.get_status_display()}”,只有检查中的入企可以填写笔录或结束")


def record_of(visit: Visit, *, lock: bool = True) -> OnSiteRecord:
    """The visit's on-site record (locked), or NotFound."""
    qs = OnSiteRecord.objects.select_for_update() if lock else OnSiteRecord.objects
    record = qs.filter(visit=visit).first()
    if record is None:
        raise NotFound("本次入企没有现场检查笔录")
    return record


def record_snapshot(record: OnSiteRecord) -> dict:
    """What the audit trail keeps of a record's header."""
    return {
        "visit": record.visit_id, "status": record.status, "place": record.place, "recorder": record.recorder_id,
        "findings_summary": record.findings_summary, "enterprise_representative": record.enterprise_representative,
        "representative_title": record.representative_title, "enterprise_opinion": record.enterprise_opinion,
        "opinion_refused": record.opinion_refused, "credentials_shown": record.credentials_shown,
        "rights_told": record.rights_told, "recusal_answer": record.recusal_answer, "av_required": record.av_required,
        "av_missing_reason": record.av_missing_reason, "frequency_count": record.frequency_count,
        "frequency_cap": record.frequency_cap, "closed_at": record.closed_at, "closed_by": record.closed_by,
    }


def signatures_void(record: OnSiteRecord) -> list[str]:
    """A signature attests the record as it stood: any change of entries, header or findings drops the
    signatures given so far, so everyone signs the final text. Returns who had signed (for the audit event).
    """
    signed = [f"{s.get_signer_kind_display()}:{s.signer_name}{'(拒签)' if s.refused else ''}"
              for s in record.signatures.all()]
    if signed:
        record.signatures.all().delete()
    return signed
