"""Read-only admin of pools and draws: every write goes through ``sampling.services`` (R24, R30)."""

from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import Draw, Pool


@admin.register(Pool)
class PoolAdmin(ReadOnlyAdmin):
    """Pools are defined on the agency's pool pages."""

    list_display = ("name", "agency", "active", "updated_at")
    list_filter = ("active",)


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    """Draws are run on the agency's draw pages; the secret never appears before reveal."""

    list_display = ("title", "agency", "status", "window_start", "window_end", "frame_enterprises")
    list_filter = ("status",)
    exclude = ("seed",)
