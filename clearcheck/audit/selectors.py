"""Reading the audit trail."""

from django.db.models import Model, QuerySet

from .models import AuditEvent, Checkpoint
from .services import subject_type_of


def checkpoint_latest() -> Checkpoint | None:
    """The newest signed checkpoint, or None before the first seal."""
    return Checkpoint.objects.order_by("-length", "-id").first()


def audit_events_for_subject(subject_type: str, subject_id) -> QuerySet[AuditEvent]:
    """The trail of one subject, newest first (callers check the actor may see the subject)."""
    return AuditEvent.objects.filter(subject_type=subject_type, subject_id=str(subject_id)).order_by("-id")


def audit_trail(subject: Model) -> QuerySet[AuditEvent]:
    """The trail of one model instance, newest first, under every label the chain may hold for it: the one it
    records (``subject_type_of``) and the model's current ``app.model`` label, which differ for a model that
    moved between apps (ADR 0019). Callers check the actor may see the subject.
    """
    types = sorted({subject_type_of(subject), subject._meta.label_lower})
    return AuditEvent.objects.filter(subject_type__in=types, subject_id=str(subject.pk)).order_by("-id")


def audit_events_recent() -> QuerySet[AuditEvent]:
    """All events, newest first (bureau and discipline roles only; callers check)."""
    return AuditEvent.objects.order_by("-id")
