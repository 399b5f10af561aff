from django.contrib import admin
from django.contrib.auth.views import redirect_to_login

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


def _admin_login(request, extra_context=None):
    # The admin's own login form would skip the throttle and the second factor (issue 20): it sends to ours.
    return redirect_to_login(request.GET.get("next") or "/admin/")


admin.site.login = _admin_login
