"""Read-only admin for the registries: every write goes through the services (rules and audit, R30)."""

from django.contrib import admin

from .models import (
    Agency,
    AgencyList,
    AgencyVersion,
    Enterprise,
    EnterpriseCode,
    Industry,
    Officer,
    RecusalRequest,
    Region,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse only; the admin never bypasses a service."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """GB/T 2260 codes."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    """GB/T 4754-2017 codes."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    """Inspection bodies."""

    list_display = ("code", "name", "kind", "region", "status", "listed", "version")
    list_filter = ("kind", "status", "listed")
    search_fields = ("code", "name")
    list_select_related = ("region",)


@admin.register(AgencyVersion)
class AgencyVersionAdmin(ReadOnlyAdmin):
    """Agency change history."""

    list_display = ("agency", "number", "changed_by", "changed_at", "reason")
    list_select_related = ("agency",)


@admin.register(AgencyList)
class AgencyListAdmin(ReadOnlyAdmin):
    """Agency list versions."""

    list_display = ("number", "status", "drafted_at", "approved_at", "published_at", "sha256")
    list_filter = ("status",)


@admin.register(Officer)
class OfficerAdmin(ReadOnlyAdmin):
    """Officers and their credentials."""

    list_display = ("name", "credential_no", "agency", "personnel_type", "status", "valid_from", "valid_to")
    list_filter = ("personnel_type", "status")
    search_fields = ("name", "credential_no")
    list_select_related = ("agency",)


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin):
    """Enterprises."""

    list_display = ("name", "uscc", "entity_type", "region", "industry", "status")
    list_filter = ("entity_type", "status")
    search_fields = ("name", "uscc")
    list_select_related = ("region", "industry")


@admin.register(EnterpriseCode)
class EnterpriseCodeAdmin(ReadOnlyAdmin):
    """Enterprise code versions; issued and revoked through ``registry.codes``."""

    list_display = ("enterprise", "version", "issued_at", "issued_by", "revoked_at")
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise",)


@admin.register(RecusalRequest)
class RecusalRequestAdmin(ReadOnlyAdmin):
    """Recusal requests are filed by enterprises and decided by agency heads, through the services."""

    list_display = ("id", "enterprise", "officer", "agency", "status", "filed_at", "decided_at")
    list_filter = ("status",)
