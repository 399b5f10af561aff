"""Import jobs in the admin: read-only (imports run through ``services.import_run``)."""

from django.contrib import admin

from .models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only list of imports."""

    list_display = ("id", "kind", "filename", "status", "rows_total", "rows_created", "rows_updated",
                    "rows_unchanged", "rows_failed", "actor_label", "created_at")
    list_filter = ("kind", "status", "mode")
    search_fields = ("filename", "file_sha256", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
