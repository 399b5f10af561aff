"""Rules of on-site work, each refusal naming its rule ID.

R13: an officer recused from an enterprise (a granted recusal request) is neither assigned to it nor
checks in there. Task assignment (``planning.rules.task_officers_refusal``) and check-in call these.

Check-in (扫码入企): R11 (a current enterprise code, or a geolocated check-in within the configured radius
of the registered location), R01/R02/R06 (the task), R12/R13/R25 (the officers), R14 (the team). The
check-in services raise what these return at the scan, at each confirmation and when the visit opens.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core.errors import DomainError, FieldError, RuleViolation, ValidationFailed
from clearcheck.registry.choices import PersonnelType
from clearcheck.registry.models import EnterpriseCode
from clearcheck.registry.rules import agency_inspection_refusal, officer_qualification_refusal
from clearcheck.registry.validators import coordinates_to_wgs84

from .choices import RecusalStatus
from .models import RecusalRequest


def _pk(value) -> int:
    return int(getattr(value, "pk", value))


def recused_officer_ids(enterprise_id, officer_ids: Iterable) -> set[int]:
    """Of ``officer_ids``, those recused from the enterprise (one query, whatever the number)."""
    ids = {_pk(o) for o in officer_ids}
    if not ids:
        return set()
    return set(
        RecusalRequest.objects.filter(
            enterprise_id=_pk(enterprise_id), officer_id__in=ids, status=RecusalStatus.GRANTED
        ).values_list("officer_id", flat=True)
    )


def officer_recused(officer_id, enterprise_id) -> bool:
    """Whether the officer is recused from the enterprise (R13)."""
    return bool(recused_officer_ids(enterprise_id, [officer_id]))


def recusal_refusal(officers: Iterable, enterprise, recused: set[int] | None = None) -> RuleViolation | None:
    """R13: the refusal naming the first recused officer among ``officers`` (Officer rows), or None.
    ``recused``: the ids among them already known to be recused (read with other facts), else asked here.
    """
    officers = list(officers)
    if enterprise is None or not officers:
        return None
    if recused is None:
        recused = recused_officer_ids(enterprise, officers)
    for officer in officers:
        if officer.pk in recused:
            name = getattr(enterprise, "name", None) or "该企业"
            return RuleViolation(
                "R13", f"{officer.name}({officer.credential_no})已决定回避{name},不得指派或入企检查",
                field="officers",
            )
    return None


# --- Check-in (扫码入企): R11 entry, R01 R02 R06 task, R12 R13 R25 officers, R14 team --------------------
#
# The check-in services (``services.visits``) raise what these return, at the scan, at each confirmation
# and again when the visit opens; a rule's wording lives here once.

DEFAULT_CHECKIN_RADIUS_M = 300
# Mean Earth radius (IUGG); at a few hundred metres the haversine error is far below GPS accuracy.
EARTH_RADIUS_M = 6_371_008.8
MIN_OFFICERS = 2
CHECKIN_TASK_STATUSES = ("approved", "urgent_started")


def checkin_radius_m() -> int:
    """R11: how far from the registered location a geolocated check-in may be (``CLEARCHECK_CHECKIN_RADIUS_M``)."""
    return int(getattr(settings, "CLEARCHECK_CHECKIN_RADIUS_M", DEFAULT_CHECKIN_RADIUS_M))


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lng2) - float(lng1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def code_refusal(check) -> RuleViolation | None:
    """R11: a scanned enterprise code must verify and be the current, unrevoked version (``codes.CodeCheck``)."""
    if check.current:
        return None
    if not check.valid_signature:
        return RuleViolation("R11", f"企业码无效:{check.message}", field="token")
    return RuleViolation("R11", f"企业码不能用于入企:{check.message}", field="token")


def code_version_refusal(enterprise, version) -> RuleViolation | None:
    """R11 again when the visit opens: the scanned version has not been revoked in the meantime."""
    code = EnterpriseCode.objects.filter(enterprise=enterprise, version=version).first()
    if code is None or code.revoked_at is not None:
        return RuleViolation("R11", f"企业码第{version}版已作废,请扫描企业现行的码重新入企", field="token")
    return None


@dataclass(frozen=True)
class Position:
    """A check-in position in WGS-84 and its distance from the enterprise's registered location."""

    latitude: Decimal
    longitude: Decimal
    distance_m: float


