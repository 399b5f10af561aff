"""Writes of on-site records (现场检查笔录, R16, R17, R25) and the closing of visits (R26).

``record_start`` creates the drafting record when an inspection visit opens (called by the check-in
service inside its transaction). Officers of the open visit then record entry results, the header
(place, recorder, findings, the enterprise's opinion or its refusal) and signatures; ``visit_close``
checks completeness (R16) and the audio/video record (R17) and closes record and visit. Every write is
audited in its own transaction (R30); a closed record never changes.

The entry/header/signature writes live in ``records_fill`` (re-exported here); this module keeps start
and close.
"""

import datetime as dt

from django.db import transaction

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, RuleViolation, ValidationFailed
from clearcheck.planning.selectors.limits import limit_lines

from .. import rules
from ..choices import (
    NON_INSPECTION_KINDS,
    EntryResult,
    RecordStatus,
)
from ..models import OnSiteRecord, RecordEntry, Visit, VisitTask
from ..workflows import RECORD, VISIT
from .records_common import (
    MAX_TEXT,
    officer_of_visit,
    record_snapshot,
    text_clean,
    visit_locked,
    visit_open_check,
)
from .records_fill import (  # noqa: F401  (the fill-in services are part of this area's interface)
    record_entry_set,
    record_header_update,
    record_sign_enterprise,
    record_sign_officer,
)

# ---------------------------------------------------------------------------------------------- start


def _failed_entries_rechecked(task) -> list[RecordEntry]:
    """The failed entries a re-check task re-checks (through ``Disposition.recheck_task``), in order."""
    entries = (RecordEntry.objects
               .filter(findings__dispositions__recheck_task=task, result=EntryResult.NON_COMPLIANT)
               .select_related("item", "checklist_entry")
               .distinct().order_by("record_id", "order", "id"))
    return list(entries)


def _task_entry_rows(task) -> list[dict]:
    """The RecordEntry fields of one task: its re-checked failed entries, its checklist's entries of its
    own items (and agency), and one entry per item no checklist entry covers.
    """
    failed = _failed_entries_rechecked(task)
    if failed:
        return [{"checklist_entry": e.checklist_entry, "item": e.item, "content": e.content,
                 "standard_text": e.standard_text, "rechecks": e} for e in failed]
    items = list(task.items.all().order_by("id"))
    item_ids = {i.pk for i in items}
    rows: list[dict] = []
    covered: set[int] = set()
    if task.checklist_id:
        entries = (task.checklist.entries.select_related("item", "standard")
                   .filter(item_id__in=item_ids, item__agency_id=task.agency_id).order_by("order", "id"))
        for entry in entries:
            standard = entry.standard_text or (str(entry.standard) if entry.standard_id else "")
            rows.append({"checklist_entry": entry, "item": entry.item, "content": entry.content,
                         "standard_text": standard, "rechecks": None})
            covered.add(entry.item_id)
    for item in items:
        if item.pk not in covered:
            rows.append({"checklist_entry": None, "item": item, "content": item.name,
                         "standard_text": "", "rechecks": None})
    return rows


def record_limits(visit: Visit, tasks: list) -> list:
    """The limits the record states (R21): per agency of the visit's tasks its tier cap, then each item's own
    yearly frequency, with this year's counts (``planning.selectors.limits.limit_lines``: the same lines as
    the check-in page), read when the record is created and kept on it.
    """
    return limit_lines(year=visit.year, enterprise_id=visit.enterprise_id, tasks=tasks)


@transaction.atomic
def record_start(*, actor, visit, tasks=None) -> OnSiteRecord:
    """Create the drafting record of an inspection visit with its entries (from the tasks' checklists, or
    on a re-check only the failed entries it re-checks), the limits it states with this year's counts
    (``record_limits``, kept as they are now: R21), and whether a full audio/video record is needed (R17).
    Returns the existing record when there is one. ``tasks``: the visit's tasks with their agency and items,
    when the caller has just read them (the opening of the visit).
    """
    visit = visit if isinstance(visit, Visit) else Visit.objects.get(pk=visit)
    existing = OnSiteRecord.objects.filter(visit=visit).first()
    if existing is not None:
        return existing
    if refusal := rules.record_kind_refusal(visit):
        raise refusal
    limits = record_limits(visit, tasks if tasks is not None else
                           list(visit.tasks.select_related("agency").prefetch_related("items").order_by("id")))
    tasks = list(visit.tasks.select_related("checklist").order_by("id"))
    own = next((line for line in limits if line.is_tier and line.agency_id == visit.agency_id),
               next((line for line in limits if line.is_tier), None))
    record = OnSiteRecord.objects.create(
        visit=visit, status=RecordStatus.DRAFTING, av_required=any(t.av_required for t in tasks),
        frequency_count=own.count if own else 0, frequency_cap=own.cap if own else None,
        frequency_limits=canonical_text([line.as_dict() for line in limits]), created_at=clock.now(),
        place=(visit.enterprise.address or "")[:255],
    )
    rows: list[RecordEntry] = []
    seen: set[tuple] = set()
    for task in tasks:
        for row in _task_entry_rows(task):
            key = ("r", row["rechecks"].pk) if row["rechecks"] else (
                ("c", row["checklist_entry"].pk) if row["checklist_entry"] else ("i", row["item"].pk))
            if key in seen:
                continue
            seen.add(key)
            rows.append(RecordEntry(record=record, order=len(rows) + 1, **row))
    RecordEntry.objects.bulk_create(rows)
    audit_record(actor=actor, action="record.start", subject=record, after={
        **record_snapshot(record), "frequency_limits": [line.as_dict() for line in limits], "entries": len(rows),
        "tasks": [t.pk for t in tasks],
    })
    return record


