"""Content-Security-Policy on every HTML response (issue 20, Deliver 4).

The policy allows scripts and styles only from the platform itself (``'self'``: the vendored htmx, ECharts
and Swagger UI, and ``static/clearcheck``) or carrying this request's nonce; no template has an inline script,
an ``on*=`` handler, a ``javascript:`` URL or a ``style=""`` attribute (``tests/test_csp.py`` scans them), so
``'unsafe-inline'`` appears nowhere. htmx is configured in ``base.html`` not to evaluate (``allowEval``) nor to
inject its indicator styles. A response that already carries its own policy keeps it (an evidence file is
served with a sandbox policy by ``inspections.views.evidence``).

The nonce is a fresh secret per request (``request.csp_nonce``, and ``csp_nonce`` in every template through
:func:`csp_nonce`), for the rare element that cannot be a file.
"""

import secrets

from django.conf import settings

HEADER = "Content-Security-Policy"


def csp_policy(nonce: str) -> str:
    """The policy of an HTML page whose request has ``nonce``."""
    directives = [
        ("default-src", "'self'"),
        ("script-src", f"'self' 'nonce-{nonce}'"),
        ("style-src", f"'self' 'nonce-{nonce}'"),
        # QR codes and Swagger UI's icons may be data: URIs.
        ("img-src", "'self' data:"),
        # The evidence form reads a recording's length from a blob: URL of the chosen file (never uploaded so).
        ("media-src", "'self' blob:"),
        ("font-src", "'self'"),
        ("connect-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'none'"),
        ("frame-ancestors", "'none'"),
        ("form-action", "'self'"),
    ]
    if report_uri := settings.CLEARCHECK.get("CSP_REPORT_URI", ""):
        directives.append(("report-uri", report_uri))
    return "; ".join(f"{name} {value}" for name, value in directives)


def _is_html(response) -> bool:
    return response.get("Content-Type", "").split(";", 1)[0].strip().lower() == "text/html"


class ContentSecurityPolicyMiddleware:
    """Gives each request a nonce and each HTML response the policy (unless the view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        if HEADER not in response and _is_html(response):
            response[HEADER] = csp_policy(request.csp_nonce)
        return response


def csp_nonce(request):
    """Template context: ``csp_nonce``, this request's nonce (for ``<script nonce="{{ csp_nonce }}">``)."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
