"""Inspection tasks (检查任务 / 检查方案): create and edit, submit before entry (事前备案, R06), urgent start
with approval afterwards (R10), approval by the agency head only (R07) under the cap (R21), reject, cancel.

Every content rule (R01 R02 R04 R08 R12 R14 R25) lives in ``planning.rules``; states change only through
``workflows.TASK``; every write is audited in its own transaction (R30).
"""

import datetime as dt

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.catalog.models import Checklist, InspectionItem
from clearcheck.core import clock
from clearcheck.core.errors import DomainError, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.registry.choices import EnterpriseStatus
from clearcheck.registry.models import Agency, Enterprise, Officer

from .. import rules
from ..calendar import working_days_deadline
from ..choices import AvGround, TaskSource, TaskStatus
from ..models import AnnualPlanEntry, InspectionTask, SpecialPlan
from ..selectors.tasks import task_id_valid
from ..settings import planning_settings_for
from ..workflows import TASK
from .caps import cap_place_release, cap_place_take, cap_refusal_for, task_cap_verdict
from .coordination import reduction_flags_apply

WRITER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
EDITABLE_FIELDS = {
    "enterprise", "inspection_type", "source", "items", "officers", "window_start", "window_end", "checklist",
    "notice", "plan_entry", "special_plan", "source_reference", "urgent_reason", "av_ground",
}


# --- Helpers ---------------------------------------------------------------------------------------


def task_snapshot(task: InspectionTask) -> dict:
    """What the audit trail keeps of a task."""
    return {
        "agency": task.agency_id, "enterprise": task.enterprise_id, "inspection_type": task.inspection_type,
        "source": task.source, "source_reference": task.source_reference,
        "items": sorted(task.items.values_list("pk", flat=True)) if task.pk else [],
        "officers": sorted(task.officers.values_list("pk", flat=True)) if task.pk else [],
        "checklist": task.checklist_id, "window": [task.window_start, task.window_end], "year": task.year,
        "notice": task.notice, "plan_entry": task.plan_entry_id, "special_plan": task.special_plan_id,
        "status": task.status, "urgent": task.urgent, "urgent_reason": task.urgent_reason,
        "approval_deadline": task.approval_deadline, "counts_against_cap": task.counts_against_cap,
        "cap_place": task.cap_place, "av_required": task.av_required, "av_ground": task.av_ground,
    }


def _writer_check(actor, agency_id: int) -> None:
    """Admin, head or department head of the task's agency; others' tasks are NotFound."""
    if actor_agency_id(actor) != agency_id:
        if actor_is_county(actor):
            raise PermissionDenied("检查任务由本机关办理")
        raise NotFound("检查任务不存在")
    if not actor_has_role(actor, *WRITER_ROLES):
        raise PermissionDenied("只有本机关管理员、负责人或内设机构负责人可以办理检查任务")


def _head_check(actor, task: InspectionTask) -> None:
    """R07: only the agency head of the task's agency decides; a department head alone is refused."""
    if actor_agency_id(actor) != task.agency_id:
        if actor_is_county(actor):
            raise PermissionDenied("检查任务由本机关负责人审批")
        raise NotFound("检查任务不存在")
    refusal = rules.approver_refusal(actor)
    if refusal is not None:
        raise refusal


def _task_locked(actor, task_id: int) -> InspectionTask:
    if not task_id_valid(task_id):
        raise NotFound("检查任务不存在")
    task = (InspectionTask.objects.select_for_update().select_related("agency", "enterprise")
            .filter(pk=task_id).first())
    if task is None:
        raise NotFound("检查任务不存在")
    if not actor_is_county(actor) and actor_agency_id(actor) != task.agency_id:
        raise NotFound("检查任务不存在")
    return task


