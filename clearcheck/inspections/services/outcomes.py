"""Outcomes of on-site inspections (检查结果处置, R19): findings, their dispositions, and the closed loop.

While the record is being written, a confirmed officer of the open visit records findings (each tied to
non-compliant entries of the record, owned by the agency of the failed item) and gives dispositions.
Who gives dispositions: the visit's confirmed officers of the finding's agency, and that agency's admin
and head (a case filed after the visit, say). A correction order with a deadline files a re-check task
through ``planning.services.rechecks`` in the same transaction (the head approves it, R07).

The loop: a finding closes when the record is closed and every one of its dispositions is closed; a task
completes (planning TASK "complete") when every finding of its agency in the visit is closed. The visit
cannot close while a finding has no disposition (R19, BLOCK). Writes of the loop live in
``outcomes_loop``; every write is audited in its own transaction (R30).
"""

import datetime as dt

from django.db import transaction

from clearcheck.audit.services import actor_label, audit_record
from clearcheck.catalog.models import NoPenaltyEntry
from clearcheck.core import clock
from clearcheck.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from clearcheck.core.inputs import text_field
from clearcheck.registry.choices import AgencyStatus
from clearcheck.registry.models import Agency

from .. import rules
from ..choices import (
    DispositionKind,
    DispositionStatus,
    EntryResult,
    FindingStatus,
    RecordStatus,
    ReferralStatus,
    VisitStatus,
)
from ..models import Disposition, Finding, OnSiteRecord, RecordEntry, Visit
from ..selectors.outcomes import (
    actor_may_dispose,
    finding_get_for_actor,
    finding_warnings,
    id_valid,
    visit_officer_for,
)
from ..workflows import FINDING, RECORD, VISIT
from .outcomes_loop import (  # noqa: F401  (re-exported: the contract names other areas call)
    disposition_snapshot,
    loop_settle,
    outcomes_after_close,
    referral_accept,
    referral_handle,
)
from .records_common import signatures_void

MAX_TEXT = 4000
MAX_CASE_NUMBER = 64
MAX_DEADLINE_DAYS = 366
# Kinds whose loop closes the moment they are given (with what each needs).
CLOSE_AT_ONCE = (DispositionKind.NOTICE, DispositionKind.CORRECT_NOW, DispositionKind.CASE, DispositionKind.NO_PENALTY)


# --- helpers ---------------------------------------------------------------------------------------


def _id(value, label: str) -> int:
    raw = getattr(value, "pk", value)
    if not id_valid(raw):
        raise NotFound(f"{label}不存在")
    return int(raw)


