"""Special plans (专项检查, R08, clause 三(五)): assessment, legal review, collective discussion, approval by
the county government (or a vertical superior), publication, the annual quota and urgent amendments.
Every write runs in one transaction with its audit event (R30).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from clearcheck.core.inputs import int_or_none, text_of
from clearcheck.registry.models import Agency

from .. import rules
from ..choices import ApproverKind, SpecialPlanStatus
from ..models import SpecialPlan, SpecialPlanAmendment
from ..settings import planning_settings_for
from ..workflows import SPECIAL_PLAN

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
# Plans that hold a place under the lead agency's annual quota (R08).
QUOTA_HOLDING_STATUSES = (SpecialPlanStatus.SUBMITTED, SpecialPlanStatus.APPROVED)
EDIT_FIELDS = ("year", "title", "scope", "content", "period_start", "period_end", "assessment", "co_agencies",
               "approver_kind")
AMEND_FIELDS = ("scope", "content", "period_start", "period_end")
LABELS = {"title": "名称", "scope": "检查范围", "content": "检查内容", "assessment": "必要性评估(经过评估确需开展)",
          "period_start": "开始日期", "period_end": "结束日期", "year": "年度"}


# --- Helpers ---------------------------------------------------------------------------------------


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(text_of(value))
    except ValueError:
        return None


def _lead_check(actor, plan: SpecialPlan) -> None:
    """NotFound unless the actor may read the plan; PermissionDenied unless it manages the lead agency."""
    own = actor_agency_id(actor)
    if own != plan.lead_agency_id:
        if actor_is_county(actor) or (own and plan.co_agencies.filter(pk=own).exists()):
            raise PermissionDenied("只有牵头机关的管理员或负责人可以办理该专项检查计划")
        raise NotFound("专项检查计划不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied("只有牵头机关的管理员或负责人可以办理该专项检查计划")


def _plan_locked(plan_id) -> SpecialPlan:
    plan = SpecialPlan.objects.select_for_update(of=("self",)).select_related("lead_agency").filter(
        pk=int_or_none(plan_id) or 0).first()
    if plan is None:
        raise NotFound("专项检查计划不存在")
    return plan


def _plan_for_lead(actor, plan_id) -> SpecialPlan:
    plan = _plan_locked(plan_id)
    _lead_check(actor, plan)
    return plan


def _plan_for_approver(actor, plan_id) -> SpecialPlan:
    plan = _plan_locked(plan_id)
    if not actor_is_county(actor) and actor_agency_id(actor) is None:
        raise NotFound("专项检查计划不存在")
    if actor_agency_id(actor) is not None and actor_agency_id(actor) != plan.lead_agency_id \
            and not plan.co_agencies.filter(pk=actor_agency_id(actor)).exists():
        raise NotFound("专项检查计划不存在")
    return plan


def special_plan_dict(plan: SpecialPlan) -> dict:
    """The plan's fields as audit events and amendments record them."""
    return {
        "year": plan.year, "title": plan.title, "scope": plan.scope, "content": plan.content,
        "period_start": plan.period_start, "period_end": plan.period_end, "lead_agency": plan.lead_agency_id,
        "co_agencies": sorted(plan.co_agencies.values_list("pk", flat=True)) if plan.pk else [],
        "assessment": plan.assessment, "approver_kind": plan.approver_kind, "status": plan.status,
    }


def _co_agencies_clean(values: Iterable, lead_id: int, errors: list[FieldError]) -> list[Agency]:
    ids = []
    for value in values or ():
        agency_id = value.pk if isinstance(value, Agency) else int_or_none(value)
        if agency_id is None:
            errors.append(FieldError("co_agencies", "配合机关无效"))
            return []
        if agency_id not in ids:
            ids.append(agency_id)
    if lead_id in ids:
        errors.append(FieldError("co_agencies", "牵头机关不必列为配合机关"))
    agencies = list(Agency.objects.filter(pk__in=ids, listed=True).order_by("code"))
    if len(agencies) != len(ids):
        errors.append(FieldError("co_agencies", "配合机关须为已公布的行政检查主体"))
    return agencies


