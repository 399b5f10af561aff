"""Withdrawing a mistaken evidence upload (R18): the wrong file, or a file meant for another visit.

Evidence is never deleted: the file, its SHA-256 and the audit event stay. A withdrawn piece is marked
with who withdrew it, when and why, and no longer counts as evidence of the visit: not in the R17
audio/video coverage, not offered to the record's entries, not counted in the record's PDF.
"""

from django.db import transaction

from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, FieldError, ValidationFailed

from ..models import Evidence
from ..selectors.evidence import evidence_get_for_actor
from .evidence import visit_for_evidence

REASON_MAX = 2000


@transaction.atomic
def evidence_withdraw(*, actor, evidence_id, reason: str) -> Evidence:
    """Withdraw a piece of evidence while its visit is open, by a confirmed officer of the visit (R18)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "请填写撤回理由(例如:误传了其他文件)"))
    if len(reason) > REASON_MAX:
        raise ValidationFailed(FieldError("reason", f"撤回理由不能超过 {REASON_MAX} 字"))
    found = evidence_get_for_actor(actor=actor, evidence_id=evidence_id)
    visit_for_evidence(actor, found.visit_id, lock=True)  # NotFound / PermissionDenied / Conflict (not open)
    record = Evidence.objects.select_for_update().get(pk=found.pk)
    if record.withdrawn_at is not None:
        raise Conflict(f"证据 #{record.pk} 已于 {record.withdrawn_at.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M} 撤回")
    cited = list(record.record_entries.values_list("pk", flat=True))
    if cited:
        raise Conflict(f"现场检查笔录的 {len(cited)} 个检查项目引用了证据 #{record.pk},请先在笔录中取消引用再撤回")
    _, label, _ = actor_describe(actor)
    record.withdrawn_at, record.withdrawn_by, record.withdrawn_reason = clock.now(), label, reason
    record.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    audit_record(actor=actor, action="evidence.withdraw", subject=record, before={"withdrawn": False},
                 after={"withdrawn": True, "reason": reason, "sha256": record.sha256})
    return record