# ---------------------------------------------------------------------------------------------- close


def av_uncovered(visit: Visit, until: dt.datetime, tolerance: dt.timedelta | None = None) -> list[tuple]:
    """R17: the spans between check-in and ``until`` that the officers' own audio/video evidence does not
    cover (``selectors.evidence.av_coverage`` decides what counts; ``rules.av_gaps`` what is a gap).
    """
    from ..selectors.evidence import av_coverage

    tolerance = rules.av_gap_tolerance() if tolerance is None else tolerance
    start = visit.opened_at or visit.started_at
    return rules.av_gaps(start, until, av_coverage(visit, until, gap=dt.timedelta(0)), tolerance)


def record_av_missing(record: OnSiteRecord, until: dt.datetime | None = None) -> RuleViolation | None:
    """R17: the refusal when the record needs a full audio/video record that evidence does not cover."""
    if not record.av_required:
        return None
    return rules.av_refusal(av_uncovered(record.visit, until or clock.now()))


def record_missing(record: OnSiteRecord) -> list[RuleViolation]:
    """R16: what the record still lacks before the visit may close (``rules.record_missing``)."""
    return rules.record_missing(record)


def _close_non_inspection(*, actor, visit: Visit, summary, now) -> Visit:
    """R26: a non-inspection visit closes with a note of what was done; no record, no outcomes."""
    text = text_clean(summary, "summary", "请填写入企情况说明(做了什么、发现什么)", MAX_TEXT)
    before = {"status": visit.status, "purpose": visit.purpose}
    visit.status = VISIT.target(visit.status, "close", str(visit.pk))
    visit.closed_at = now
    visit.summary = text
    visit.save(update_fields=["status", "closed_at", "summary"])
    VisitTask.objects.filter(visit=visit, active=True).update(active=False)
    audit_record(actor=actor, action="visit.close", subject=visit, before=before,
                 after={"status": visit.status, "closed_at": now, "summary": text, "kind": visit.kind})
    return visit


@transaction.atomic
def visit_close(*, actor, visit_id, av_missing_reason=None, summary=None, **fields) -> Visit:
    """Close an open visit.

    Inspection: the record must be complete (R16, each missing piece refused by name) and, when it
    needs a full audio/video record, covered from check-in to now (R17) — or ``av_missing_reason``
    given, which closes it and raises an R17 alert. Then the record and the visit are CLOSED, the
    visit's tasks released, and ``outcomes_after_close`` runs. Non-inspection visits (R26) close with
    a ``summary`` and no record.
    """
    if fields:
        raise ValidationFailed([FieldError(name, "不支持的字段") for name in sorted(fields)])
    visit = visit_locked(visit_id)
    officer_of_visit(actor, visit)
    now = clock.now()
    if visit.kind in NON_INSPECTION_KINDS:
        visit_open_check(visit)
        return _close_non_inspection(actor=actor, visit=visit, summary=summary, now=now)
    record = OnSiteRecord.objects.select_for_update().filter(visit=visit).first()
    if record is None:
        visit_open_check(visit)
        raise rules.record_incomplete_refusal(None)
    RECORD.editable_check(record.status, str(record.pk))  # closed once; a closed record never changes
    visit_open_check(visit)
    if refusal := rules.record_incomplete_refusal(rules.record_missing(record)):
        raise refusal
    reason = str(av_missing_reason or "").strip()
    av_refusal = record_av_missing(record, now)
    if av_refusal is not None and not reason:
        raise av_refusal
    if av_refusal is not None:
        reason = text_clean(reason, "av_missing_reason", "请说明未能全过程音像记录的理由", MAX_TEXT)
    before = record_snapshot(record)
    label = actor_describe(actor)[1]
    record.status = RECORD.target(record.status, "close", str(record.pk))
    record.closed_at = now
    record.closed_by = label[:150]
    record.av_missing_reason = reason if av_refusal is not None else ""
    record.save(update_fields=["status", "closed_at", "closed_by", "av_missing_reason"])
    visit_before = {"status": visit.status}
    visit.status = VISIT.target(visit.status, "close", str(visit.pk))
    visit.closed_at = now
    visit.save(update_fields=["status", "closed_at"])
    VisitTask.objects.filter(visit=visit, active=True).update(active=False)
    audit_record(actor=actor, action="record.close", subject=record, before=before, after=record_snapshot(record))
    audit_record(actor=actor, action="visit.close", subject=visit, before=visit_before,
                 after={"status": visit.status, "closed_at": now, "record": record.pk})
    if av_refusal is not None:
        alert_raise(rule_id="R17", subject=record, agency=visit.agency, actor=actor,
                    dedup_key=f"R17:inspections.onsiterecord:{record.pk}",
                    facts={"visit": visit.pk, "enterprise": visit.enterprise_id, "reason": reason,
                           "uncovered": av_refusal.plain, "opened_at": visit.opened_at, "closed_at": now})
    from .outcomes import outcomes_after_close

    outcomes_after_close(actor=actor, visit=visit)
    return visit


