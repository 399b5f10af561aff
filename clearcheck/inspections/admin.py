from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import EntryRefusal, RecusalRequest


@admin.register(RecusalRequest)
class RecusalRequestAdmin(ReadOnlyAdmin):
    """Recusal requests are filed by enterprises and decided by agency heads, through the services."""

    list_display = ("id", "enterprise", "officer", "agency", "status", "filed_at", "decided_at")
    list_filter = ("status",)


@admin.register(EntryRefusal)
class EntryRefusalAdmin(ReadOnlyAdmin):
    """Entry refusals are recorded by enterprises through the service, which raises the R29 alert."""

    list_display = ("id", "enterprise", "agency", "occurred_at", "filed_at")
