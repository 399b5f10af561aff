"""Enterprise codes (一企一码, R11): signed tokens, their versions (issue, reissue, revoke) and QR rendering.

A token is ``v1.<alg>.<kid>.<payload>.<signature>`` (docs/enterprise-code.md): the payload is RFC 8785
JSON in URL-safe base64, the signature covers ``v1.<alg>.<kid>.<payload>`` so neither the suite nor the
key id can be swapped. E-credential tokens (``credentials.py``) use the same format with ``"t": "cred"``.
"""

import datetime
import functools
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_bytes
from clearcheck.core.crypto import (
    ED25519,
    SigningKey,
    b64url,
    b64url_decode,
    key_id_for,
    signature_valid,
    signing_key_load,
)
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.keys import key_history

from .models import Enterprise, EnterpriseCode

TOKEN_FORMAT = "v1"
TOKEN_MAX_LENGTH = 1024
TYPE_ENTERPRISE_CODE = "ec"
SUITES = (ED25519,)  # an "sm2" suite is added here (and in core.crypto) when the national suite lands


# --- Signed tokens (shared with e-credentials) -------------------------------------------------------


class TokenInvalid(Exception):
    """A token that does not verify. ``code`` is stable (``malformed``, ``unknown_alg``, ``unknown_kid``,
    ``bad_signature``, ``wrong_type``); ``message`` is the plain Chinese answer.
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


CODE_KEY_SETTING = "CODE_SIGNING_KEY_FILE"


@dataclass(frozen=True)
class PublicKey:
    """A key that verifies tokens: suite, key id, raw public bytes, PEM; ``current`` signs new tokens."""

    suite: str
    key_id: str
    raw: bytes
    pem: str
    current: bool
    valid_from: datetime.datetime | None = None
    retired_at: datetime.datetime | None = None


def code_signing_key() -> SigningKey:
    """The key that signs new enterprise codes and e-credentials (created on first use)."""
    return signing_key_load(settings.CLEARCHECK[CODE_KEY_SETTING])


@functools.lru_cache(maxsize=32)
def _retired_key(path: str) -> PublicKey:
    # Read once per process: a key is retired by configuration and a restart, like the signing key.
    loaded = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    raw = loaded.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = loaded.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return PublicKey(ED25519, key_id_for(raw), raw, pem.decode("ascii"), current=False)


def code_public_keys() -> dict[str, PublicKey]:
    """Every key a token may name (kid → key): the current one and the retired ones still trusted."""
    key = code_signing_key()
    keys = {key.key_id: PublicKey(key.suite, key.key_id, key.public_key_raw, key.public_key_pem, current=True)}
    # Codes carry no signing time (a printed poster stays valid until reissued or revoked), so a retired
    # key verifies what it signed without a period check; the period is published with it.
    for retired in key_history(CODE_KEY_SETTING):
        keys.setdefault(retired.key_id, PublicKey(retired.suite, retired.key_id, retired.raw, retired.public_key_pem,
                                                  current=False, valid_from=retired.valid_from,
                                                  retired_at=retired.retired_at))
    for path in settings.CLEARCHECK.get("CODE_RETIRED_PUBLIC_KEY_FILES", []):
        retired = _retired_key(path)
        keys.setdefault(retired.key_id, retired)
    return keys


def signed_token_make(payload: dict) -> str:
    """Sign ``payload`` (canonical JSON) into a ``v1.<alg>.<kid>.<payload>.<sig>`` token."""
    key = code_signing_key()
    head = f"{TOKEN_FORMAT}.{key.suite}.{key.key_id}.{b64url(canonical_bytes(payload))}"
    return f"{head}.{key.sign(head.encode('ascii'))}"


def signed_token_open(token: str, *, token_type: str) -> dict:
    """The verified payload of ``token`` of type ``token_type``, or :class:`TokenInvalid` saying why."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH or not token.isascii():
        raise TokenInvalid("malformed", "二维码内容无法识别")
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != TOKEN_FORMAT:
        raise TokenInvalid("malformed", "二维码内容无法识别(格式或版本不符)")
    _, suite, kid, payload_b64, signature = parts
    if suite not in SUITES:
        raise TokenInvalid("unknown_alg", f"不支持的签名算法“{suite[:16]}”")
    key = code_public_keys().get(kid)
    if key is None or key.suite != suite:
        raise TokenInvalid("unknown_kid", "签名密钥未知(不是本平台签发,或密钥已停用)")
    if not signature_valid(suite, key.raw, signature, f"{TOKEN_FORMAT}.{suite}.{kid}.{payload_b64}".encode("ascii")):
        raise TokenInvalid("bad_signature", "签名校验未通过:二维码被伪造或篡改")
    try:
        raw = b64url_decode(payload_b64)
        payload = json.loads(raw)
    except ValueError:
        raise TokenInvalid("malformed", "二维码内容无法识别") from None
    if not isinstance(payload, dict) or payload.get("t") != token_type:
        raise TokenInvalid("wrong_type", "这不是本类二维码")
    return payload


