"""Annual plans (年度检查计划, R05, clause 三(四)): the working copy, its monthly schedule and its
immutable filings with the judicial bureau. Every write runs in one transaction with its audit event (R30).

Only the agency admin or agency head of the plan's agency writes; another agency's plan is NotFound.
"""

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.catalog.models import InspectionItem
from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import int_or_none, text_of
from clearcheck.registry.models import Agency

from ..choices import PlanStatus
from ..models import AnnualPlan, AnnualPlanEntry, PlanFiling
from ..workflows import ANNUAL_PLAN

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
PLAN_FIELDS = ("basis", "goals", "forms", "scope", "content")
PLAN_FIELD_LABELS = {"basis": "编制依据", "goals": "目标任务", "forms": "检查形式", "scope": "检查范围",
                     "content": "检查内容"}
FIRST_FILING_REASON = "年度计划备案"
YEAR_MIN, YEAR_MAX = 2000, 2100
MAX_TARGET = 100_000


def filing_deadline(year: int) -> dt.datetime:
    """R05: the last instant a plan for ``year`` is filed on time (31 March, 23:59:59.999999 Asia/Shanghai)."""
    return dt.datetime(year, 3, 31, 23, 59, 59, 999999, tzinfo=clock.LOCAL_TZ)


def filing_is_on_time(year: int, filed_at: dt.datetime) -> bool:
    """R05: whether ``filed_at`` is on or before 31 March of ``year`` in Asia/Shanghai."""
    return filed_at.astimezone(clock.LOCAL_TZ) <= filing_deadline(year)


# --- Helpers ---------------------------------------------------------------------------------------


