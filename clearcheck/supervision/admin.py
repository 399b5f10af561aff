"""Admin: read-only views of the alert engine's runs and special supervision (writes go through the services)."""

from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import AlertRun, Directive, Interview, Notice, Referral, SupervisionMatter


@admin.register(AlertRun)
class AlertRunAdmin(ReadOnlyAdmin):
    """Runs of the alert engine (``alerts_run``)."""

    list_display = ("started_at", "today", "rule_filter", "status", "raised", "finished_at")


@admin.register(SupervisionMatter)
class SupervisionMatterAdmin(ReadOnlyAdmin):
    """Supervision matters are handled on /work/supervision/."""

    list_display = ("title", "agency", "source", "status", "deadline", "opened_at")
    list_filter = ("status", "source")


@admin.register(Directive)
class DirectiveAdmin(ReadOnlyAdmin):
    """Directives (督办) and the agencies' replies."""

    list_display = ("matter", "agency", "deadline", "issued_at", "replied_at")


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    """Interviews (约谈)."""

    list_display = ("matter", "agency", "interviewees", "held_at")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices (通报); published ones are public and immutable."""

    list_display = ("title", "kind", "published", "published_at")
    list_filter = ("kind", "published")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Referrals to discipline (移送纪检监察)."""

    list_display = ("matter", "agency", "referred_at", "received_at")