def _fields_clean(values: dict, lead_id: int) -> tuple[dict, list[Agency]]:
    errors: list[FieldError] = []
    cleaned = {name: text_of(values.get(name)) for name in ("title", "scope", "content", "assessment")}
    for name in ("title", "scope", "content", "assessment"):
        if not cleaned[name]:
            errors.append(FieldError(name, f"请填写{LABELS[name]}"))
    if len(cleaned["title"]) > 200:
        errors.append(FieldError("title", "名称不能超过 200 个字符"))
    year = int_or_none(values.get("year"))
    if year is None or not 2000 <= year <= 2100:
        errors.append(FieldError("year", "请填写正确的年度"))
    start, end = _date(values.get("period_start")), _date(values.get("period_end"))
    if start is None:
        errors.append(FieldError("period_start", "请填写开始日期(YYYY-MM-DD)"))
    if end is None:
        errors.append(FieldError("period_end", "请填写结束日期(YYYY-MM-DD)"))
    if start and end and end < start:
        errors.append(FieldError("period_end", "结束日期不能早于开始日期"))
    if start and year and start.year != year:
        errors.append(FieldError("period_start", "专项检查应在计划年度内开始(计入该年度数量控制)"))
    approver_kind = text_of(values.get("approver_kind")) or ApproverKind.GOVERNMENT
    if approver_kind not in ApproverKind.values:
        errors.append(FieldError("approver_kind", "批准机关须为县人民政府或垂直管理的上一级行政机关"))
    co_agencies = _co_agencies_clean(values.get("co_agencies") or (), lead_id, errors)
    if errors:
        raise ValidationFailed(errors)
    cleaned.update(year=year, period_start=start, period_end=end, approver_kind=approver_kind)
    return cleaned, co_agencies


# --- Drafting --------------------------------------------------------------------------------------


