"""Check-in input and entry (R11): the request's fields cleaned, and the enterprise a scan or a position
enters with the entry fields of the visit. Used by the start services in ``visits``.
"""

import re

from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import id_or_none
from clearcheck.registry.codes import enterprise_code_check
from clearcheck.registry.models import Enterprise
from clearcheck.registry.validators import coordinates_to_wgs84

from .. import rules
from ..choices import EntryMethod

KEY_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
MAX_TEXT = 2000
MAX_ACCURACY_M = 100_000


# --- Input ------------------------------------------------------------------------------------------


def _key_clean(key) -> str:
    text = str(key or "").strip()
    if not KEY_PATTERN.match(text):
        raise ValidationFailed(FieldError("idempotency_key", "缺少或无效的请求幂等键(1–64 位字母、数字或 . _ : -)"))
    return text


def _ids_clean(values, field: str, label: str, limit: int) -> list[int]:
    if values is None or isinstance(values, (str, bytes, int)):
        values = [] if values in (None, "", b"") else [values]
    ids = []
    for value in values:
        pk = id_or_none(value)
        if pk is None:
            raise ValidationFailed(FieldError(field, f"{label}编号无效:{str(value)[:20]}"))
        ids.append(pk)
    ids = list(dict.fromkeys(ids))
    if len(ids) > limit:
        raise ValidationFailed(FieldError(field, f"一次最多 {limit} 个{label}"))
    return ids


def _text_clean(value, field: str, missing: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ValidationFailed(FieldError(field, missing))
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValidationFailed(FieldError(field, f"不超过 {MAX_TEXT} 个字符,且不含无效字符"))
    return text


def _accuracy_clean(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        raise ValidationFailed(FieldError("accuracy_m", "定位精度须为米数")) from None
    if not 0 <= number <= MAX_ACCURACY_M:
        raise ValidationFailed(FieldError("accuracy_m", "定位精度超出范围"))
    return number


# --- Entry (R11) ------------------------------------------------------------------------------------


def _entry_by_code(token: str, latitude=None, longitude=None) -> tuple[Enterprise, dict]:
    """R11: the enterprise of a current code, and the entry fields of the visit. A position sent with the
    scan (WGS-84) is kept with its distance from the registered location; the code decides, not the position.
    """
    return _code_entry(enterprise_code_check(token), latitude, longitude)


def _code_entry(check, latitude, longitude) -> tuple[Enterprise, dict]:
    """``_entry_by_code`` on a code already checked (``codes.CodeCheck``)."""
    if refusal := rules.code_refusal(check):
        raise refusal
    enterprise = check.enterprise
    fields = {"entry_method": EntryMethod.CODE, "code_version": check.version}
    lat, lng, errors = coordinates_to_wgs84(latitude, longitude)
    if errors:
        raise ValidationFailed(errors)
    if lat is not None:
        fields.update(latitude=lat, longitude=lng)
        if enterprise.latitude is not None and enterprise.longitude is not None:
            fields["distance_m"] = round(rules.distance_m(lat, lng, enterprise.latitude, enterprise.longitude))
    return enterprise, fields


def _code_enterprise_id(token: str) -> int | None:
    """The enterprise a token names when its signature verifies (current or not): to recognise a retry."""
    check = enterprise_code_check(token)
    return check.enterprise.pk if check.valid_signature and check.enterprise else None


def _entry_by_location(enterprise_id, latitude, longitude, datum, accuracy_m) -> tuple[Enterprise, dict]:
    """R11 without a code: within the configured radius of the registered location (WGS-84)."""
    pk = id_or_none(enterprise_id)
    enterprise = Enterprise.objects.filter(pk=pk).first() if pk else None
    return _location_entry(enterprise, latitude, longitude, datum, accuracy_m)


def _location_entry(enterprise, latitude, longitude, datum, accuracy_m) -> tuple[Enterprise, dict]:
    """``_entry_by_location`` on the enterprise row already read (None: it does not exist)."""
    if enterprise is None:
        raise NotFound("企业不存在")
    accuracy = _accuracy_clean(accuracy_m)
    position, refusal = rules.position_refusal(enterprise, latitude, longitude, datum or "wgs84")
    if refusal is not None:
        raise refusal
    return enterprise, {"entry_method": EntryMethod.GEOLOCATION, "latitude": position.latitude,
                        "longitude": position.longitude, "accuracy_m": accuracy,
                        "distance_m": round(position.distance_m)}
