"""Read-only admin of handbooks: every write goes through ``disclosure.services`` (R30)."""

from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import Handbook, HandbookVersion


@admin.register(Handbook)
class HandbookAdmin(ReadOnlyAdmin):
    """Handbooks are created and edited on /work/handbooks/."""

    list_display = ("title", "industry", "slug", "created_at")


@admin.register(HandbookVersion)
class HandbookVersionAdmin(ReadOnlyAdmin):
    """Published versions are immutable; drafts are edited on /work/handbooks/."""

    list_display = ("handbook", "number", "status", "published_at")
    list_filter = ("status",)
