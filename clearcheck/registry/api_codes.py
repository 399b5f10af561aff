"""API of enterprise codes (R11) and e-credentials (R15). Public: anyone may ask whether a scanned token
verifies (always 200 with the verdict in the body: a refusal is an answer, not an error). Authenticated:
the versions of an enterprise's code, issue/reissue and revoke (bureau and agency admin).
"""

import datetime as dt

from ninja import Query, Router, Schema, Status

from clearcheck.core.inputs import DbId, PositiveInt32

from . import codes, credentials, selectors
from .models import EnterpriseCode

router = Router(tags=["codes"])


class TokenQuery(Schema):
    """The scanned token (the last path segment of the QR's URL)."""

    token: str = ""


class EnterpriseCardOut(Schema):
    """An enterprise's public card."""

    id: int
    name: str
    uscc: str
    address: str


class CodeVerifyOut(Schema):
    """Whether a scanned enterprise code verifies and is still current."""

    valid_signature: bool
    current: bool
    version: int | None
    enterprise: EnterpriseCardOut | None
    error: str | None
    message: str


class CredentialVerifyOut(Schema):
    """Whether a scanned e-credential is valid now; who it names; which rule refused it."""

    valid: bool
    officer_name: str | None
    agency: str | None
    credential_no: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    expires_at: dt.datetime | None
    rule: str | None
    clause: str | None
    error: str | None
    message: str


class EnterpriseCodeOut(Schema):
    """One version of an enterprise's code, with its token and the URL its QR carries."""

    version: int
    current: bool
    reason: str
    issued_at: dt.datetime
    issued_by: str
    revoked_at: dt.datetime | None
    revoked_by: str
    revoke_reason: str
    token: str
    url: str

    @staticmethod
    def resolve_current(obj: EnterpriseCode) -> bool:
        return obj.is_current

    @staticmethod
    def resolve_token(obj: EnterpriseCode) -> str:
        return codes.enterprise_code_token(obj)

    @staticmethod
    def resolve_url(obj: EnterpriseCode) -> str:
        return codes.enterprise_code_url(codes.enterprise_code_token(obj))


class CodeIssueIn(Schema):
    """Why a code is (re)issued (required for a reissue)."""

    reason: str = ""


class CodeRevokeIn(Schema):
    """Why a code version is revoked."""

    reason: str


@router.get("/enterprises/{enterprise_id}/codes", response=list[EnterpriseCodeOut],
            summary="Versions of an enterprise's code")
def enterprise_code_list(request, enterprise_id: DbId):
    """Every version, newest first, for whoever may read the enterprise."""
    enterprise = selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)
    return list(codes.enterprise_code_versions(enterprise=enterprise).select_related("enterprise"))


@router.post("/enterprises/{enterprise_id}/codes", response={201: EnterpriseCodeOut},
             summary="Issue or reissue an enterprise's code (bureau, agency admin)")
def enterprise_code_issue(request, enterprise_id: DbId, payload: CodeIssueIn):
    """The first version, or the next one; older versions stay valid until revoked (R11)."""
    enterprise = selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)
    return Status(201, codes.enterprise_code_issue(actor=request.user, enterprise_id=enterprise.pk,
                                                  reason=payload.reason))


@router.post("/enterprises/{enterprise_id}/codes/{version}/revoke", response=EnterpriseCodeOut,
             summary="Revoke one version of an enterprise's code (bureau, agency admin)")
def enterprise_code_revoke(request, enterprise_id: DbId, version: PositiveInt32, payload: CodeRevokeIn):
    """Scanning that version no longer opens the door (R11)."""
    enterprise = selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)
    return codes.enterprise_code_revoke(actor=request.user, enterprise_id=enterprise.pk, version=version,
                                        reason=payload.reason)


@router.get("/public/codes/verify", response=CodeVerifyOut, auth=None, summary="Verify an enterprise code")
def code_verify(request, query: Query[TokenQuery]):
    """Signature (offline-checkable with /public/keys/codes.json) and whether that version is current (R11)."""
    check = codes.enterprise_code_check(query.token)
    e = check.enterprise
    return {
        "valid_signature": check.valid_signature, "current": check.current, "version": check.version,
        "enterprise": {"id": e.pk, "name": e.name, "uscc": e.uscc, "address": e.address} if e else None,
        "error": check.error, "message": check.message,
    }


@router.get("/public/credentials/verify", response=CredentialVerifyOut, auth=None,
            summary="Verify an officer's e-credential")
def credential_verify(request, query: Query[TokenQuery]):
    """Signature, the ≤ 60 s window and the officer's qualification now (R15, R12)."""
    check = credentials.credential_token_check(query.token)
    officer = check.officer
    return {
        "valid": check.valid,
        "officer_name": officer.name if officer else None,
        "agency": officer.agency.name if officer else None,
        "credential_no": officer.credential_no if officer else None,
        "valid_from": officer.valid_from if officer else None,
        "valid_to": officer.valid_to if officer else None,
        "expires_at": check.expires_at,
        "rule": check.rule_id, "clause": check.refusal.rule.clause if check.refusal else None,
        "error": check.error, "message": check.message,
    }
