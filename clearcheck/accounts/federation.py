"""Sign-in through the province's unified identity (统一身份认证, OIDC or CAS): the production option of
issue 20, configured here and NOT built against a real provider.

What exists: the settings (``CLEARCHECK_OIDC_*``, docs/deployment.md), the login page's "统一身份认证登录"
link when they are set, and the start of the authorization-code flow (redirect with ``state`` and ``nonce``).
What does not: the token exchange, the ID token's signature check against the provider's keys, and the
mapping of the provider's subject to an account. ``oidc_callback`` says so (501) instead of pretending;
wiring it to the province's platform is its own piece of work, tested against that platform.
"""

import secrets
from urllib.parse import urlencode

from django.conf import settings

SETTINGS = ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT",
            "USERINFO_ENDPOINT", "JWKS_URI", "SCOPES", "USERNAME_CLAIM", "REDIRECT_URI")
SESSION_STATE = "cc_oidc_state"


def federation_settings() -> dict:
    """The ``CLEARCHECK_OIDC_*`` settings by their short names (empty strings when unset)."""
    return {name: getattr(settings, f"CLEARCHECK_OIDC_{name}", "") or "" for name in SETTINGS}


def federation_configured() -> bool:
    """Whether the unified identity is configured (issuer, client id and authorization endpoint set)."""
    conf = federation_settings()
    return bool(conf["ISSUER"] and conf["CLIENT_ID"] and conf["AUTHORIZATION_ENDPOINT"])


def authorization_redirect(request, next_url: str) -> str:
    """The provider's authorization URL for this browser; ``state``, ``nonce`` and ``next`` kept in the session."""
    conf = federation_settings()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    request.session[SESSION_STATE] = {"state": state, "nonce": nonce, "next": next_url}
    query = urlencode({
        "response_type": "code", "client_id": conf["CLIENT_ID"], "scope": conf["SCOPES"] or "openid profile",
        "redirect_uri": conf["REDIRECT_URI"] or request.build_absolute_uri("/accounts/oidc/callback/"),
        "state": state, "nonce": nonce,
    })
    return f"{conf['AUTHORIZATION_ENDPOINT']}?{query}"
