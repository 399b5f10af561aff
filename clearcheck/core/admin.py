"""Admin base: the admin site reads; every write goes through the services (and the audit chain)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model admin that never adds, changes or deletes (writes belong to services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
