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
                     "/api/auth/", "/api/openapi.json", "/api/docs")


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
    """In the internet zone, government-network routes do not exist (404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = getattr(settings, "CLEARCHECK_ZONE", "all")
        if zone == "internet" and not path_in_internet_zone(request.path):
            raise Http404
        return self.get_response(request)