# --- Versions: issue, reissue, revoke -------------------------------------------------------------


def _manage_check(actor) -> None:
    if not actor_has_role(actor, Role.BUREAU, Role.AGENCY_ADMIN):
        raise PermissionDenied("只有司法局或执法机关管理员可以签发或作废企业码")


def _code_state(code: EnterpriseCode) -> dict:
    return {"version": code.version, "revoked": code.revoked_at is not None}


@transaction.atomic
def enterprise_code_issue(*, actor, enterprise_id: int, reason: str = "") -> EnterpriseCode:
    """Issue the first code of an enterprise, or reissue (version + 1); older versions stay valid (R11)."""
    _manage_check(actor)
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationFailed(FieldError("reason", "不得包含控制字符 NUL"))
    enterprise = Enterprise.objects.select_for_update().filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound("企业不存在")
    last = EnterpriseCode.objects.filter(enterprise=enterprise).aggregate(n=Max("version"))["n"] or 0
    if last and not reason:
        raise ValidationFailed(FieldError("reason", "重新签发须填写理由"))
    code = EnterpriseCode(enterprise=enterprise, version=last + 1, reason=reason, issued_at=clock.now(),
                          issued_by=actor_describe(actor)[1])
    try:
        with transaction.atomic():
            code.save()
    except IntegrityError:
        raise Conflict("企业码刚刚被另一人签发,请刷新后重试")
    audit_record(actor=actor, action="enterprise_code.issue", subject=enterprise, after=_code_state(code),
                 extra={"reason": reason})
    return code


@transaction.atomic
def enterprise_code_revoke(*, actor, enterprise_id: int, version: int, reason: str) -> EnterpriseCode:
    """Revoke one version of an enterprise's code: scanning it no longer opens the door (R11)."""
    _manage_check(actor)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise ValidationFailed(FieldError("reason", "请填写作废理由"))
    code = EnterpriseCode.objects.select_for_update().filter(enterprise_id=enterprise_id, version=version).first()
    if code is None:
        raise NotFound("企业码版本不存在")
    if code.revoked_at is not None:
        raise Conflict(f"企业码第{version}版已作废")
    before = _code_state(code)
    code.revoked_at, code.revoked_by, code.revoke_reason = clock.now(), actor_describe(actor)[1], reason
    code.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, action="enterprise_code.revoke", subject=code.enterprise, before=before,
                 after=_code_state(code), extra={"reason": reason})
    return code


def enterprise_code_versions(*, enterprise: Enterprise):
    """Every version of an enterprise's code, newest first (the caller may already read the enterprise)."""
    return EnterpriseCode.objects.filter(enterprise=enterprise).order_by("-version")


def enterprise_code_current(*, enterprise: Enterprise) -> EnterpriseCode | None:
    """The newest unrevoked version (the one to print), or None."""
    return enterprise_code_versions(enterprise=enterprise).filter(revoked_at__isnull=True).first()


def enterprise_code_get(*, enterprise: Enterprise, version: int) -> EnterpriseCode:
    """One version of an enterprise's code."""
    code = enterprise_code_versions(enterprise=enterprise).filter(version=version).first()
    if code is None:
        raise NotFound("企业码版本不存在")
    return code


