from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import RecusalRequest


@admin.register(RecusalRequest)
class RecusalRequestAdmin(ReadOnlyAdmin):
    """Recusal requests are filed by enterprises and decided by agency heads, through the services."""

    list_display = ("id", "enterprise", "officer", "agency", "status", "filed_at", "decided_at")
    list_filter = ("status",)