def _date(value, field: str, errors: list[FieldError]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(FieldError(field, "日期格式应为 YYYY-MM-DD"))
        return None


def _pk(value):
    return getattr(value, "pk", value)


def _rows(model, values, field: str, label: str, errors: list[FieldError]) -> list:
    ids: list[int] = []
    for value in values or []:
        try:
            ids.append(int(_pk(value)))
        except (TypeError, ValueError):
            errors.append(FieldError(field, f"{label}编号无效:{value}"))
    ids = list(dict.fromkeys(ids))
    found = {row.pk: row for row in model.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        errors.append(FieldError(field, f"{label}不存在:" + "、".join(map(str, missing))))
    return [found[i] for i in ids if i in found]


def _one(model, value, field: str, label: str, errors: list[FieldError]):
    if value in (None, ""):
        return None
    try:
        row = model.objects.filter(pk=int(_pk(value))).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        errors.append(FieldError(field, f"{label}不存在"))
    return row


def task_content_clean(agency: Agency, data: dict) -> dict:
    """Resolve and check a task's fields; raise the first refusal (ValidationFailed, then the rules)."""
    errors: list[FieldError] = []
    enterprise = _one(Enterprise, data.get("enterprise"), "enterprise", "企业", errors)
    if data.get("enterprise") in (None, ""):
        errors.append(FieldError("enterprise", "请选择被检查企业"))
    elif enterprise is not None and enterprise.status != EnterpriseStatus.OPERATING:
        errors.append(FieldError("enterprise", f"{enterprise.name} 登记状态为“{enterprise.get_status_display()}”"))
    items = _rows(InspectionItem, data.get("items"), "items", "检查事项", errors)
    officers = _rows(Officer, data.get("officers"), "officers", "执法人员", errors)
    checklist = _one(Checklist, data.get("checklist"), "checklist", "检查表单", errors)
    special_plan = _one(SpecialPlan, data.get("special_plan"), "special_plan", "专项检查计划", errors)
    plan_entry = _one(AnnualPlanEntry, data.get("plan_entry"), "plan_entry", "年度计划安排", errors)
    if plan_entry is not None and plan_entry.plan.agency_id != agency.pk:
        errors.append(FieldError("plan_entry", "该年度计划安排不属于本机关"))
    window_start = _date(data.get("window_start"), "window_start", errors)
    window_end = _date(data.get("window_end"), "window_end", errors)
    inspection_type, source = str(data.get("inspection_type") or ""), str(data.get("source") or "")
    errors += rules.type_source_errors(inspection_type, source, special_plan=special_plan)
    errors += rules.task_window_errors(window_start, window_end)
    texts = {name: str(data.get(name) or "").strip()
             for name in ("notice", "source_reference", "urgent_reason")}
    texts["av_ground"] = str(data.get("av_ground") or "").strip()
    if texts["av_ground"] and texts["av_ground"] not in AvGround.values:
        errors.append(FieldError("av_ground", "全过程音像记录的事由须为争议较大、涉及人身自由、生命健康或重大财产权益"))
    if len(texts["source_reference"]) > 128:
        errors.append(FieldError("source_reference", "来源文号不超过 128 个字符"))
    if errors:
        raise ValidationFailed(errors)
    refusal = rules.task_refusal(agency=agency, items=items, officers=officers, checklist=checklist,
                                 window_start=window_start, window_end=window_end, special_plan=special_plan,
                                 today=clock.local_today(), enterprise=enterprise) \
        or rules.draw_refusal(inspection_type, source, items, from_draw=bool(data.get("from_draw")))
    if refusal is not None:
        raise refusal
    return {"enterprise": enterprise, "items": items, "officers": officers, "checklist": checklist,
            "special_plan": special_plan, "plan_entry": plan_entry, "window_start": window_start,
            "window_end": window_end, "inspection_type": inspection_type, "source": source, **texts}


def _content_data(task: InspectionTask) -> dict:
    return {
        "enterprise": task.enterprise_id, "inspection_type": task.inspection_type, "source": task.source,
        "items": list(task.items.values_list("pk", flat=True)),
        "officers": list(task.officers.values_list("pk", flat=True)), "window_start": task.window_start,
        "window_end": task.window_end, "checklist": task.checklist_id, "notice": task.notice,
        "plan_entry": task.plan_entry_id, "special_plan": task.special_plan_id,
        "source_reference": task.source_reference, "urgent_reason": task.urgent_reason, "av_ground": task.av_ground,
        "from_draw": task.source == TaskSource.DRAW and task.draw_picks.exists(),
    }


def task_content_apply(task: InspectionTask, fields: dict) -> None:
    """Copy the fields ``task_content_clean`` resolved onto the task (not saved)."""
    for name in ("enterprise", "checklist", "special_plan", "plan_entry", "window_start", "window_end",
                 "inspection_type", "source", "notice", "source_reference", "urgent_reason", "av_ground"):
        setattr(task, name, fields[name])
    # R17: a task with a ground needs a full audio/video record of its visit (原则上要全过程音像记录).
    task.av_required = bool(task.av_ground)
    task.year = fields["window_start"].year
    task.counts_against_cap = rules.counts_against_cap(task.agency, task.source)


def task_low_risk_check(task: InspectionTask) -> None:
    """R21: a proactive task at a low-risk enterprise is refused before anything else happens."""
    if task.counts_against_cap and (refusal := rules.cap_refusal(task_cap_verdict(task, 0, items=False))):
        raise refusal


# --- Create and edit -------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *, actor, agency, enterprise, inspection_type: str, source: str, items, officers, window_start, window_end,
    checklist=None, notice: str = "", plan_entry=None, special_plan=None, source_reference: str = "",
    urgent_reason: str = "", av_ground: str = "",
) -> InspectionTask:
    """Draft a task (R01 R02 R04 R08 R12 R14 R25 checked now and again at submit and approval)."""
    agency_obj = Agency.objects.filter(pk=_pk(agency)).first()
    if agency_obj is None:
        raise NotFound("检查主体不存在")
    _writer_check(actor, agency_obj.pk)
    fields = task_content_clean(agency_obj, {
        "enterprise": enterprise, "inspection_type": inspection_type, "source": source, "items": items,
        "officers": officers, "window_start": window_start, "window_end": window_end, "checklist": checklist,
        "notice": notice, "plan_entry": plan_entry, "special_plan": special_plan,
        "source_reference": source_reference, "urgent_reason": urgent_reason, "av_ground": av_ground,
    })
    task = InspectionTask(agency=agency_obj, status=TaskStatus.DRAFT, created_by=actor_label(actor),
                          created_at=clock.now())
    task_content_apply(task, fields)
    task.save()
    task.items.set(fields["items"])
    task.officers.set(fields["officers"])
    audit_record(actor=actor, action="inspection_task.create", subject=task, after=task_snapshot(task))
    return task


@transaction.atomic
def task_update(*, actor, task_id: int, data: dict) -> InspectionTask:
    """Change a draft or returned task (other states are not editable)."""
    unknown = sorted(set(data) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed([FieldError(name, "该字段不可修改") for name in unknown])
    task = _task_locked(actor, task_id)
    _writer_check(actor, task.agency_id)
    TASK.editable_check(task.status, str(task))
    if refusal := rules.draw_task_frozen_refusal(task, data):
        raise refusal
    before = task_snapshot(task)
    fields = task_content_clean(task.agency, {**_content_data(task), **data})
    task_content_apply(task, fields)
    task.save()
    task.items.set(fields["items"])
    task.officers.set(fields["officers"])
    audit_record(actor=actor, action="inspection_task.update", subject=task, before=before,
                 after=task_snapshot(task))
    return task


def task_approval_refusals(task: InspectionTask) -> list[DomainError]:
    """What submitting or approving ``task`` now would run into, read only (its page shows it before anyone
    decides): the checks ``task_submit`` and ``task_approve`` make on its content (R01 R02 R04 R08 R12 R13
    R14 R24 R25) and, while it holds no place yet, the limits (R21).
    """
    found: list[DomainError] = []
    try:
        _revalidate(task)
    except DomainError as exc:
        found.append(exc)
    if task.status in (TaskStatus.DRAFT, TaskStatus.SUBMITTED, TaskStatus.REJECTED) and \
            (refusal := cap_refusal_for(task)):
        found.append(refusal)
    return found


# --- Workflow --------------------------------------------------------------------------------------


def _revalidate(task: InspectionTask) -> None:
    task_content_clean(task.agency, _content_data(task))


@transaction.atomic
def task_submit(*, actor, task_id: int) -> InspectionTask:
    """File the task on the platform before entry (事前备案, R06); its content is checked again."""
    task = _task_locked(actor, task_id)
    _writer_check(actor, task.agency_id)
    target = TASK.target(task.status, "submit", str(task))
    _revalidate(task)
    task_low_risk_check(task)
    before = task.status
    task.status = target
    task.submitted_at = clock.now()
    task.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, action="inspection_task.submit", subject=task, before={"status": before},
                 after={"status": task.status, "submitted_at": task.submitted_at})
    return task


@transaction.atomic
def task_start_urgent(*, actor, task_id: int, reason: str) -> InspectionTask:
    """Start an urgent task before approval (R10: urgent sources only), recording source and reason;
    the head's approval is due within the agency's working-day deadline.
    """
    task = _task_locked(actor, task_id)
    _writer_check(actor, task.agency_id)
    if refusal := rules.urgent_start_refusal(task):
        raise refusal
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "紧急实施须记录事由"))
    target = TASK.target(task.status, "start_urgent", str(task))
    _revalidate(task)
    now = clock.now()
    days = planning_settings_for(task.agency_id).urgent_approval_working_days
    task.status, task.urgent, task.urgent_reason = target, True, reason
    task.urgent_started_at = task.submitted_at = now
    # Into a year whose calendar is not loaded the deadline is provisional until the bureau loads it (issue 20).
    task.approval_deadline, task.approval_deadline_provisional = working_days_deadline(clock.local_today(), days)
    task.save(update_fields=["status", "urgent", "urgent_reason", "urgent_started_at", "submitted_at",
                             "approval_deadline", "approval_deadline_provisional", "updated_at"])
    cap_place_take(actor=actor, task=task, refuse=False)
    audit_record(actor=actor, action="inspection_task.start_urgent", subject=task, before={"status": "draft"},
                 after={"status": task.status, "source": task.source, "reason": reason,
                        "approval_deadline": task.approval_deadline, "working_days": days,
                        "approval_deadline_provisional": task.approval_deadline_provisional,
                        "cap_place": task.cap_place})
    reduction_flags_apply(task=task, actor=actor)  # 核减合并: later planned tasks on the same items (R09)
    return task


