from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import EntryRefusal


@admin.register(EntryRefusal)
class EntryRefusalAdmin(ReadOnlyAdmin):
    """Entry refusals are recorded by enterprises through the service, which raises the R29 alert."""

    list_display = ("id", "enterprise", "agency", "occurred_at", "filed_at")
