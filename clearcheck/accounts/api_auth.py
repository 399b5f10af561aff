"""How the API knows its caller: a bearer token (``POST /api/auth/token``) or the web session with CSRF.

``AUTH`` is the default authentication of the platform's NinjaAPI (``config.api``); a router that needs it
on one operation (``/api/auth/token/{id}``) names it too.
"""

from ninja.security import HttpBearer, SessionAuth

from .services import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /api/auth/token``."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        """Resolve the token to its user (None when unknown, expired or revoked)."""
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """The web session; unsafe methods need the CSRF token like any Django form."""

    def __init__(self):
        super().__init__(csrf=True)

    def __call__(self, request):
        """None for a caller that sent credentials of its own (``Authorization``): it is not a browser riding
        on a session, so it never meets the CSRF check; a bad or expired token then answers 401 with
        ``WWW-Authenticate`` (issue 20), not 403 "CSRF check Failed". A forged cross-site request cannot set
        that header without the CORS preflight the platform never grants.
        """
        if request.headers.get("Authorization"):
            return None
        return super().__call__(request)


AUTH = [TokenAuth(), SessionCsrfAuth()]
