"""The closed loop of outcomes (R19): after the record closes, findings close when all their dispositions
are closed, and the visit's tasks complete when every finding of their agency is closed.

``outcomes_after_close`` runs inside ``services.records.visit_close``'s transaction: it refuses the close
while a finding has no disposition (R19, BLOCK), closes the correction orders whose failed entries this
visit re-checked as compliant, closes what can be closed and completes the tasks. A referral handled by
the receiving agency closes its disposition the same way (``referral_handle``). Locks are taken finding
first, then disposition, everywhere, so two closings cannot wait on each other.
"""

from django.db import transaction

from clearcheck.accounts.selectors import actor_agency_id
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.planning.services.tasks import tasks_complete

from .. import rules
from ..choices import DispositionKind, DispositionStatus, EntryResult, FindingStatus, RecordStatus
from ..models import Disposition, Finding, OnSiteRecord, RecordEntry, Visit
from ..selectors.outcomes import REFERRAL_HANDLERS, actor_may_handle_referral, id_valid
from ..workflows import DISPOSITION, FINDING, REFERRAL

MAX_NOTE = 4000
MAX_CHAIN = 50  # re-check of a re-check of …: far more rounds than any real correction takes


def disposition_snapshot(d: Disposition) -> dict:
    """What the audit trail keeps of a disposition."""
    return {
        "finding": d.finding_id, "kind": d.kind, "status": d.status, "note": d.note, "deadline": d.deadline,
        "recheck_task": d.recheck_task_id, "referred_to": d.referred_to_id, "referral_status": d.referral_status,
        "referral_note": d.referral_note, "case_number": d.case_number, "no_penalty_entry": d.no_penalty_entry_id,
        "closed_at": d.closed_at, "closed_by": d.closed_by, "closing_note": d.closing_note,
    }


# --- closing -----------------------------------------------------------------------------------------


def _disposition_close(actor, disposition: Disposition, note: str) -> None:
    before = disposition_snapshot(disposition)
    disposition.status = DISPOSITION.target(disposition.status, "close", str(disposition))
    disposition.closed_at = clock.now()
    disposition.closed_by = actor_label(actor)[:150]
    disposition.closing_note = note
    disposition.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    audit_record(actor=actor, action="disposition.close", subject=disposition, before=before,
                 after=disposition_snapshot(disposition))


def _finding_close(actor, finding: Finding) -> bool:
    """Close ``finding`` (locked by the caller) once its record is closed and all its dispositions are."""
    if finding.status != FindingStatus.OPEN:
        return False
    if OnSiteRecord.objects.filter(pk=finding.record_id, status=RecordStatus.CLOSED).count() == 0:
        return False
    statuses = set(finding.dispositions.values_list("status", flat=True))
    if not statuses or statuses != {DispositionStatus.CLOSED}:
        return False
    finding.status = FINDING.target(finding.status, "close", str(finding))
    finding.closed_at = clock.now()
    finding.save(update_fields=["status", "closed_at"])
    audit_record(actor=actor, action="finding.close", subject=finding, before={"status": FindingStatus.OPEN},
                 after={"status": finding.status, "closed_at": finding.closed_at})
    return True


def _tasks_complete(actor, visit: Visit) -> list[int]:
    """Complete each approved task of ``visit`` no open finding of its agency holds up (planning TASK
    "complete"); a visit without findings completes them all. Returns the completed task ids.
    """
    record = OnSiteRecord.objects.filter(visit=visit, status=RecordStatus.CLOSED).first()
    if record is None:
        return []
    waiting = set(Finding.objects.filter(record=record, status=FindingStatus.OPEN).values_list("agency_id", flat=True))
    task_ids = list(visit.visit_tasks.exclude(task__agency_id__in=waiting).values_list("task_id", flat=True))
    return tasks_complete(actor=actor, task_ids=task_ids, facts={"visit": visit.pk, "record": record.pk})


