"""The second factor of sign-in (issue 20): time-based one-time passwords by default, with recovery codes.

TOTP is RFC 6238 with 6 digits and 30-second steps (SHA-1), what 腾讯身份验证器, Google Authenticator and
the other authenticator apps read from an ``otpauth://`` QR code. Pluggable: ``FACTORS`` maps a kind to its
verifier; the province's unified identity (OIDC/CAS, ``accounts.federation``) is the production option that
replaces both steps.

Required for every county and agency role except officers (``REQUIRED_ROLES``); officers and enterprises may
enrol. A wrong code counts against the same throttle as a wrong password (``accounts.throttle``).
"""

import base64
import hashlib
import secrets

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import DomainError, NotFound, PermissionDenied

from .choices import Role
from .models import RecoveryCode, SecondFactor, User
from .throttle import Keys, failure_record, throttle_check

REQUIRED_ROLES = frozenset({Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD,
                            Role.DEPARTMENT_HEAD})
ISSUER = "清检"
STEP = 30
RECOVERY_CODES = 10


class SecondFactorRequired(DomainError):
    """The sign-in needs a correct one-time code (the API answers 401)."""

    status = 401
    title = "需要动态口令"
    type_slug = "second-factor"


def factor_required(user) -> bool:
    """Whether the user's role must sign in with a second factor."""
    return getattr(user, "role", "") in REQUIRED_ROLES


def factor_of(user) -> SecondFactor | None:
    """The user's confirmed second factor, or None."""
    return SecondFactor.objects.filter(user_id=user.pk, confirmed_at__isnull=False).first()


def needs_second_step(user) -> bool:
    """Whether signing in takes a second step: the role requires it, or the user enrolled one."""
    return factor_required(user) or factor_of(user) is not None