def _date(value, field: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(clock.LOCAL_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date) or value in (None, ""):
        return value or None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationFailed(FieldError(field, "日期格式应为 YYYY-MM-DD")) from None


def finding_snapshot(finding: Finding) -> dict:
    """What the audit trail keeps of a finding."""
    return {
        "record": finding.record_id, "agency": finding.agency_id, "description": finding.description,
        "legal_basis": finding.legal_basis, "status": finding.status, "closed_at": finding.closed_at,
        "entries": sorted(finding.entries.values_list("pk", flat=True)) if finding.pk else [],
    }


def _recording_visit(actor, visit_id) -> tuple[Visit, OnSiteRecord]:
    """The open visit (locked) and its drafting record, for a confirmed officer of its team."""
    visit = (Visit.objects.select_for_update(of=("self",)).select_related("enterprise", "agency")
             .filter(pk=_id(visit_id, "入企记录")).first())
    if visit is None:
        raise NotFound("入企记录不存在")
    if visit_officer_for(actor, visit) is None:
        if getattr(actor, "officer_id", None) and visit.visit_officers.filter(officer_id=actor.officer_id).exists():
            raise PermissionDenied("请先在本人账号上确认入企,再登记检查发现")
        raise NotFound("入企记录不存在")
    record = OnSiteRecord.objects.select_for_update().filter(visit=visit).first()
    if record is None:
        raise NotFound("本次入企没有现场检查笔录")
    VISIT.target(visit.status, "close", str(visit.pk))  # Conflict unless the visit is still open
    RECORD.editable_check(record.status, str(record.pk))
    return visit, record


def _finding_for_recording(actor, finding_id) -> tuple[Finding, Visit, OnSiteRecord]:
    finding = Finding.objects.filter(pk=_id(finding_id, "检查发现")).first()
    if finding is None:
        raise NotFound("检查发现不存在")
    visit, record = _recording_visit(actor, finding.record.visit_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    return finding, visit, record


def _entries_clean(record: OnSiteRecord, entry_ids, *, finding: Finding | None = None) -> tuple[list, Agency]:
    """The failed entries of ``record`` a finding ties, all of one agency's items, none in another finding."""
    ids: list[int] = []
    for value in entry_ids or []:
        raw = getattr(value, "pk", value)
        if not id_valid(raw):
            raise ValidationFailed(FieldError("entries", f"检查内容编号无效:{value}"))
        ids.append(int(raw))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationFailed(FieldError("entries", "请选择检查结果为“不符合”的检查内容"))
    entries = list(RecordEntry.objects.select_related("item", "item__agency").filter(record=record, pk__in=ids)
                   .order_by("order", "id"))
    if len(entries) != len(ids):
        raise ValidationFailed(FieldError("entries", "所选检查内容不属于本次笔录"))
    passed = [str(e.order) for e in entries if e.result != EntryResult.NON_COMPLIANT]
    if passed:
        raise ValidationFailed(FieldError("entries", f"第 {'、'.join(passed)} 项检查结果不是“不符合”,不能登记为检查发现"))
    agencies = {e.item.agency_id: e.item.agency for e in entries}
    if len(agencies) > 1:
        raise ValidationFailed(FieldError("entries", "一项检查发现只能涉及同一检查主体的检查事项,请分别登记"))
    taken = RecordEntry.objects.filter(pk__in=ids, findings__isnull=False)
    if finding is not None:
        taken = taken.exclude(findings=finding)
    taken_orders = sorted(set(taken.values_list("order", flat=True)))
    if taken_orders:
        raise ValidationFailed(FieldError("entries", f"第 {'、'.join(map(str, taken_orders))} 项已登记在其他检查发现中"))
    return entries, next(iter(agencies.values()))


# --- findings --------------------------------------------------------------------------------------


@transaction.atomic
def finding_create(*, actor, visit_id, entry_ids, description: str, legal_basis: str = "") -> Finding:
    """Record a finding tied to non-compliant entries of the open visit's drafting record (R19); its agency is
    the agency of the failed items (joint visits).
    """
    visit, record = _recording_visit(actor, visit_id)
    entries, agency = _entries_clean(record, entry_ids)
    text = text_field(description, "description", limit=MAX_TEXT, missing="请描述发现的问题")
    basis = text_field(legal_basis, "legal_basis", limit=MAX_TEXT)
    finding = Finding.objects.create(record=record, agency=agency, description=text, legal_basis=basis,
                                     status=FindingStatus.OPEN, created_by=actor_label(actor)[:150],
                                     created_at=clock.now())
    finding.entries.set(entries)
    audit_record(actor=actor, action="finding.create", subject=finding, after=finding_snapshot(finding),
                 extra={"visit": visit.pk, "signatures_voided": signatures_void(record) or None})
    return finding


@transaction.atomic
def finding_update(*, actor, finding_id, entry_ids=None, description=None, legal_basis=None) -> Finding:
    """Change a finding while the record is being written; its entries stay fixed once a correction order
    with a deadline (and so a re-check of those entries) was given.
    """
    finding, visit, record = _finding_for_recording(actor, finding_id)
    before = finding_snapshot(finding)
    if entry_ids is not None:
        entries, agency = _entries_clean(record, entry_ids, finding=finding)
        if {e.pk for e in entries} != set(before["entries"]):
            if finding.dispositions.filter(kind=DispositionKind.CORRECT_BY_DEADLINE).exists():
                raise Conflict("该检查发现已责令限期改正并提报复查任务;请先撤销该处置,再修改所涉检查内容")
            if agency.pk != finding.agency_id and finding.dispositions.exists():
                raise Conflict("已作出处置的检查发现不能改为其他检查主体的事项;请先撤销处置")
            finding.agency = agency
            finding.entries.set(entries)
    if description is not None:
        finding.description = text_field(description, "description", limit=MAX_TEXT, missing="请描述发现的问题")
    if legal_basis is not None:
        finding.legal_basis = text_field(legal_basis, "legal_basis", limit=MAX_TEXT)
    finding.save()
    after = finding_snapshot(finding)
    if after == before:
        return finding
    audit_record(actor=actor, action="finding.update", subject=finding, before=before, after=after,
                 extra={"visit": visit.pk, "signatures_voided": signatures_void(record) or None})
    return finding


@transaction.atomic
def finding_remove(*, actor, finding_id) -> None:
    """Delete a finding recorded in error, with its dispositions, while the record is being written (a
    re-check task it filed is cancelled; a referral the receiving agency already accepted stops it).
    """
    finding, visit, record = _finding_for_recording(actor, finding_id)
    for disposition in list(finding.dispositions.select_for_update().order_by("id")):
        _disposition_delete(actor, disposition, reason="检查发现已删除")
    before = finding_snapshot(finding)
    pk = finding.pk
    finding.entries.clear()
    finding.delete()
    audit_record(actor=actor, action="finding.remove", subject=("inspections.finding", pk), before=before,
                 extra={"visit": visit.pk, "signatures_voided": signatures_void(record) or None})


# --- dispositions ----------------------------------------------------------------------------------


def _finding_for_disposing(actor, finding_id, *, drafting: bool = False) -> Finding:
    """The open finding (locked) the actor may dispose of; NotFound outside the actor's reach."""
    finding = finding_get_for_actor(actor=actor, finding_id=_id(finding_id, "检查发现"))
    if not actor_may_dispose(actor, finding):
        raise PermissionDenied(f"检查发现的处置由本次检查的{finding.agency.name}执法人员或该机关负责人、管理员作出")
    finding = (Finding.objects.select_for_update(of=("self",)).select_related("agency", "record", "record__visit")
               .get(pk=finding.pk))
    if drafting and finding.record.status != RecordStatus.DRAFTING:
        raise Conflict("笔录已完成,处置不能撤销")
    if not FINDING.allowed(finding.status, "close"):
        raise Conflict(f"检查发现 #{finding.pk} 已办结,不能再添加或撤销处置")
    visit = finding.record.visit
    if visit.status not in (VisitStatus.OPEN, VisitStatus.CLOSED):
        raise Conflict(f"入企记录当前为“{visit.get_status_display()}”,不能作出处置")
    return finding


def _no_penalty_ground(finding: Finding, entry_id, no_fault: bool, note: str) -> NoPenaltyEntry | None:
    """R19: the ground of a no-penalty decision is an entry of the finding agency's published list, or the
    statutory no-fault ground (无主观过错不罚, which needs no list but a statement of the facts).
    """
    if entry_id in (None, ""):
        if no_fault:
            if not note:
                raise ValidationFailed(FieldError("note", "以无主观过错不予处罚的,请写明当事人无主观过错的事实和证据"))
            return None
        raise ValidationFailed(FieldError("no_penalty_entry", "请选择本机关免罚清单中的免罚依据"))
    raw = getattr(entry_id, "pk", entry_id)
    entry = NoPenaltyEntry.objects.filter(pk=int(raw)).first() if id_valid(raw) else None
    if refusal := rules.no_penalty_ground_refusal(entry, finding):
        raise refusal
    return entry


def _referral_agency(finding: Finding, value) -> Agency:
    raw = getattr(value, "pk", value)
    if raw in (None, ""):
        raise ValidationFailed(FieldError("referred_to", "请选择接收移送的机关"))
    agency = Agency.objects.filter(pk=int(raw), listed=True).first() if id_valid(raw) else None
    if agency is None:
        raise ValidationFailed(FieldError("referred_to", "请从已公布的行政执法机关中选择接收机关"))
    if agency.status != AgencyStatus.ACTIVE:
        raise ValidationFailed(FieldError("referred_to", f"{agency.name}当前不能接收移送"))
    if agency.pk == finding.agency_id:
        raise ValidationFailed(FieldError("referred_to", "不能移送本机关"))
    return agency


def _duplicate_check(finding: Finding, kind: str, referred_to: Agency | None) -> None:
    same = finding.dispositions.filter(kind=kind)
    if kind == DispositionKind.REFER:
        same = same.filter(referred_to=referred_to)
    existing = same.first()
    if existing is not None:
        label = DispositionKind(kind).label
        target = f"({referred_to.name})" if referred_to else ""
        raise Conflict(f"该检查发现已有“{label}”{target}处置(#{existing.pk}),不能重复添加")


def _recheck_task(actor, finding: Finding, deadline: dt.date, note: str):
    """File the re-check of the failed entries (R19) for the agency head's approval."""
    from clearcheck.planning.services.rechecks import recheck_task_create

    visit = finding.record.visit
    entries = list(finding.entries.select_related("item").order_by("order", "id"))
    items = list(dict.fromkeys(e.item for e in entries))
    officers = [vo.officer for vo in visit.visit_officers.select_related("officer")
                .filter(confirmed_at__isnull=False, officer__agency_id=finding.agency_id).order_by("id")]
    if len(officers) < 2:  # the task's own officers of that agency make up the team (R14)
        for task in visit.tasks.filter(agency_id=finding.agency_id).order_by("id"):
            officers += [o for o in task.officers.order_by("id") if o not in officers]
    orders = "、".join(str(e.order) for e in entries)
    return recheck_task_create(
        actor=actor, agency=finding.agency, enterprise=visit.enterprise, items=items, officers=officers,
        deadline=deadline, source_reference=f"复查:检查发现 #{finding.pk}(入企记录 #{visit.pk})",
        notice=f"责令限期改正(期限至 {deadline:%Y-%m-%d})后复查笔录第 {orders} 项:{finding.description}"
               + (f"\n整改要求:{note}" if note else ""),
    )


@transaction.atomic
def disposition_add(*, actor, finding_id, kind: str, note: str = "", deadline=None, referred_to=None,
                    case_number: str = "", no_penalty_entry=None, no_fault: bool = False) -> Disposition:
    """Give a finding one more disposition (R19, fitting the finding: ``rules.disposition_kind_refusal``): correct now, correct by a deadline (files a re-check
    task), refer to another listed agency, file a case (with its number), or no penalty on a ground of the
    agency's published no-penalty list. Notice, correct-now, case and no-penalty close at once.
    """
    finding = _finding_for_disposing(actor, finding_id)
    if kind not in DispositionKind.values:
        raise ValidationFailed(FieldError("kind", "请选择处置方式"))
    if refusal := rules.disposition_kind_refusal(finding, kind):
        raise refusal
    text = text_field(note, "note", limit=MAX_TEXT)
    row = Disposition(finding=finding, kind=kind, status=DispositionStatus.OPEN, created_by=actor_label(actor)[:150],
                      created_at=clock.now())
    target = None
    if kind == DispositionKind.CORRECT_NOW:
        text = text_field(note, "note", limit=MAX_TEXT, missing="请记录当场改正的情况")
    elif kind == DispositionKind.CORRECT_BY_DEADLINE:
        row.deadline = _date(deadline, "deadline")
        today = clock.local_today()
        if row.deadline is None:
            raise ValidationFailed(FieldError("deadline", "请填写整改期限"))
        if row.deadline <= today:
            raise ValidationFailed(FieldError("deadline", "整改期限须晚于今天"))
        if row.deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
            raise ValidationFailed(FieldError("deadline", "整改期限不超过一年"))
    elif kind == DispositionKind.REFER:
        target = row.referred_to = _referral_agency(finding, referred_to)
        text = text_field(note, "note", limit=MAX_TEXT, missing="请写明移送事由")
        row.referral_status = ReferralStatus.PENDING
    elif kind == DispositionKind.CASE:
        row.case_number = text_field(case_number, "case_number", limit=MAX_CASE_NUMBER, missing="请填写立案号")
    elif kind == DispositionKind.NO_PENALTY:
        row.no_penalty_entry = _no_penalty_ground(finding, no_penalty_entry, bool(no_fault), text)
    _duplicate_check(finding, kind, target)
    row.note = text
    if kind in CLOSE_AT_ONCE:
        row.status = DispositionStatus.CLOSED
        row.closed_at, row.closed_by = row.created_at, row.created_by
    row.save()
    if kind == DispositionKind.CORRECT_BY_DEADLINE:
        row.recheck_task = _recheck_task(actor, finding, row.deadline, text)
        row.save(update_fields=["recheck_task"])
    audit_record(actor=actor, action="disposition.add", subject=row, after=disposition_snapshot(row),
                 extra={"warnings": finding_warnings(finding) or None})
    loop_settle(actor=actor, finding=finding)
    return row


def _disposition_delete(actor, disposition: Disposition, reason: str) -> None:
    if disposition.kind == DispositionKind.REFER and disposition.referral_status != ReferralStatus.PENDING:
        raise Conflict(f"移送已被{disposition.referred_to.name}接收,不能撤销")
    before = disposition_snapshot(disposition)
    task_id = disposition.recheck_task_id
    pk = disposition.pk
    disposition.delete()
    if task_id:
        from clearcheck.planning.services.rechecks import recheck_task_withdraw

        recheck_task_withdraw(actor=actor, task_id=task_id, reason=f"责令限期改正已撤销:{reason}")
    audit_record(actor=actor, action="disposition.remove", subject=("inspections.disposition", pk), before=before,
                 extra={"reason": reason})


@transaction.atomic
def disposition_remove(*, actor, disposition_id, reason: str = "") -> None:
    """Withdraw a disposition given in error while the record is still being written (its re-check task is
    cancelled; a referral only while the receiving agency has not accepted it).
    """
    disposition = Disposition.objects.select_related("finding").filter(pk=_id(disposition_id, "处置")).first()
    if disposition is None:
        raise NotFound("处置不存在")
    _finding_for_disposing(actor, disposition.finding_id, drafting=True)
    disposition = Disposition.objects.select_for_update(of=("self",)).select_related("referred_to").get(pk=disposition.pk)
    _disposition_delete(actor, disposition, reason=text_field(reason, "reason", limit=MAX_TEXT) or "处置有误")


__all__ = [
    "disposition_add", "disposition_remove", "disposition_snapshot", "finding_create", "finding_remove",
    "finding_snapshot", "finding_update", "loop_settle", "outcomes_after_close",
    "referral_accept", "referral_handle",
]
