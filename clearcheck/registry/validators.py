"""Validation of registry input, shared by services, the API and imports (one rule, one place).

``uscc_clean`` is the hot path of bulk imports: an own implementation of GB 32100-2015 that
a property test keeps in agreement with python-stdnum's ``stdnum.cn.uscc`` on every input.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

import prcoords
from stdnum.cn import uscc as stdnum_uscc

from clearcheck.core.errors import FieldError

from .choices import Datum

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_DIGITS = frozenset("0123456789")
_STRIP = str.maketrans("", "", " -\t\u3000")


def uscc_normalise(value: str) -> str:
    """Upper-case and drop spaces and hyphens (harmless differences are normalised, not refused)."""
    return (value or "").translate(_STRIP).upper()


def uscc_check_digit(first17: str) -> str:
    """The GB 32100-2015 check character of the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why a normalised USCC is invalid, or None when it is valid (agrees with python-stdnum)."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位,实际为{len(code)}位"
    if not _DIGITS.issuperset(code[:8]):
        return "统一社会信用代码前8位(登记管理部门、机构类别、区划)应为数字"
    bad = [c for c in code[8:] if c not in _VALUE]
    if bad:
        return f"统一社会信用代码含有标准不允许的字符:{''.join(sorted(set(bad)))}(不使用 I、O、S、V、Z)"
    if uscc_check_digit(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误"
    return None


def uscc_clean(value: str, field: str = "uscc") -> tuple[str, FieldError | None]:
    """Normalise and check a USCC: ``(code, None)`` or ``(code, error)``."""
    code = uscc_normalise(value)
    problem = uscc_problem(code)
    return code, (FieldError(field, problem) if problem else None)


def uscc_is_valid_reference(value: str) -> bool:
    """python-stdnum's verdict (used by the property test and anywhere speed does not matter)."""
    return stdnum_uscc.is_valid(value)


def coordinates_to_wgs84(
    latitude, longitude, datum: str = Datum.WGS84
) -> tuple[Decimal | None, Decimal | None, list[FieldError]]:
    """Parse coordinates, check their range and convert GCJ-02 / BD-09 to WGS-84 (6 decimals)."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, []
    errors: list[FieldError] = []
    try:
        lat, lng = float(Decimal(str(latitude))), float(Decimal(str(longitude)))
    except (InvalidOperation, ValueError):
        return None, None, [FieldError("latitude", "经纬度须为数字,且须同时填写")]
    if not -90 <= lat <= 90:
        errors.append(FieldError("latitude", f"纬度 {latitude} 超出范围(-90 至 90)"))
    if not -180 <= lng <= 180:
        errors.append(FieldError("longitude", f"经度 {longitude} 超出范围(-180 至 180)"))
    if datum not in Datum.values:
        errors.append(FieldError("coordinate_datum", f"未知坐标基准:{datum}(可选 wgs84、gcj02、bd09)"))
    if errors:
        return None, None, errors
    if datum == Datum.GCJ02:
        lat, lng = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lng))
    elif datum == Datum.BD09:
        lat, lng = prcoords.bd_wgs_bored(prcoords.Coords(lat, lng))
    quant = Decimal("0.000001")
    return Decimal(lat).quantize(quant), Decimal(lng).quantize(quant), []


def validity_problem(valid_from: dt.date | None, valid_to: dt.date | None) -> FieldError | None:
    """A credential's validity must not end before it begins."""
    if valid_from and valid_to and valid_to < valid_from:
        return FieldError("valid_to", "有效期止不得早于有效期起")
    return None
