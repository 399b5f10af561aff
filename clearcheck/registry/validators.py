"""Validation of registry input, shared by services, the API and imports (one rule, one place).

``uscc_clean`` is the hot path of bulk imports: an own implementation of GB 32100-2015 that
a property test keeps in agreement with python-stdnum's ``stdnum.cn.uscc`` on every input.
"""

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation

import prcoords

from clearcheck.core.errors import FieldError
from clearcheck.core.inputs import model_text_limit, text_length_problem

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
    try:
        if datum == Datum.GCJ02:
            lat, lng = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lng))
        elif datum == Datum.BD09:
            lat, lng = prcoords.bd_wgs_bored(prcoords.Coords(lat, lng))
        quant = Decimal("0.000001")
        wgs_lat, wgs_lng = Decimal(lat).quantize(quant), Decimal(lng).quantize(quant)
    except (ArithmeticError, ValueError):
        # The datum formulas break down near the poles; such a point is no enterprise location.
        return None, None, [FieldError("latitude", f"坐标({latitude}, {longitude})无法从 {datum} 换算为 WGS-84")]
    if not (-90 <= wgs_lat <= 90 and -180 <= wgs_lng <= 180):
        return None, None, [FieldError("latitude", f"坐标({latitude}, {longitude})换算为 WGS-84 后超出范围")]
    return wgs_lat, wgs_lng, []


def validity_problem(valid_from: dt.date | None, valid_to: dt.date | None) -> FieldError | None:
    """A credential's validity must not end before it begins."""
    if valid_from and valid_to and valid_to < valid_from:
        return FieldError("valid_to", "有效期止不得早于有效期起")
    return None


@functools.cache
def _choice_values(choices) -> frozenset[str]:
    # ``Choices.values`` builds a new list on every access: a third of enterprise_clean's time.
    return frozenset(choices.values)


def _choice(data: dict, field: str, choices, errors: list[FieldError], default=None, label: str = "") -> str:
    value = str(data.get(field) or "").strip() or default
    if value not in _choice_values(choices):
        # Accept the Chinese label too (spreadsheets are filled in by people).
        by_label = {str(lbl): val for val, lbl in choices.choices}
        if value in by_label:
            return by_label[value]
        # People read the hint (issue 19): the Chinese names, which the cell may hold, not the codes.
        allowed = "、".join(str(lbl) for _, lbl in choices.choices)
        errors.append(FieldError(field, f"{label or field}取值“{value or ''}”无效,可填:{allowed}"))
    return value


def _date(data: dict, field: str, errors: list[FieldError], label: str) -> dt.date | None:
    value = data.get(field)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        errors.append(FieldError(field, f"{label}不能为空"))
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        errors.append(FieldError(field, f"{label}“{text}”不是有效日期(格式 YYYY-MM-DD)"))
        return None


def _text_limited(data: dict, name: str, model, errors: list[FieldError]) -> str:
    # Stripped text for ``model.name``; longer than the column: a field error, never cut (issue 20).
    text = str(data.get(name) or "").strip()
    if problem := text_length_problem(text, model_text_limit(model, name)):
        errors.append(FieldError(name, problem))
    return text


def enterprise_clean(data: dict, *, region_codes, industry_codes) -> tuple[dict, list[FieldError]]:
    """Check and normalise one enterprise's fields (service, API and import all call this).

    ``region_codes`` / ``industry_codes`` are containers of the known GB/T 2260 and GB/T 4754 codes
    (a set for imports, a lazy lookup for single writes).
    """
    from .choices import EnterpriseStatus, EntityType

    errors: list[FieldError] = []
    code, problem = uscc_clean(str(data.get("uscc") or ""))
    if problem:
        errors.append(problem)
    from .models import Enterprise

    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(FieldError("name", "企业名称不能为空"))
    elif problem := text_length_problem(name, model_text_limit(Enterprise, "name")):
        errors.append(FieldError("name", f"企业名称{problem}"))
    entity_type = _choice(data, "entity_type", EntityType, errors, label="主体类型")
    status = _choice(data, "status", EnterpriseStatus, errors, default=EnterpriseStatus.OPERATING, label="登记状态")
    region = str(data.get("region") or data.get("region_code") or "").strip()
    if region not in region_codes:
        errors.append(FieldError("region", f"行政区划代码“{region}”不在 GB/T 2260 代码表中"))
    industry = str(data.get("industry") or data.get("industry_code") or "").strip()
    if industry not in industry_codes:
        errors.append(FieldError("industry", f"行业代码“{industry}”不在 GB/T 4754-2017 代码表中"))
    datum = str(data.get("coordinate_datum") or "").strip() or Datum.WGS84
    lat, lng, coord_errors = coordinates_to_wgs84(data.get("latitude"), data.get("longitude"), datum)
    errors.extend(coord_errors)
    cleaned = {
        "uscc": code,
        "name": name,
        "entity_type": entity_type,
        "legal_representative": _text_limited(data, "legal_representative", Enterprise, errors),
        "address": _text_limited(data, "address", Enterprise, errors),
        "region_id": region,
        "industry_id": industry,
        "latitude": lat,
        "longitude": lng,
        "coordinate_datum": datum if lat is not None else "",
        "status": status,
    }
    return cleaned, errors


def officer_clean(data: dict) -> tuple[dict, list[FieldError]]:
    """Check and normalise one officer's fields (the agency is resolved by the caller)."""
    from .choices import CredentialStatus, PersonnelType

    errors: list[FieldError] = []
    from .models import Officer

    name = str(data.get("name") or "").strip()
    if not name:
        errors.append(FieldError("name", "姓名不能为空"))
    elif problem := text_length_problem(name, model_text_limit(Officer, "name")):
        errors.append(FieldError("name", f"姓名{problem}"))
    credential_no = str(data.get("credential_no") or "").strip().upper()
    if not credential_no:
        errors.append(FieldError("credential_no", "执法证号不能为空"))
    elif len(credential_no) > 32:
        errors.append(FieldError("credential_no", "执法证号不得超过32位"))
    valid_from = _date(data, "valid_from", errors, "有效期起")
    valid_to = _date(data, "valid_to", errors, "有效期止")
    if problem := validity_problem(valid_from, valid_to):
        errors.append(problem)
    status = _choice(data, "status", CredentialStatus, errors, default=CredentialStatus.VALID, label="证件状态")
    personnel_type = _choice(
        data, "personnel_type", PersonnelType, errors, default=PersonnelType.ENFORCEMENT, label="人员类别"
    )
    cleaned = {
        "name": name,
        "credential_no": credential_no,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "status": status,
        "personnel_type": personnel_type,
    }
    return cleaned, errors
