"""``/api/auth``: bearer tokens for mobile and system clients."""

import datetime as dt

from ninja import Router, Schema

from . import services
from .api_auth import AUTH

router = Router(tags=["auth"])


class TokenIn(Schema):
    """Credentials for a token."""

    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    """A new token; shown once."""

    token: str
    token_id: int
    expires_at: dt.datetime


class RevokedOut(Schema):
    """A revoked token."""

    token_id: int
    revoked_at: dt.datetime


@router.post("/token", response=TokenOut, auth=None, summary="Issue a bearer token")
def token_issue(request, payload: TokenIn):
    """Exchange username and password for a bearer token that expires."""
    token, record = services.api_token_issue(username=payload.username, password=payload.password, name=payload.name)
    return {"token": token, "token_id": record.pk, "expires_at": record.expires_at}


@router.delete("/token/{token_id}", response=RevokedOut, auth=AUTH, summary="Revoke a token")
def token_revoke(request, token_id: int):
    """Revoke a token of the caller."""
    record = services.api_token_revoke(actor=request.user, token_id=token_id)
    return {"token_id": record.pk, "revoked_at": record.revoked_at}