@transaction.atomic
def special_plan_create(*, actor, lead_agency: Agency | int | None, year: int, title: str, scope: str, content: str,
                        period_start, period_end, assessment: str, co_agencies: Iterable = (),
                        approver_kind: str = ApproverKind.GOVERNMENT) -> SpecialPlan:
    """Draft a special plan of the lead agency; the assessment (经过评估确需开展) is required (R08)."""
    lead_id = lead_agency.pk if isinstance(lead_agency, Agency) else int_or_none(lead_agency)
    if lead_id is None:
        lead_id = actor_agency_id(actor)
        if lead_id is None:
            raise PermissionDenied("只有机关用户可以拟定专项检查计划")
    lead = Agency.objects.filter(pk=lead_id).first()
    if lead is None:
        raise NotFound("检查主体不存在")
    if actor_agency_id(actor) != lead.pk:
        if actor_is_county(actor):
            raise PermissionDenied("专项检查计划由牵头机关拟定")
        raise NotFound("检查主体不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied("只有本机关管理员或负责人可以拟定专项检查计划")
    fields, co = _fields_clean({"year": year, "title": title, "scope": scope, "content": content,
                                "period_start": period_start, "period_end": period_end, "assessment": assessment,
                                "co_agencies": co_agencies, "approver_kind": approver_kind}, lead.pk)
    plan = SpecialPlan.objects.create(lead_agency=lead, status=SpecialPlanStatus.DRAFT,
                                      created_by=actor_label(actor), **fields)
    plan.co_agencies.set(co)
    audit_record(actor=actor, action="special_plan.create", subject=plan, after=special_plan_dict(plan))
    return plan


@transaction.atomic
def special_plan_update(*, actor, plan_id: int, **fields) -> SpecialPlan:
    """Change a draft or rejected plan. A change of substance clears the legal review and the collective
    discussion, which covered the earlier text and must be recorded again (R08).
    """
    plan = _plan_for_lead(actor, plan_id)
    SPECIAL_PLAN.editable_check(plan.status, plan.title)
    unknown = sorted(set(fields) - set(EDIT_FIELDS))
    if unknown:
        raise ValidationFailed([FieldError(name, "该字段不可修改") for name in unknown])
    before = special_plan_dict(plan)
    merged = {**before, **fields}
    cleaned, co = _fields_clean(merged, plan.lead_agency_id)
    changed = [name for name in cleaned if cleaned[name] != before[name]]
    co_changed = "co_agencies" in fields and sorted(a.pk for a in co) != before["co_agencies"]
    if not changed and not co_changed:
        return plan
    for name in changed:
        setattr(plan, name, cleaned[name])
    substantive = co_changed or any(name != "approver_kind" for name in changed)
    cleared = substantive and bool(plan.legal_review or plan.collective_discussion)
    if substantive:
        plan.legal_review, plan.legal_reviewed_at = "", None
        plan.collective_discussion, plan.discussed_at = "", None
    plan.save()
    if co_changed:
        plan.co_agencies.set(co)
    after = special_plan_dict(plan)
    audit_record(actor=actor, action="special_plan.update", subject=plan,
                 before={k: before[k] for k in before if before[k] != after[k]},
                 after={**{k: after[k] for k in after if before[k] != after[k]}, "reviews_cleared": cleared})
    return plan


@transaction.atomic
def special_plan_legal_review_record(*, actor, plan_id: int, opinion: str) -> SpecialPlan:
    """Record the legal review (法制审核) opinion of a draft or rejected plan (R08)."""
    plan = _plan_for_lead(actor, plan_id)
    SPECIAL_PLAN.editable_check(plan.status, plan.title)
    opinion = text_of(opinion)
    if not opinion:
        raise ValidationFailed(FieldError("opinion", "请填写法制审核意见"))
    before = {"legal_review": plan.legal_review, "legal_reviewed_at": plan.legal_reviewed_at}
    plan.legal_review, plan.legal_reviewed_at = opinion, clock.now()
    plan.save(update_fields=["legal_review", "legal_reviewed_at", "updated_at"])
    audit_record(actor=actor, action="special_plan.legal_review", subject=plan, before=before,
                 after={"legal_review": plan.legal_review, "legal_reviewed_at": plan.legal_reviewed_at})
    return plan


@transaction.atomic
def special_plan_discussion_record(*, actor, plan_id: int, record: str, discussed_on) -> SpecialPlan:
    """Record the collective discussion (集体讨论) of a draft or rejected plan and its date (R08)."""
    plan = _plan_for_lead(actor, plan_id)
    SPECIAL_PLAN.editable_check(plan.status, plan.title)
    errors: list[FieldError] = []
    record = text_of(record)
    if not record:
        errors.append(FieldError("record", "请填写集体讨论记录"))
    day = _date(discussed_on)
    if day is None:
        errors.append(FieldError("discussed_on", "请填写讨论日期(YYYY-MM-DD)"))
    elif day > clock.local_today():
        errors.append(FieldError("discussed_on", "讨论日期不能晚于今天"))
    if errors:
        raise ValidationFailed(errors)
    before = {"collective_discussion": plan.collective_discussion, "discussed_at": plan.discussed_at}
    plan.collective_discussion = record
    plan.discussed_at = dt.datetime.combine(day, dt.time(0), tzinfo=clock.LOCAL_TZ)
    plan.save(update_fields=["collective_discussion", "discussed_at", "updated_at"])
    audit_record(actor=actor, action="special_plan.discussion", subject=plan, before=before,
                 after={"collective_discussion": record, "discussed_on": day})
    return plan


# --- Submission, approval, publication ---------------------------------------------------------------


def special_plan_quota_used(*, agency_id: int, year: int, exclude_id: int | None = None) -> int:
    """How many of the agency's special plans of ``year`` are submitted or approved (R08)."""
    qs = SpecialPlan.objects.filter(lead_agency_id=agency_id, year=year, status__in=QUOTA_HOLDING_STATUSES)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.count()


@transaction.atomic
def special_plan_submit(*, actor, plan_id: int) -> SpecialPlan:
    """Submit for approval (R08): legal review and collective discussion recorded, and room under the lead
    agency's annual quota, checked under a lock on the agency row so two submissions cannot both pass.
    """
    plan_ref = SpecialPlan.objects.filter(pk=int_or_none(plan_id) or 0).values("lead_agency_id").first()
    if plan_ref is None:
        raise NotFound("专项检查计划不存在")
    # The lock that carries the quota: every submission of this agency queues here first.
    Agency.objects.select_for_update().filter(pk=plan_ref["lead_agency_id"]).first()
    plan = _plan_for_lead(actor, plan_id)
    target = SPECIAL_PLAN.target(plan.status, "submit", plan.title, actor.role)
    quota = planning_settings_for(plan.lead_agency_id).special_plan_quota
    used = special_plan_quota_used(agency_id=plan.lead_agency_id, year=plan.year, exclude_id=plan.pk)
    if refusal := rules.special_plan_submit_refusal(plan, used=used, quota=quota):
        raise refusal
    before = plan.status
    plan.status = target
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="special_plan.submit", subject=plan, before={"status": before},
                 after={"status": plan.status, "quota": quota, "quota_used": used + 1})
    return plan


def _approve(actor, plan: SpecialPlan, *, note: str, by: str) -> SpecialPlan:
    now = clock.now()
    before = plan.status
    plan.status = SPECIAL_PLAN.transitions["approve"].target
    plan.approval_note, plan.approved_by, plan.approved_at, plan.published_at = note, by, now, now
    plan.save(update_fields=["status", "approval_note", "approved_by", "approved_at", "published_at",
                             "updated_at"])
    audit_record(actor=actor, action="special_plan.approve", subject=plan, before={"status": before},
                 after={"status": plan.status, "approver_kind": plan.approver_kind, "approved_by": by,
                        "note": note, "published_at": now})
    return plan