def _manager_check(actor, agency_id: int) -> None:
    """NotFound for another agency's plan; PermissionDenied for readers who may not write."""
    if actor_agency_id(actor) != agency_id:
        if actor_is_county(actor):
            raise PermissionDenied("年度检查计划由本机关管理员或负责人编制和备案;县级部门只能查阅")
        raise NotFound("年度检查计划不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied("只有本机关管理员或负责人可以编制和备案年度检查计划")


def _plan_for_write(actor, plan_id: int) -> AnnualPlan:
    plan = (AnnualPlan.objects.select_for_update(of=("self",)).select_related("agency")
            .filter(pk=int_or_none(plan_id) or 0).first())
    if plan is None:
        raise NotFound("年度检查计划不存在")
    _manager_check(actor, plan.agency_id)
    ANNUAL_PLAN.editable_check(plan.status, str(plan.year))
    return plan


def _plan_dict(plan: AnnualPlan) -> dict:
    return {"agency": plan.agency_id, "year": plan.year, "status": plan.status,
            **{name: getattr(plan, name) for name in PLAN_FIELDS}}


def _entry_dict(entry: AnnualPlanEntry) -> dict:
    return {"id": entry.pk, "item": entry.item_id, "month": entry.month, "target_count": entry.target_count,
            "note": entry.note}


def _fields_clean(values: dict) -> dict:
    cleaned = {name: text_of(values.get(name)) for name in PLAN_FIELDS}
    errors = [FieldError(name, f"请填写{PLAN_FIELD_LABELS[name]}") for name in PLAN_FIELDS if not cleaned[name]]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


# --- The working copy ------------------------------------------------------------------------------


@transaction.atomic
def annual_plan_create(*, actor, agency: Agency | int | None, year: int, basis: str, goals: str, forms: str,
                       scope: str, content: str) -> AnnualPlan:
    """Start an agency's annual plan for ``year`` (one per agency and year; R05)."""
    agency_id = agency.pk if isinstance(agency, Agency) else int_or_none(agency)
    if agency_id is None:
        agency_id = actor_agency_id(actor)
        if agency_id is None:
            raise PermissionDenied("只有机关用户可以编制年度检查计划")
    locked = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if locked is None:
        raise NotFound("检查主体不存在")
    _manager_check(actor, locked.pk)
    fields = _fields_clean({"basis": basis, "goals": goals, "forms": forms, "scope": scope, "content": content})
    year_value = int_or_none(year)
    if year_value is None or not YEAR_MIN <= year_value <= YEAR_MAX:
        raise ValidationFailed(FieldError("year", "请填写正确的年度"))
    if AnnualPlan.objects.filter(agency=locked, year=year_value).exists():
        raise ValidationFailed(FieldError("year", f"本机关 {year_value} 年度检查计划已存在,请在原计划上修改"))
    plan = AnnualPlan.objects.create(agency=locked, year=year_value, status=PlanStatus.DRAFT, **fields)
    audit_record(actor=actor, action="annual_plan.create", subject=plan, after=_plan_dict(plan))
    return plan


@transaction.atomic
def annual_plan_update(*, actor, plan_id: int, **fields) -> AnnualPlan:
    """Change the working copy (basis, goals, forms, scope, content); filed versions never change."""
    plan = _plan_for_write(actor, plan_id)
    unknown = sorted(set(fields) - set(PLAN_FIELDS))
    if unknown:
        raise ValidationFailed([FieldError(name, "该字段不可修改") for name in unknown])
    merged = _fields_clean({**{name: getattr(plan, name) for name in PLAN_FIELDS}, **fields})
    before = {name: getattr(plan, name) for name in PLAN_FIELDS if getattr(plan, name) != merged[name]}
    if not before:
        return plan
    for name in before:
        setattr(plan, name, merged[name])
    plan.save(update_fields=[*before, "updated_at"])
    audit_record(actor=actor, action="annual_plan.update", subject=plan, before=before,
                 after={name: merged[name] for name in before})
    return plan


@transaction.atomic
def annual_plan_entry_set(*, actor, plan_id: int, item_id: int, month: int, target_count: int,
                          note: str = "") -> AnnualPlanEntry | None:
    """Set the target count of an item in a month (R02: a published item of the plan's agency); 0 removes it."""
    plan = _plan_for_write(actor, plan_id)
    errors: list[FieldError] = []
    month_value, target = int_or_none(month), int_or_none(target_count)
    if month_value is None or not 1 <= month_value <= 12:
        errors.append(FieldError("month", "月份须为 1 至 12"))
    if target is None or not 0 <= target <= MAX_TARGET:
        errors.append(FieldError("target_count", f"计划户次须为 1 至 {MAX_TARGET} 的整数(填 0 删除该安排)"))
    note = text_of(note)
    if len(note) > 255:
        errors.append(FieldError("note", "说明不能超过 255 个字符"))
    item = InspectionItem.objects.filter(pk=int_or_none(item_id)).first() if int_or_none(item_id) else None
    if item is None:
        errors.append(FieldError("item", "请选择一个检查事项"))
    if errors:
        raise ValidationFailed(errors)
    existing = AnnualPlanEntry.objects.filter(plan=plan, item=item, month=month_value).first()
    if target == 0:
        if existing is not None:
            _entry_delete(actor, plan, existing)
        return None
    if refusal := item_list_refusal(plan.agency, [item]):
        refusal.field = "item"
        raise refusal
    if existing is None:
        entry = AnnualPlanEntry.objects.create(plan=plan, item=item, month=month_value, target_count=target,
                                               note=note)
        audit_record(actor=actor, action="annual_plan_entry.set", subject=entry,
                     after={"plan": plan.pk, **_entry_dict(entry)})
    else:
        entry = existing
        before = _entry_dict(entry)
        entry.target_count, entry.note = target, note
        entry.save(update_fields=["target_count", "note"])
        audit_record(actor=actor, action="annual_plan_entry.set", subject=entry,
                     before={"plan": plan.pk, **before}, after={"plan": plan.pk, **_entry_dict(entry)})
    AnnualPlan.objects.filter(pk=plan.pk).update(updated_at=clock.now())
    return entry


def _entry_delete(actor, plan: AnnualPlan, entry: AnnualPlanEntry) -> None:
    before = _entry_dict(entry)
    entry.delete()
    AnnualPlan.objects.filter(pk=plan.pk).update(updated_at=clock.now())
    audit_record(actor=actor, action="annual_plan_entry.remove", subject=("planning.annualplanentry", before["id"]),
                 before={"plan": plan.pk, **before})


@transaction.atomic
def annual_plan_entry_remove(*, actor, plan_id: int, entry_id: int) -> AnnualPlan:
    """Remove one month × item line of the schedule."""
    plan = _plan_for_write(actor, plan_id)
    entry = AnnualPlanEntry.objects.filter(plan=plan, pk=int_or_none(entry_id) or 0).first()
    if entry is None:
        raise NotFound("计划安排不存在")
    _entry_delete(actor, plan, entry)
    return plan


# --- Filing (备案) ----------------------------------------------------------------------------------


def annual_plan_snapshot(plan: AnnualPlan) -> dict:
    """What a filing keeps: the agency, the plan fields and the schedule sorted by month and item code."""
    entries = (AnnualPlanEntry.objects.filter(plan=plan).select_related("item")
               .order_by("month", "item__code", "item_id"))
    return {
        "agency": {"id": plan.agency_id, "code": plan.agency.code, "name": plan.agency.name},
        "year": plan.year,
        **{name: getattr(plan, name) for name in PLAN_FIELDS},
        "schedule": [
            {"month": e.month, "item": {"id": e.item_id, "code": e.item.code, "name": e.item.name},
             "target_count": e.target_count, "note": e.note}
            for e in entries
        ],
    }


def _plan_content(snapshot: dict) -> dict:
    # Whether anything was changed is judged on the plan itself, not on the agency's current name.
    return {k: v for k, v in snapshot.items() if k != "agency"}


def annual_plan_changed_since_filing(plan: AnnualPlan) -> bool:
    """Whether the working copy differs from its latest filing (True before the first filing)."""
    last = PlanFiling.objects.filter(plan=plan).order_by("-version").first()
    if last is None:
        return True
    return _plan_content(json.loads(last.snapshot)) != _plan_content(annual_plan_snapshot(plan))


@transaction.atomic
def annual_plan_file(*, actor, plan_id: int, reason: str = "") -> PlanFiling:
    """File the plan with the judicial bureau as a new immutable version (R05; an amendment needs a reason).

    A first filing after 31 March of the plan year (Asia/Shanghai) raises a low R05 alert for the bureau.
    """
    plan = _plan_for_write(actor, plan_id)
    target = ANNUAL_PLAN.target(plan.status, "file", str(plan.year))
    snapshot = annual_plan_snapshot(plan)
    if not snapshot["schedule"]:
        raise ValidationFailed(FieldError("entries", "请至少安排一项月度检查(检查事项 × 月份 × 计划户次)后再备案"))
    entries = list(AnnualPlanEntry.objects.filter(plan=plan).select_related("item").order_by("month", "item__code"))
    if refusal := item_list_refusal(plan.agency, [e.item for e in entries]):
        refusal.field = "entries"
        raise refusal
    last = PlanFiling.objects.filter(plan=plan).aggregate(n=Max("version"))["n"] or 0
    reason = text_of(reason)
    if last:
        previous = PlanFiling.objects.get(plan=plan, version=last)
        if _plan_content(json.loads(previous.snapshot)) == _plan_content(snapshot):
            raise ValidationFailed(FieldError("plan", f"自第 {last} 版备案以来计划未作修改,无需重新备案"))
        if not reason:
            raise ValidationFailed(FieldError("reason", "修订备案须说明修订理由"))
    reason = reason or FIRST_FILING_REASON
    text = canonical_text(snapshot)
    filed_at = clock.now()
    filing = PlanFiling.objects.create(
        plan=plan, version=last + 1, snapshot=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        reason=reason, filed_by=actor_label(actor), filed_at=filed_at,
        on_time=filing_is_on_time(plan.year, filed_at),
    )
    before = {"status": plan.status, "filed_version": plan.filed_version}
    plan.status, plan.filed_version = target, filing.version
    plan.save(update_fields=["status", "filed_version", "updated_at"])
    audit_record(actor=actor, action="annual_plan.file", subject=filing, before=before,
                 after={"plan": plan.pk, "version": filing.version, "sha256": filing.sha256, "reason": reason,
                        "on_time": filing.on_time})
    if filing.version == 1 and not filing.on_time:
        alert_raise(
            rule_id="R05", subject=filing, agency=plan.agency, severity=Severity.LOW, actor=actor,
            facts={"year": plan.year, "deadline": filing_deadline(plan.year).date(), "filed_at": filed_at,
                   "version": filing.version},
            dedup_key=f"R05:late:{plan.agency_id}:{plan.year}",
            subject_label=f"{plan.agency.name} {plan.year} 年度检查计划逾期备案",
        )
    return filing