def loop_settle(*, actor, finding: Finding) -> None:
    """After a disposition closed: close the finding when it can, then complete its visit's tasks."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if _finding_close(actor, finding):
        _tasks_complete(actor, Visit.objects.get(pk=finding.record.visit_id))


# --- re-checks ---------------------------------------------------------------------------------------


def _entry_resolved(entry_id: int) -> bool:
    """Whether a failed entry was re-checked (directly, or by a later round) as compliant in a closed record."""
    frontier = [entry_id]
    for _ in range(MAX_CHAIN):
        rows = list(RecordEntry.objects.filter(rechecks_id__in=frontier).values_list("pk", "result", "record__status"))
        if any(r == EntryResult.COMPLIANT and s == RecordStatus.CLOSED for _, r, s in rows):
            return True
        frontier = [pk for pk, _, _ in rows]
        if not frontier:
            return False
    return False


def _rechecks_settle(actor, record: OnSiteRecord) -> set[int]:
    """Close the open correction orders whose failed entries are now all re-checked compliant, this record's
    compliant re-checks among them. Returns the ids of the findings whose dispositions closed.
    """
    frontier = list(RecordEntry.objects.filter(record=record, result=EntryResult.COMPLIANT, rechecks__isnull=False)
                    .values_list("rechecks_id", flat=True))
    ancestors: set[int] = set()
    for _ in range(MAX_CHAIN):
        frontier = [pk for pk in frontier if pk not in ancestors]
        if not frontier:
            break
        ancestors.update(frontier)
        frontier = list(RecordEntry.objects.filter(pk__in=frontier, rechecks__isnull=False)
                        .values_list("rechecks_id", flat=True))
    if not ancestors:
        return set()
    candidates = set(Disposition.objects.filter(kind=DispositionKind.CORRECT_BY_DEADLINE, status=DispositionStatus.OPEN,
                                                finding__entries__in=ancestors).values_list("pk", flat=True))
    finding_ids = sorted(set(Disposition.objects.filter(pk__in=candidates).values_list("finding_id", flat=True)))
    list(Finding.objects.select_for_update().filter(pk__in=finding_ids).order_by("id"))  # finding first, then …
    touched: set[int] = set()
    for disposition in Disposition.objects.select_for_update().filter(pk__in=candidates).order_by("id"):
        if disposition.status != DispositionStatus.OPEN:
            continue
        entries = list(RecordEntry.objects.filter(findings=disposition.finding_id).values_list("pk", flat=True))
        if entries and all(_entry_resolved(pk) for pk in entries):
            _disposition_close(actor, disposition, f"复查合格(入企记录 #{record.visit_id},笔录 #{record.pk})")
            touched.add(disposition.finding_id)
    return touched


@transaction.atomic
def outcomes_after_close(*, actor, visit) -> None:
    """After the record of ``visit`` closed (R19): refuse while a finding has no disposition; close the
    correction orders this re-check found corrected; close the findings whose dispositions are all closed;
    complete each task whose agency has no open finding left (at once when there are no findings).
    """
    visit = visit if isinstance(visit, Visit) else Visit.objects.get(pk=visit)
    record = OnSiteRecord.objects.select_for_update().filter(visit=visit).first()
    if record is None or record.status != RecordStatus.CLOSED:
        return
    refusal = rules.findings_undisposed_refusal(record)
    if refusal is not None:
        raise refusal
    touched = _rechecks_settle(actor, record)
    for finding in Finding.objects.select_for_update().filter(record=record).order_by("id"):
        _finding_close(actor, finding)
    _tasks_complete(actor, visit)
    for finding in Finding.objects.filter(pk__in=touched).exclude(record=record).order_by("id"):
        loop_settle(actor=actor, finding=finding)


# --- referrals -----------------------------------------------------------------------------------------


def _referral_locked(actor, disposition_id) -> Disposition:
    """The referral (locked, its finding first) for the receiving agency's admin or head."""
    found = (Disposition.objects.filter(pk=int(disposition_id), kind=DispositionKind.REFER).first()
             if id_valid(disposition_id) else None)
    if found is None:
        raise NotFound("移送不存在")
    if not actor_may_handle_referral(actor, found):
        if actor_agency_id(actor) == found.referred_to_id:
            raise PermissionDenied(f"移送由本机关{'或'.join(str(r.label) for r in REFERRAL_HANDLERS)}接收办理")
        raise NotFound("移送不存在")
    Finding.objects.select_for_update().filter(pk=found.finding_id).first()
    return Disposition.objects.select_for_update(of=("self",)).select_related("finding", "referred_to").get(pk=found.pk)


def _note(value, field: str, missing: str | None) -> str:
    text = str(value or "").strip()
    if not text and missing:
        raise ValidationFailed(FieldError(field, missing))
    if len(text) > MAX_NOTE or "\x00" in text:
        raise ValidationFailed(FieldError(field, f"不超过 {MAX_NOTE} 个字符,且不含无效字符"))
    return text


@transaction.atomic
def referral_accept(*, actor, disposition_id, note: str = "") -> Disposition:
    """The receiving agency's admin or head accepts a referral (移送) into its handling (R19)."""
    disposition = _referral_locked(actor, disposition_id)
    text = _note(note, "note", None)
    before = disposition_snapshot(disposition)
    disposition.referral_status = REFERRAL.target(disposition.referral_status, "accept", str(disposition))
    disposition.referral_updated_at = clock.now()
    disposition.save(update_fields=["referral_status", "referral_updated_at"])
    audit_record(actor=actor, action="referral.accept", subject=disposition, before=before,
                 after=disposition_snapshot(disposition), extra={"note": text or None})
    return disposition


@transaction.atomic
def referral_handle(*, actor, disposition_id, note: str) -> Disposition:
    """The receiving agency records how it handled a referral; the referring agency sees it, and the
    disposition closes (R19), which may close the finding and complete the task.
    """
    disposition = _referral_locked(actor, disposition_id)
    text = _note(note, "note", "请写明办理情况(如已立案、不予立案及理由)")
    before = disposition_snapshot(disposition)
    disposition.referral_status = REFERRAL.target(disposition.referral_status, "handle", str(disposition))
    disposition.referral_note = text
    disposition.referral_updated_at = clock.now()
    disposition.save(update_fields=["referral_status", "referral_note", "referral_updated_at"])
    audit_record(actor=actor, action="referral.handle", subject=disposition, before=before,
                 after=disposition_snapshot(disposition))
    _disposition_close(actor, disposition, f"{disposition.referred_to.name}办结:{text}")
    loop_settle(actor=actor, finding=disposition.finding)
    return disposition
