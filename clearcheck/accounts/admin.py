from django.contrib import admin

from clearcheck.core.admin import ReadOnlyAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Accounts are created and changed through ``accounts.services``."""

    list_display = ("username", "display_name", "role", "agency", "enterprise", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    exclude = ("password",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued and revoked through the API."""

    list_display = ("prefix", "user", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)
