"""Read-only admin of evaluations and complaints: every write goes through ``feedback.services`` (R30)."""

from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import Complaint, Evaluation


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    """Evaluations are given on the enterprise portal (R27)."""

    list_display = ("id", "agency", "score", "conduct_flag", "submitted_at")
    list_filter = ("conduct_flag", "score")


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Complaints are recorded and handled on the complaint pages, the hotline API and the import."""

    list_display = ("id", "channel", "external_ref", "subject", "status", "deadline")
    list_filter = ("channel", "status")
