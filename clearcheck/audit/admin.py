from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import AuditEvent, Checkpoint


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only."""

    list_display = ("seq", "occurred_at", "actor_label", "action", "subject_type", "subject_id")
    list_filter = ("action",)
    search_fields = ("subject_id", "actor_label", "request_id")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    """Signed checkpoints."""

    list_display = ("length", "head_hash", "created_at", "key_id")