@transaction.atomic
def task_approve(*, actor, task_id: int, note: str = "") -> InspectionTask:
    """Approve a task: the agency head only (R07), filed first (R06), content still valid, and a place
    under the cap (R21, taken under a row lock; exempt sources counted and reported).
    """
    task = _task_locked(actor, task_id)
    _head_check(actor, task)
    if refusal := rules.task_unfiled_refusal(task):
        raise refusal
    target = TASK.target(task.status, "approve", str(task))
    _revalidate(task)
    before = task.status
    verdict = cap_place_take(actor=actor, task=task)
    now = clock.now()
    task.status = target
    task.approved_by, task.approved_by_id, task.approved_at = actor_label(actor), actor.pk, now
    task.decision_note = (note or "").strip()
    task.save(update_fields=["status", "approved_by", "approved_by_id", "approved_at", "decision_note", "updated_at"])
    late = bool(task.urgent and task.approval_deadline and clock.local_today() > task.approval_deadline)
    audit_record(actor=actor, action="inspection_task.approve", subject=task, before={"status": before},
                 after={"status": task.status, "note": task.decision_note, "cap_place": task.cap_place,
                        "cap": verdict.cap if verdict else None, "used": verdict.used + 1 if verdict else None,
                        "late_urgent_approval": late})
    if before == TaskStatus.SUBMITTED:  # an urgent task was flagged when it started
        reduction_flags_apply(task=task, actor=actor)
    return task


