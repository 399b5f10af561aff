"""Request id (for the audit trail) and network-zone gating (ADR 0006)."""

import re
import uuid

from django.conf import settings
from django.http import Http404

from .context import request_id_reset, request_id_set

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Paths an internet-facing deployment serves: public disclosure, the enterprise portal,
# credential and code landing pages, login, static files and the public API routes.
INTERNET_PREFIXES = ("/public/", "/static/", "/accounts/", "/i18n/", "/healthz", "/enterprise/", "/api/public/",
                     "/api/auth/", "/api/enterprise/", "/api/openapi.json", "/api/docs")


# The permission of an account that may use the enterprise portal from the internet zone. Core knows no
# role: the accounts app grants it by role (``accounts.choices.ROLE_PERMISSIONS``) through ``user.has_perm``.
INTERNET_PORTAL = "core.internet_portal"


def path_in_internet_zone(path: str) -> bool:
    """Whether ``path`` is served in the internet zone (everything is served in the government zone)."""
    return path == "/" or path.startswith(INTERNET_PREFIXES)


class RequestIdMiddleware:
    """Give every request an id (``X-Request-ID`` if the caller sent a sane one) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class ZoneMiddleware:
    """In the internet zone, government-network routes do not exist (404).

    A path is served there when its prefix is internet-facing, or when its view is marked
    ``@enterprise_portal`` (a page the enterprise shares with officers, such as the record it signs or
    the outcomes of its visit) and the visitor is anonymous or an enterprise account: staff reach no
    workspace from the internet (ADR 0006).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.zone_gated = (getattr(settings, "CLEARCHECK_ZONE", "all") == "internet"
                              and not path_in_internet_zone(request.path))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Let a gated request through only to a view of the enterprise portal, and only for enterprises."""
        if not getattr(request, "zone_gated", False):
            return None
        if getattr(view_func, "enterprise_portal", False) and _is_enterprise_or_anonymous(request.user):
            return None
        raise Http404


def _is_enterprise_or_anonymous(user) -> bool:
    return not user.is_authenticated or user.has_perm(INTERNET_PORTAL)


def enterprise_portal(view):
    """Mark a view as part of the enterprise portal: served in the internet zone to enterprise accounts."""
    view.enterprise_portal = True
    return view
