"""Registry rules every later capability calls: R01 (agency may inspect), R12/R25 (officer qualified)."""

import datetime as dt

from clearcheck.core import clock
from clearcheck.core.errors import RuleViolation

from .choices import AgencyStatus, CredentialStatus, PersonnelType
from .models import Agency, Officer


def agency_inspection_refusal(agency: Agency) -> RuleViolation | None:
    """R01: only a confirmed, published, active agency may inspect. None when it may."""
    if not agency.listed:
        return RuleViolation("R01", f"{agency.name} 不在已公布的行政检查主体清单中")
    if agency.status != AgencyStatus.ACTIVE:
        return RuleViolation("R01", f"{agency.name} 当前状态为“{agency.get_status_display()}”,不得实施检查")
    return None


def agency_may_inspect(agency: Agency) -> bool:
    """Whether ``agency`` may carry out inspections now (R01)."""
    return agency_inspection_refusal(agency) is None


def officer_qualification_refusal(officer: Officer, on: dt.date | None = None) -> RuleViolation | None:
    """R12/R25: only a valid enforcement officer with an unexpired credential of a listed agency may inspect.

    Returns the refusal (rule ID, clause, reason), or None when the officer is qualified on ``on``
    (default: today in Asia/Shanghai).
    """
    day = on or clock.local_today()
    if officer.personnel_type == PersonnelType.THIRD_PARTY:
        return RuleViolation("R25", f"{officer.name} 为第三方人员,不得实施或变相实施行政检查")
    if officer.personnel_type != PersonnelType.ENFORCEMENT:
        return RuleViolation("R12", f"{officer.name} 为{officer.get_personnel_type_display()},不具有行政执法资格")
    if officer.status != CredentialStatus.VALID:
        return RuleViolation("R12", f"{officer.name} 的执法证状态为“{officer.get_status_display()}”")
    if not officer.valid_from <= day <= officer.valid_to:
        return RuleViolation(
            "R12", f"{officer.name} 的执法证有效期为 {officer.valid_from} 至 {officer.valid_to},{day} 不在有效期内"
        )
    return None


def officer_is_qualified(officer: Officer, on: dt.date | None = None) -> bool:
    """Whether ``officer`` may inspect on ``on`` (R12, R25). The one function every later rule uses."""
    return officer_qualification_refusal(officer, on) is None