@transaction.atomic
def task_reject(*, actor, task_id: int, note: str) -> InspectionTask:
    """Return a submitted task to its drafters with a reason (agency head, R07)."""
    task = _task_locked(actor, task_id)
    _head_check(actor, task)
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(FieldError("note", "请填写退回理由"))
    target = TASK.target(task.status, "reject", str(task))
    before = task.status
    task.status, task.decision_note = target, note
    task.save(update_fields=["status", "decision_note", "updated_at"])
    audit_record(actor=actor, action="inspection_task.reject", subject=task, before={"status": before},
                 after={"status": task.status, "note": note})
    return task


@transaction.atomic
def task_cancel(*, actor, task_id: int, reason: str) -> InspectionTask:
    """Cancel a task; an approved or urgent one gives its place under the cap back (R21)."""
    task = _task_locked(actor, task_id)
    _writer_check(actor, task.agency_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "请填写取消理由"))
    target = TASK.target(task.status, "cancel", str(task))
    before = task.status
    released = cap_place_release(task)
    task.status, task.decision_note = target, reason
    task.save(update_fields=["status", "decision_note", "updated_at"])
    audit_record(actor=actor, action="inspection_task.cancel", subject=task, before={"status": before},
                 after={"status": task.status, "reason": reason, "cap_released": released or None})
    return task


@transaction.atomic
def tasks_complete(*, actor, task_ids, facts: dict | None = None) -> list[int]:
    """Complete each of ``task_ids`` that the workflow lets complete (approved → completed): called when the
    loop of the visit that carried them has closed for their agency (R19). An urgent task still awaiting
    its approval (R10) is left as it is. ``facts`` (e.g. the visit and record) go into each audit event.
    Returns the ids completed.
    """
    done: list[int] = []
    for task in InspectionTask.objects.select_for_update().filter(pk__in=list(task_ids)).order_by("id"):
        if not TASK.allowed(task.status, "complete"):
            continue
        before = task.status
        task.status = TASK.target(task.status, "complete", str(task))
        task.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="inspection_task.complete", subject=task, before={"status": before},
                     after={"status": task.status, **(facts or {})})
        done.append(task.pk)
    return done
