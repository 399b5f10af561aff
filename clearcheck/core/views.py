"""Platform-level views."""

import hmac

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .freshness import jobs_freshness
from .outage import RETRY_AFTER_SECONDS


def _may_see_details(request) -> bool:
    """Details (the driver's error, the engine) only on the government network or with the health token:
    on the internet they would tell an attacker the database's host and port (issue 20).
    """
    if getattr(settings, "CLEARCHECK_ZONE", "all") != "internet":
        return True
    token = settings.CLEARCHECK.get("HEALTH_TOKEN") or ""
    sent = request.headers.get("X-Health-Token", "")
    return bool(token) and hmac.compare_digest(token.encode(), sent.encode())


@never_cache
@require_GET
def healthz(request):
    """Liveness, database and periodic-job check, as JSON (503 with ``Retry-After`` when the database does not
    answer). With the database up it answers 200: ``status`` is ``ok``, or ``degraded`` when a periodic job's
    work is stale (the seal, the fold, the alert run: ``core.freshness``; issue 21), named in ``stale``; a job
    that never ran is shown as ``never`` without degrading (a fresh install). ``jobs`` holds each job's age
    where details may be seen.
    """
    details = _may_see_details(request)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — a health check reports, it does not raise
        body = {"status": "error", "database": "unavailable"}
        if details:
            body["error"] = str(exc)[:200]
        response = JsonResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    jobs = jobs_freshness()
    stale = sorted(name for name, job in jobs.items() if job["state"] == "stale")
    body = {"status": "degraded" if stale else "ok", "database": "ok"}
    if stale:
        body["stale"] = stale
    if details:
        body["vendor"] = connection.vendor
        body["jobs"] = jobs
    return JsonResponse(body)
