"""Admin: a read-only view of alerts (writes go through the services)."""

from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import Alert


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts are raised by rules and handled in the alert inbox."""

    list_display = ("rule_id", "subject_label", "agency", "severity", "state", "raised_at", "occurrences")
    list_filter = ("rule_id", "state", "severity")
