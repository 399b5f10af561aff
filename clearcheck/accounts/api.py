"""``/api/auth``: bearer tokens for mobile and system clients."""

import datetime as dt

from ninja import Field, Router, Schema

from clearcheck.core.inputs import DbId
from clearcheck.core.problems import problem_from_domain_error, problem_response

from . import services
from .api_auth import AUTH
from .second_factor import SecondFactorRequired
from .throttle import LoginThrottled, client_address

router = Router(tags=["auth"])


class TokenIn(Schema):
    """Credentials for a token."""

    username: str
    password: str
    name: str = ""
    otp: str = Field("", description="动态口令:司法局、县政府、纪检监察、机关管理员、机关负责人、内设机构负责人账户"
                                    "(及已绑定动态口令的账户)必填,为验证器应用当前的 6 位数字或一个未用过的恢复码")


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
    """Exchange username and password for a bearer token that expires.

    Failed attempts are throttled per account and per client address (5 and 20 free, then a delay that
    doubles from 30 s up to 15 min): a refused attempt answers 429 with ``Retry-After``. Accounts whose role
    needs a second factor (and accounts that enrolled one) also send ``otp``; without it, or with a wrong
    one, the answer is 401.
    """
    try:
        token, record = services.api_token_issue(
            username=payload.username, password=payload.password, name=payload.name,
            address=client_address(request), otp=payload.otp,
        )
    except LoginThrottled as exc:
        response = problem_response(problem_from_domain_error(exc, request.path))
        response["Retry-After"] = str(exc.retry_after)
        return response
    except SecondFactorRequired as exc:
        response = problem_response(problem_from_domain_error(exc, request.path))
        response["WWW-Authenticate"] = 'Bearer realm="clearcheck", error="invalid_request"'
        return response
    return {"token": token, "token_id": record.pk, "expires_at": record.expires_at}


@router.delete("/token/{token_id}", response=RevokedOut, auth=AUTH, summary="Revoke a token")
def token_revoke(request, token_id: DbId):
    """Revoke a token of the caller."""
    record = services.api_token_revoke(actor=request.user, token_id=token_id)
    return {"token_id": record.pk, "revoked_at": record.revoked_at}