def position_refusal(enterprise, latitude, longitude, datum: str = "wgs84",
                     radius_m: int | None = None) -> tuple[Position | None, DomainError | None]:
    """R11 without a code: the position (converted from GCJ-02/BD-09 to WGS-84 first) must lie within the
    configured radius of the enterprise's registered WGS-84 location. Returns (position, refusal).
    """
    if latitude in (None, "") or longitude in (None, ""):
        return None, ValidationFailed(FieldError("latitude", "未取得定位:请允许浏览器获取位置后重试"))
    lat, lng, errors = coordinates_to_wgs84(latitude, longitude, datum or "wgs84")
    if errors:
        return None, ValidationFailed(errors)
    if enterprise.latitude is None or enterprise.longitude is None:
        return None, RuleViolation(
            "R11", f"{enterprise.name}没有登记经纬度,不能定位打卡;请扫描企业码入企,或先由登记机关补录企业位置",
            field="latitude")
    distance = distance_m(lat, lng, enterprise.latitude, enterprise.longitude)
    position = Position(lat, lng, distance)
    radius = checkin_radius_m() if radius_m is None else radius_m
    if distance > radius:
        return position, RuleViolation(
            "R11", f"当前位置距{enterprise.name}登记位置约 {distance:.0f} 米,超出定位打卡范围({radius} 米)",
            field="latitude")
    return position, None


def task_checkin_refusal(task, enterprise, today: dt.date) -> RuleViolation | None:
    """R06 (filed and approved, or started as urgent under R10; for this enterprise; within its window),
    R01 (the agency may still inspect), R02 (its items are still on the published list).
    """
    label = f"检查任务 #{task.pk}"
    if task.enterprise_id != enterprise.pk:
        return RuleViolation("R06", f"{label}的检查对象不是{enterprise.name},与所扫企业不匹配", field="task_ids")
    if task.status not in CHECKIN_TASK_STATUSES:
        return RuleViolation("R06", f"{label}当前为“{task.get_status_display()}”,未经批准(或紧急实施登记)不得入企检查",
                             field="task_ids")
    if not task.window_start <= today <= task.window_end:
        return RuleViolation("R06", f"{label}的检查时段为 {task.window_start} 至 {task.window_end},今天({today})不在其中",
                             field="task_ids")
    refusal = agency_inspection_refusal(task.agency)
    if refusal is None:
        refusal = item_list_refusal(task.agency, task.items.all())
    if refusal is not None:
        return RuleViolation(refusal.rule_id, refusal.plain, field="task_ids")
    return None


def officer_checkin_refusal(officer, enterprise, today: dt.date, *, inspection: bool = True,
                            recused: bool | None = None) -> RuleViolation | None:
    """R12/R25 (qualified today; for a non-inspection visit only: never a third party) and R13 (not recused;
    ``recused`` when already read, else asked).
    """
    if inspection:
        refusal = officer_qualification_refusal(officer, today)
    elif officer.personnel_type == PersonnelType.THIRD_PARTY:
        refusal = RuleViolation("R25", f"{officer.name} 为第三方人员,不得入企")
    else:
        refusal = None
    if refusal is not None:
        return RuleViolation(refusal.rule_id, refusal.plain, field="officers")
    known = None if recused is None else ({officer.pk} if recused else set())
    return recusal_refusal([officer], enterprise, known)


def single_officer_basis(items) -> str:
    """R14 除法律另有规定外: the items' recorded legal bases when every item allows one officer, else ''."""
    items = list(items)
    bases = [(item.single_officer_basis or "").strip() for item in items]
    if not items or not all(bases):
        return ""
    return ";".join(f"{item.code} {item.name}:{basis}" for item, basis in zip(items, bases, strict=True))


def team_refusal(tasks, confirmed, items) -> tuple[RuleViolation | None, str]:
    """R14 for the confirmed officers of a visit: at least two, unless every item records a legal basis for
    one (then that basis is returned); a joint visit (several agencies) also needs each agency's items
    covered by at least one of its own confirmed officers. Returns (refusal, single-officer basis used).
    """
    confirmed = list(confirmed)
    agencies = {}
    for task in tasks:
        agencies.setdefault(task.agency_id, task.agency)
    if len(agencies) > 1:
        for agency_id, agency in agencies.items():
            if not any(o.agency_id == agency_id for o in confirmed):
                return RuleViolation(
                    "R14", f"联合检查须有{agency.name}至少一名行政执法人员扫码确认,方可检查其事项", field="officers"), ""
    if len(confirmed) >= MIN_OFFICERS:
        return None, ""
    basis = single_officer_basis(items) if len(agencies) <= 1 else ""
    if basis and confirmed:
        return None, basis
    names = "、".join(o.name for o in confirmed) or "无"
    return RuleViolation("R14", f"须至少两名行政执法人员各自扫码确认后方可开始检查(已确认:{names})",
                         field="officers"), ""
