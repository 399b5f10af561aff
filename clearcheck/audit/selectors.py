"""Reading the audit trail."""

from django.db.models import QuerySet

from .models import AuditEvent, Checkpoint


def checkpoint_latest() -> Checkpoint | None:
    """The newest signed checkpoint, or None before the first seal."""
    return Checkpoint.objects.order_by("-length", "-id").first()


def audit_events_for_subject(subject_type: str, subject_id) -> QuerySet[AuditEvent]:
    """The trail of one subject, newest first (callers check the actor may see the subject)."""
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("-id")


def audit_events_recent() -> QuerySet[AuditEvent]:
    """All events, newest first (bureau and discipline roles only; callers check)."""
    return AuditEvent.objects.order_by("-id")