# --- the secret at rest ---------------------------------------------------------------------------------
def _fernet() -> Fernet:
    # Derived from SECRET_KEY (or its own CLEARCHECK_SECOND_FACTOR_KEY), so a copy of the database alone does
    # not give the secrets away. Changing the key makes every enrolled user enrol again.
    material = getattr(settings, "CLEARCHECK_SECOND_FACTOR_KEY", "") or settings.SECRET_KEY
    digest = hashlib.sha256(b"clearcheck second factor\x00" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def secret_seal(secret: str) -> str:
    """Encrypt a TOTP secret for storage."""
    return _fernet().encrypt(secret.encode()).decode()


def secret_open(sealed: str) -> str | None:
    """The stored secret, or None when the key changed."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def demo_code(user) -> str | None:
    """The current code of ``user``'s confirmed factor, shown on the second step only in the demo county
    (``CLEARCHECK_DEMO``), whose passwords and secret are public anyway; None everywhere else.
    """
    factor = factor_of(user) if settings.CLEARCHECK_DEMO else None
    secret = secret_open(factor.secret_sealed) if factor is not None and factor.confirmed_at else None
    return pyotp.TOTP(secret).now() if secret else None


# --- TOTP ---------------------------------------------------------------------------------------------
def totp_step(code: str, secret: str, *, after: int = 0) -> int | None:
    """The 30-second step (now, or one before or after for a clock that drifts) whose code ``code`` is,
    if it is later than ``after``; else None.
    """
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = int(clock.now().timestamp()) // STEP
    for step in (now - 1, now, now + 1):
        if step > after and secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def provisioning_uri(user, secret: str) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (made here: nothing is fetched)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


# --- writes --------------------------------------------------------------------------------------------
@transaction.atomic
def second_factor_enrol_start(*, actor) -> tuple[str, str]:
    """Begin enrolling the actor: a new secret (kept sealed, unconfirmed until a code from it is entered).
    Returns (secret, otpauth URI). While unconfirmed, asking again shows the same secret.
    """
    factor = SecondFactor.objects.select_for_update().filter(user_id=actor.pk).first()
    if factor is not None and factor.confirmed_at is None and (secret := secret_open(factor.secret_sealed)):
        return secret, provisioning_uri(actor, secret)
    if factor is not None and factor.confirmed_at is not None:
        raise PermissionDenied("已绑定动态口令;如需更换,请联系管理员重置")
    secret = pyotp.random_base32()
    factor, _made = SecondFactor.objects.update_or_create(
        user_id=actor.pk, defaults={"secret_sealed": secret_seal(secret), "created_at": clock.now(),
                                    "confirmed_at": None, "last_step": 0})
    audit_record(actor=actor, action="second_factor.begin", subject=factor, after={"kind": factor.kind})
    return secret, provisioning_uri(actor, secret)


def second_factor_enrol_confirm(*, actor, code: str, keys: Keys) -> list[str]:
    """Confirm the actor's enrolment with a code from the new secret; returns the recovery codes (shown once,
    stored hashed). A wrong code counts against the throttle.
    """
    throttle_check(keys)
    factor = SecondFactor.objects.filter(user_id=actor.pk, confirmed_at__isnull=True).first()
    secret = secret_open(factor.secret_sealed) if factor else None
    step = totp_step(code, secret) if secret else None
    if step is None:
        failure_record(keys, username=actor.get_username())
        raise SecondFactorRequired("动态口令不正确,请核对手机上的 6 位数字后重试")
    return _enrol_confirm(actor=actor, factor=factor, step=step)


@transaction.atomic
def _enrol_confirm(*, actor, factor: SecondFactor, step: int) -> list[str]:
    factor.confirmed_at = clock.now()
    factor.last_step = step
    factor.save(update_fields=["confirmed_at", "last_step"])
    codes = _recovery_codes_new(actor)
    audit_record(actor=actor, action="second_factor.enrol", subject=factor,
                 after={"kind": factor.kind, "recovery_codes": len(codes)})
    return codes


def _recovery_codes_new(user) -> list[str]:
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user_id=user.pk, code_hash=_code_hash(c)) for c in codes])
    return codes


@transaction.atomic
def second_factor_enrol_known(*, actor, user, secret: str) -> SecondFactor:
    """Enrol ``user`` with a given secret, confirmed (the demo county's accounts: ``demo_accounts`` prints
    the secret so that a newcomer can add it to an authenticator app).
    """
    factor, _made = SecondFactor.objects.update_or_create(
        user_id=user.pk, defaults={"secret_sealed": secret_seal(secret), "created_at": clock.now(),
                                   "confirmed_at": clock.now(), "last_step": 0})
    audit_record(actor=actor, action="second_factor.enrol", subject=factor, after={"kind": factor.kind, "known": True})
    return factor


def second_step_verify(*, user, keys: Keys, code: str) -> str:
    """Check the second step's code: a TOTP code (each used once) or an unused recovery code (used up, audited).
    Throttled like a password; a wrong code is counted and refused (``SecondFactorRequired``). Returns "totp"
    or "recovery".
    """
    throttle_check(keys)
    factor = factor_of(user)
    secret = secret_open(factor.secret_sealed) if factor else None
    step = totp_step(code, secret, after=factor.last_step) if secret else None
    # Set-based: of two requests with the same code, one moves last_step and the other is refused.
    if step is not None and SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step):
        return "totp"
    if factor and _recovery_use(user=user, code=code):
        return "recovery"
    failure_record(keys, username=user.get_username())
    raise SecondFactorRequired("动态口令不正确或已使用,请输入手机上当前的 6 位数字")


@transaction.atomic
def _recovery_use(*, user, code: str) -> bool:
    cleaned = code.strip()
    if len(cleaned) < 12:
        return False
    used = RecoveryCode.objects.filter(user_id=user.pk, code_hash=_code_hash(cleaned), used_at__isnull=True).update(
        used_at=clock.now())
    if used:
        left = RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()
        audit_record(actor=user, action="second_factor.recovery_use", subject=user, after={"left": left})
    return bool(used)


@transaction.atomic
def second_factor_reset(*, actor, user_id: int) -> None:
    """Remove a user's second factor and recovery codes (a lost phone): the bureau for anyone, an agency
    admin for the accounts of the own agency. A role that requires one enrols again at the next sign-in.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("用户不存在")
    if not (actor.role == Role.BUREAU or (actor.role == Role.AGENCY_ADMIN and actor.agency_id
                                          and actor.agency_id == user.agency_id)):
        raise PermissionDenied("只有司法局或本机关管理员可以重置动态口令")
    removed = SecondFactor.objects.filter(user_id=user.pk).delete()[0]
    RecoveryCode.objects.filter(user_id=user.pk).delete()
    audit_record(actor=actor, action="second_factor.reset", subject=user, after={"removed": bool(removed)})


def second_step_check(*, user, keys: Keys, code: str) -> None:
    """The token API's second step: a role that needs a second factor sends its code as ``otp``."""
    if not needs_second_step(user):
        return
    if factor_of(user) is None:
        raise SecondFactorRequired("该账户须先在网页登录并绑定动态口令")
    if not code:
        raise SecondFactorRequired("该账户须提供动态口令(otp)")
    second_step_verify(user=user, keys=keys, code=code)


