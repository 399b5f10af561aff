"""One log line per request (issue 21, part 6): who asked what of which route, how it ended and how long it took.

The line (logger ``clearcheck.request``, level INFO) carries the request id (also echoed as ``X-Request-ID`` by
``RequestIdMiddleware``), the user's id and role (never a name, phone number or any other personal data), the
method, the route *pattern* (``work/inspections/visits/<int:visit_id>/``, not the path with its ids), the status,
the duration in milliseconds, the deployment's zone and, when a rule refused the request, its rule ID and clause.
The same duration feeds the per-process latency histogram of ``/metrics`` (``core.metrics``).
"""

import logging
import time

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty

from .context import refusal_scope_close, refusal_scope_open
from .metrics import request_observe

logger = logging.getLogger("clearcheck.request")


def request_fields(request, response, duration_ms: float, refusal: dict) -> dict:
    """The fields of a request's log line (no personal data: the user only by id and role)."""
    match = getattr(request, "resolver_match", None)
    user = _user_if_loaded(request)
    signed_in = bool(user is not None and user.is_authenticated)
    fields = {
        "method": request.method,
        "route": match.route if match else None,
        "route_name": match.view_name if match else None,
        "status": response.status_code,
        "duration_ms": round(duration_ms, 1),
        "user_id": user.pk if signed_in else None,
        "role": (getattr(user, "role", "") or None) if signed_in else None,
        "zone": getattr(settings, "CLEARCHECK_ZONE", "all"),
    }
    if refusal:
        fields["rule"] = refusal.get("rule")
        fields["clause"] = refusal.get("clause")
    return fields


def _user_if_loaded(request):
    """The request's user when the request already knew it; never a session or user query only for the log
    (a view that did not look at its user, such as /ping or a public page, stays at its own query count).
    """
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        return None
    return user


class RequestLogMiddleware:
    """Log each request once, when its response is ready, and time it for the latency histogram."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = refusal_scope_open()
        try:
            response = self.get_response(request)
        finally:
            refusal = refusal_scope_close(token)
        duration_ms = (time.perf_counter() - started) * 1000
        fields = request_fields(request, response, duration_ms, refusal)
        request_observe(fields["route"] or "unmatched", fields["method"], response.status_code, duration_ms / 1000)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(level, "%s %s %s", request.method, fields["route"] or "-",
                   response.status_code, extra={"fields": fields})
        return response