@transaction.atomic
def special_plan_approve(*, actor, plan_id: int, note: str = "") -> SpecialPlan:
    """Approve a submitted plan as the county government (R08); approval publishes it."""
    plan = _plan_for_approver(actor, plan_id)
    SPECIAL_PLAN.target(plan.status, "approve", plan.title, getattr(actor, "role", None))
    if plan.approver_kind != ApproverKind.GOVERNMENT:
        raise Conflict("该专项检查计划由垂直管理的上一级行政机关批准,由牵头机关登记批准文件")
    return _approve(actor, plan, note=text_of(note), by=actor_label(actor))


@transaction.atomic
def special_plan_record_superior_approval(*, actor, plan_id: int, document: str) -> SpecialPlan:
    """Record the vertical superior's approval document of a submitted plan (R08); it is published."""
    plan = _plan_for_lead(actor, plan_id)
    if plan.approver_kind != ApproverKind.VERTICAL_SUPERIOR:
        raise Conflict("该专项检查计划须报县人民政府批准,不能登记上级机关批准文件")
    SPECIAL_PLAN.target(plan.status, "record_superior_approval", plan.title, getattr(actor, "role", None))
    document = text_of(document)
    if not document:
        raise ValidationFailed(FieldError("document", "请填写上级机关批准文件(文号及批准意见)"))
    return _approve(actor, plan, note=document, by=f"{ApproverKind.VERTICAL_SUPERIOR.label}(由{actor_label(actor)}登记)")


@transaction.atomic
def special_plan_reject(*, actor, plan_id: int, note: str) -> SpecialPlan:
    """Refuse approval of a submitted plan as the county government, with the reason."""
    plan = _plan_for_approver(actor, plan_id)
    target = SPECIAL_PLAN.target(plan.status, "reject", plan.title, getattr(actor, "role", None))
    if plan.approver_kind != ApproverKind.GOVERNMENT:
        raise Conflict("该专项检查计划由垂直管理的上一级行政机关批准")
    note = text_of(note)
    if not note:
        raise ValidationFailed(FieldError("note", "请填写不予批准的理由"))
    before = plan.status
    plan.status, plan.approval_note = target, note
    plan.save(update_fields=["status", "approval_note", "updated_at"])
    audit_record(actor=actor, action="special_plan.reject", subject=plan, before={"status": before},
                 after={"status": plan.status, "note": note})
    return plan


@transaction.atomic
def special_plan_amend_urgent(*, actor, plan_id: int, reason: str, **changes) -> SpecialPlanAmendment:
    """Amend an approved plan urgently (scope, content, period) and file the amendment with before/after (R08)."""
    plan = _plan_for_lead(actor, plan_id)
    SPECIAL_PLAN.target(plan.status, "amend", plan.title, actor.role)
    unknown = sorted(set(changes) - set(AMEND_FIELDS))
    if unknown:
        raise ValidationFailed([FieldError(name, "紧急修改只能调整检查范围、检查内容和实施期间") for name in unknown])
    errors: list[FieldError] = []
    reason = text_of(reason)
    if not reason:
        errors.append(FieldError("reason", "请填写紧急修改的理由"))
    new = {name: getattr(plan, name) for name in AMEND_FIELDS}
    for name, value in changes.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # not changed
        if name in ("period_start", "period_end"):
            day = _date(value)
            if day is None:
                errors.append(FieldError(name, f"请填写正确的{LABELS[name]}(YYYY-MM-DD)"))
                continue
            new[name] = day
        else:
            new[name] = text_of(value)
    if new["period_end"] < new["period_start"]:
        errors.append(FieldError("period_end", "结束日期不能早于开始日期"))
    if new["period_start"].year != plan.year:
        errors.append(FieldError("period_start", "专项检查应在计划年度内开始"))
    diff = {name: [getattr(plan, name), new[name]] for name in AMEND_FIELDS if getattr(plan, name) != new[name]}
    if not errors and not diff:
        errors.append(FieldError("changes", "请至少修改一项内容"))
    if errors:
        raise ValidationFailed(errors)
    number = (SpecialPlanAmendment.objects.filter(plan=plan).aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = SpecialPlanAmendment.objects.create(
        plan=plan, number=number, reason=reason, changes=canonical_text(diff), filed_by=actor_label(actor),
        filed_at=clock.now(),
    )
    for name, (_, value) in diff.items():
        setattr(plan, name, value)
    plan.save(update_fields=[*diff, "updated_at"])
    audit_record(actor=actor, action="special_plan.amend", subject=plan,
                 before={name: old for name, (old, _) in diff.items()},
                 after={**{name: value for name, (_, value) in diff.items()}, "amendment": number, "reason": reason})
    return amendment
