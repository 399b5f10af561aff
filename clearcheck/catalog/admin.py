"""Read-only admin for the catalog: the admin never writes around the services (R02–R04, R30)."""

from django.contrib import admin

from .models import Checklist, ChecklistEntry, InspectionItem, NoPenaltyEntry, PublishedList, Standard


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only; every change goes through ``catalog.services``."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InspectionItem)
class InspectionItemAdmin(ReadOnlyAdmin):
    """Inspection items."""

    list_display = ("code", "name", "agency", "category", "annual_cap", "status")
    list_filter = ("status", "category")
    search_fields = ("code", "name", "legal_basis")
    list_select_related = ("agency",)


@admin.register(PublishedList)
class PublishedListAdmin(ReadOnlyAdmin):
    """Published list versions."""

    list_display = ("agency", "kind", "number", "published_at", "published_by", "sha256")
    list_filter = ("kind",)
    list_select_related = ("agency",)


@admin.register(Standard)
class StandardAdmin(ReadOnlyAdmin):
    """Standards."""

    list_display = ("code", "version", "title", "agency", "status")
    list_filter = ("status",)
    list_select_related = ("agency",)


class ChecklistEntryInline(admin.TabularInline):
    """Entries of a checklist (read-only)."""

    model = ChecklistEntry
    extra = 0
    fields = ("order", "item", "content", "standard", "standard_text")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    """Checklist versions."""

    list_display = ("code", "version", "name", "object_type", "agency", "status", "published_at")
    list_filter = ("status",)
    list_select_related = ("agency",)
    inlines = [ChecklistEntryInline]


@admin.register(NoPenaltyEntry)
class NoPenaltyEntryAdmin(ReadOnlyAdmin):
    """No-penalty list entries."""

    list_display = ("title", "kind", "agency", "status")
    list_filter = ("kind", "status")
    list_select_related = ("agency",)