# --- Tokens and their check ------------------------------------------------------------------------


def enterprise_code_token(code: EnterpriseCode) -> str:
    """The signed token of a code version: ``{"e": id, "u": USCC, "v": version, "t": "ec"}``."""
    enterprise = code.enterprise
    return signed_token_make({"e": enterprise.pk, "u": enterprise.uscc, "v": code.version, "t": TYPE_ENTERPRISE_CODE})


def enterprise_code_url(token: str) -> str:
    """The URL the QR carries: the landing page of the token."""
    return f"{settings.CLEARCHECK['CODE_BASE_URL']}/public/c/{token}/"


@dataclass
class CodeCheck:
    """What a scanned enterprise code says. ``current`` only when the signature is good and the version
    is issued and not revoked.
    """

    valid_signature: bool
    current: bool = False
    enterprise: Enterprise | None = None
    version: int | None = None
    error: str | None = None
    message: str = ""
    code: EnterpriseCode | None = field(default=None, repr=False)


def enterprise_code_open(token: str) -> tuple[int, int, dict] | CodeCheck:
    """The (enterprise id, version, payload) a token's verified signature carries, or the failed check."""
    try:
        payload = signed_token_open(token, token_type=TYPE_ENTERPRISE_CODE)
    except TokenInvalid as exc:
        return CodeCheck(valid_signature=False, error=exc.code, message=exc.message)
    enterprise_id, version = payload.get("e"), payload.get("v")
    if not (isinstance(enterprise_id, int) and isinstance(version, int)):
        return CodeCheck(valid_signature=True, error="malformed", message="二维码内容不完整")
    return enterprise_id, version, payload


def enterprise_code_decide(payload: dict, version: int, enterprise: Enterprise | None,
                           code: EnterpriseCode | None) -> CodeCheck:
    """R11 on rows already read: the enterprise a verified token names and its code row of that version."""
    if enterprise is None:
        return CodeCheck(valid_signature=True, version=version, error="unknown_enterprise", message="企业不存在")
    result = CodeCheck(valid_signature=True, enterprise=enterprise, version=version)
    if code is None:
        result.error, result.message = "unknown_version", f"企业码第{version}版未签发"
    elif code.revoked_at is not None:
        result.error, result.message, result.code = "revoked", f"企业码第{version}版已作废,请扫描企业现行的码", code
    elif payload.get("u") != enterprise.uscc:
        result.error, result.message = "uscc_changed", "企业统一社会信用代码已变更,请重新签发企业码"
    else:
        result.current, result.code, result.message = True, code, "企业码有效"
    return result


def enterprise_code_check(token: str) -> CodeCheck:
    """Verify a scanned token: signature, then whether that version is still current (R11)."""
    opened = enterprise_code_open(token)
    if isinstance(opened, CodeCheck):
        return opened
    enterprise_id, version, payload = opened
    enterprise = Enterprise.objects.select_related("region").filter(pk=enterprise_id).first()
    code = EnterpriseCode.objects.filter(enterprise=enterprise, version=version).first() if enterprise else None
    return enterprise_code_decide(payload, version, enterprise, code)


# --- QR rendering ----------------------------------------------------------------------------------


def qr_make(url: str) -> segno.QRCode:
    """A QR code of ``url`` (error correction M, so a smudged poster still scans)."""
    return segno.make(url, error="m", micro=False)


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """PNG bytes of the QR of ``url``."""
    buffer = io.BytesIO()
    qr_make(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """A standalone SVG document of the QR of ``url`` (its title names the URL)."""
    buffer = io.BytesIO()
    qr_make(url).save(buffer, kind="svg", scale=scale, border=4, title=url, xmldecl=True)
    return buffer.getvalue()


def qr_svg_inline(url: str, *, scale: int = 6) -> str:
    """An inline ``<svg>`` element of the QR of ``url`` for HTML pages: no fixed size (a viewBox), so the
    page's CSS sizes it to the phone or the poster.
    """
    return qr_make(url).svg_inline(scale=scale, border=4, title=url, omitsize=True)
