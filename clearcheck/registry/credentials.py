"""E-credentials (电子执法证, R15): an officer's rotating signed QR and the enterprise's check of it.

A token (same ``v1.<alg>.<kid>.<payload>.<sig>`` format as enterprise codes, ``"t": "cred"``) names the
officer, the credential number, a window of at most ``CREDENTIAL_WINDOW_SECONDS`` (60 s) and a random
nonce. A screenshot stops working when its window ends; a suspended or revoked credential fails at
once, because every check reads the officer's current qualification (R12).
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings

from clearcheck.core import clock
from clearcheck.core.crypto import b64url
from clearcheck.core.errors import RuleViolation

from .codes import TokenInvalid, signed_token_make, signed_token_open
from .models import Officer
from .rules import officer_qualification_refusal

TYPE_CREDENTIAL = "cred"
MAX_WINDOW_SECONDS = 60
# A phone whose clock runs a little ahead of the server's must not see its fresh code refused.
CLOCK_SKEW_SECONDS = 5


def credential_window_seconds() -> int:
    """The configured window length, never more than 60 s (R15)."""
    return max(1, min(MAX_WINDOW_SECONDS, int(settings.CLEARCHECK.get("CREDENTIAL_WINDOW_SECONDS", 60))))


def credential_token_issue(officer: Officer, now: dt.datetime | None = None) -> str:
    """A fresh e-credential token of ``officer`` whose window starts ``now`` (R15)."""
    start = int((now or clock.now()).timestamp())
    return signed_token_make({
        "t": TYPE_CREDENTIAL, "o": officer.pk, "c": officer.credential_no, "w": start,
        "l": credential_window_seconds(), "n": b64url(secrets.token_bytes(12)),
    })


def credential_url(token: str) -> str:
    """The URL the officer's QR carries: the enterprise-facing verify page."""
    return f"{settings.CLEARCHECK['CODE_BASE_URL']}/public/credential/{token}/"


@dataclass
class CredentialCheck:
    """The answer to a scanned e-credential: ``valid`` only when signature, window and qualification hold.

    ``officer`` is set whenever the signature is good (so the enterprise sees whom the code names even
    when it is refused); ``refusal`` carries the rule (R12/R25 qualification, R15 window or forgery).
    """

    valid: bool
    officer: Officer | None = None
    error: str | None = None
    message: str = ""
    refusal: RuleViolation | None = None
    expires_at: dt.datetime | None = None

    @property
    def agency_name(self) -> str:
        """The officer's agency, or empty."""
        return self.officer.agency.name if self.officer else ""

    @property
    def rule_id(self) -> str | None:
        """The refusing rule's ID (``"R12"``, ``"R15"``), or None when valid."""
        return self.refusal.rule_id if self.refusal else None


def _refused(error: str, message: str, officer: Officer | None = None, expires_at=None) -> CredentialCheck:
    return CredentialCheck(valid=False, officer=officer, error=error, message=message,
                           refusal=RuleViolation("R15", message), expires_at=expires_at)


def credential_token_check(token: str, now: dt.datetime | None = None) -> CredentialCheck:
    """Verify a scanned e-credential: signature, window (≤ 60 s), then qualification (R15, R12)."""
    try:
        payload = signed_token_open(token, token_type=TYPE_CREDENTIAL)
    except TokenInvalid as exc:
        return _refused(exc.code, exc.message)
    officer_id, number, start, length = payload.get("o"), payload.get("c"), payload.get("w"), payload.get("l")
    if not (isinstance(officer_id, int) and isinstance(number, str) and isinstance(start, int)
            and isinstance(length, int) and 0 < length <= MAX_WINDOW_SECONDS):
        return _refused("malformed", "电子执法证内容不完整")
    officer = Officer.objects.select_related("agency").filter(pk=officer_id).first()
    if officer is None:
        return _refused("unknown_officer", "执法人员不存在")
    moment = now or clock.now()
    expires_at = dt.datetime.fromtimestamp(start + length, tz=dt.UTC)
    stamp = moment.timestamp()
    if stamp >= start + length:
        return _refused("expired", "电子执法证二维码已过期(有效期不超过60秒),请执法人员出示实时二维码",
                        officer, expires_at)
    if stamp < start - CLOCK_SKEW_SECONDS:
        return _refused("not_yet_valid", "电子执法证二维码的时间窗口尚未开始", officer, expires_at)
    if officer.credential_no != number:
        return _refused("credential_changed", "执法证号已变更,该二维码不再有效", officer, expires_at)
    refusal = officer_qualification_refusal(officer, moment.astimezone(clock.LOCAL_TZ).date())
    if refusal is not None:
        return CredentialCheck(valid=False, officer=officer, error="not_qualified", message=refusal.plain,
                               refusal=refusal, expires_at=expires_at)
    return CredentialCheck(valid=True, officer=officer, message="证件有效", expires_at=expires_at)
