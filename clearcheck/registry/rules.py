"""Registry rules every later capability calls: R01 (agency may inspect), R12/R25 (officer qualified), R13
(officer recused from an enterprise), and who owns an enterprise's registered data (ADR 0018).
"""

import datetime as dt

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.core import clock
from clearcheck.core.errors import PermissionDenied, RuleViolation

from .choices import AgencyStatus, CredentialStatus, PersonnelType, RegisterAuthority
from .models import Agency, Officer
from .recusal_reads import recusal_pairs_by_id, recused_officer_ids


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


def third_party_refusal(officer: Officer, *, inspection: bool = True) -> RuleViolation | None:
    """R25: a third party never inspects (nor enters for a non-inspection visit, R26: ``inspection=False``)."""
    if officer.personnel_type != PersonnelType.THIRD_PARTY:
        return None
    if inspection:
        return RuleViolation("R25", f"{officer.name} 为第三方人员,不得实施或变相实施行政检查")
    return RuleViolation("R25", f"{officer.name} 为第三方人员,不得入企")


def officer_qualification_refusal(officer: Officer, on: dt.date | None = None) -> RuleViolation | None:
    """R12/R25: only a valid enforcement officer with an unexpired credential of a listed agency may inspect.

    Returns the refusal (rule ID, clause, reason), or None when the officer is qualified on ``on``
    (default: today in Asia/Shanghai).
    """
    day = on or clock.local_today()
    if refusal := third_party_refusal(officer):
        return refusal
    if officer.personnel_type != PersonnelType.ENFORCEMENT:
        return RuleViolation("R12", f"{officer.name} 为{officer.get_personnel_type_display()},不具有行政执法资格")
    if officer.status != CredentialStatus.VALID:
        return RuleViolation("R12", f"{officer.name} 的执法证状态为“{officer.get_status_display()}”")
    if not officer.valid_from <= day <= officer.valid_to:
        return RuleViolation(
            "R12", f"{officer.name} 的执法证有效期为 {officer.valid_from} 至 {officer.valid_to},{day} 不在有效期内"
        )
    return None


def recusal_refusal(officers, enterprise, recused: set[int] | None = None) -> RuleViolation | None:
    """R13: the refusal naming the first recused officer among ``officers`` (Officer rows), or None.

    Task assignment (planning), draws (sampling) and check-in (inspections) all ask this. ``recused``: the ids
    among them already known to be recused (read with other facts), else asked here.
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


def pairs_recusal_refusal(pairs: set[tuple[int, int]]) -> RuleViolation | None:
    """R13 for (officer id, enterprise id) pairs fixed earlier (a draw's teams): a recusal granted since still
    bars the officer, and the draw must be redone.
    """
    hit = pairs & recusal_pairs_by_id({officer for officer, _ in pairs})
    if hit:
        officer_id, enterprise_id = sorted(hit)[0]
        return RuleViolation("R13", f"执法人员(#{officer_id})已被决定回避企业(#{enterprise_id}),请作废本次抽取后重新抽取")
    return None


def recusal_decider_refusal(actor) -> RuleViolation | None:
    """R13 with R07's reading of 负责人: the head of the officer's agency decides a recusal request, never a
    department head alone. None when ``actor``'s role may decide (whose request it is, the caller checks).
    """
    if actor_has_role(actor, Role.DEPARTMENT_HEAD):
        return RuleViolation("R13", "内设机构负责人不能决定回避申请,须由行政执法机关负责人决定")
    return None


def officer_is_qualified(officer: Officer, on: dt.date | None = None) -> bool:
    """Whether ``officer`` may inspect on ``on`` (R12, R25). The one function every later rule uses."""
    return officer_qualification_refusal(officer, on) is None


# --- Registered data of enterprises (ADR 0018) ------------------------------------------------------


def register_authority_of(uscc: str) -> str:
    """The registration authority code of a USCC: its first character (GB 32100-2015)."""
    return (uscc or "")[:1].upper()


def register_authority_label(code: str) -> str:
    """The authority's name for a code, e.g. "市场监督管理(原工商)" for "9"."""
    try:
        return str(RegisterAuthority(code).label)
    except ValueError:
        return str(RegisterAuthority.OTHER.label)


def enterprise_register_scope(actor) -> frozenset[str] | None:
    """The registration authorities whose entities' registered data ``actor`` may write: None means all (the
    bureau, which corrects any register); an agency admin those its agency keeps; anyone else none.
    """
    if actor_has_role(actor, Role.BUREAU):
        return None
    if actor_has_role(actor, Role.AGENCY_ADMIN):
        kept = Agency.objects.filter(pk=actor_agency_id(actor)).values_list("register_authorities", flat=True).first()
        return frozenset(kept or "")
    return frozenset()


def enterprise_register_refusal(actor, uscc: str, scope: frozenset[str] | None = None) -> PermissionDenied | None:
    """Why ``actor`` may not create or change the registered data of the entity with ``uscc``; None when it may.

    ``scope`` is ``enterprise_register_scope(actor)`` when the caller already has it (imports ask per row).
    """
    if scope is None and actor is not None:
        scope = enterprise_register_scope(actor)
    code = register_authority_of(uscc)
    if scope is None or code in scope:
        return None
    if not actor_has_role(actor, Role.BUREAU, Role.AGENCY_ADMIN):
        return PermissionDenied("只有登记机关的管理员或司法局可以维护企业登记信息")
    return PermissionDenied(
        f"统一社会信用代码 {uscc} 的登记管理部门为“{register_authority_label(code)}”,其登记信息(名称、类型、住所、"
        "法定代表人、区划、行业、状态、位置)由该登记机关维护、司法局更正;本机关不能修改,可在“本机关备注”中记录"
        "或提请更正"
    )
