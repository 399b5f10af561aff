"""Re-check tasks (复查, R19): a correction order with a deadline is followed by a re-check task that the
agency head approves like any other task (R07).

The order is given on site by the visit's officers (or later by their agency's admin or head), who are not
task writers. ``recheck_task_create`` is therefore the one route by which a non-writer of the agency files a
task: only of source ``recheck``, type ``case``, at the enterprise of the finding, with the failed items,
filed (事前备案, R06) at once and audited as created and submitted by the person who gave the order. The
caller (``inspections.services.outcomes``) has already decided that this person may give it; the content
rules of every task (R01 R02 R12 R13 R14 R25) apply unchanged. Approval stays with the agency head.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from clearcheck.accounts.selectors import actor_agency_id
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, PermissionDenied

from ..choices import InspectionType, TaskSource, TaskStatus
from ..models import InspectionTask
from ..workflows import TASK
from .caps import cap_place_release
from .tasks import task_content_apply, task_content_clean, task_low_risk_check, task_snapshot

DEFAULT_RECHECK_WINDOW_DAYS = 10


def recheck_window(deadline: dt.date, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The window of a re-check: from today (a correction reported early may be checked early) to
    ``CLEARCHECK_RECHECK_WINDOW_DAYS`` (default 10) days after the deadline.
    """
    today = today or clock.local_today()
    days = int(getattr(settings, "CLEARCHECK_RECHECK_WINDOW_DAYS", DEFAULT_RECHECK_WINDOW_DAYS))
    return today, max(deadline, today) + dt.timedelta(days=max(days, 0))


def _agency_check(actor, agency_id: int) -> None:
    if actor_agency_id(actor) != agency_id:
        raise PermissionDenied("复查任务由作出责令限期改正的机关提报")


@transaction.atomic
def recheck_task_create(*, actor, agency, enterprise, items, officers, deadline: dt.date, source_reference: str = "",
                        notice: str = "") -> InspectionTask:
    """File a re-check task (source ``recheck``, type ``case``) of ``items`` at ``enterprise`` for the head's
    approval, its window ending after ``deadline`` (R19; content rules R01 R02 R12 R13 R14 R25).
    """
    agency_id = getattr(agency, "pk", agency)
    _agency_check(actor, agency_id)
    window_start, window_end = recheck_window(deadline)
    from clearcheck.registry.models import Agency

    agency_obj = Agency.objects.get(pk=agency_id)
    fields = task_content_clean(agency_obj, {
        "enterprise": enterprise, "inspection_type": InspectionType.CASE, "source": TaskSource.RECHECK,
        "items": items, "officers": officers, "window_start": window_start, "window_end": window_end,
        "checklist": None, "notice": notice[:2000], "plan_entry": None, "special_plan": None,
        "source_reference": source_reference[:128], "urgent_reason": "",
    })
    now = clock.now()
    task = InspectionTask(agency=agency_obj, status=TaskStatus.DRAFT, created_by=actor_label(actor), created_at=now)
    task_content_apply(task, fields)
    task_low_risk_check(task)
    task.save()
    task.items.set(fields["items"])
    task.officers.set(fields["officers"])
    audit_record(actor=actor, action="inspection_task.create", subject=task, after=task_snapshot(task),
                 extra={"recheck": True, "deadline": deadline})
    task.status = TASK.target(task.status, "submit", str(task))
    task.submitted_at = now
    task.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(actor=actor, action="inspection_task.submit", subject=task, before={"status": TaskStatus.DRAFT},
                 after={"status": task.status, "submitted_at": now}, extra={"recheck": True})
    return task


@transaction.atomic
def recheck_task_withdraw(*, actor, task_id: int, reason: str) -> InspectionTask:
    """Cancel a re-check task whose correction order was withdrawn while the record was still being written;
    an approved one gives its place under the cap back (R21).
    """
    task = InspectionTask.objects.select_for_update().filter(pk=task_id, source=TaskSource.RECHECK).first()
    if task is None:
        raise NotFound("复查任务不存在")
    _agency_check(actor, task.agency_id)
    target = TASK.target(task.status, "cancel", str(task))
    before = task.status
    released = cap_place_release(task)
    task.status, task.decision_note = target, reason[:2000]
    task.save(update_fields=["status", "decision_note", "updated_at"])
    audit_record(actor=actor, action="inspection_task.cancel", subject=task, before={"status": before},
                 after={"status": task.status, "reason": task.decision_note, "cap_released": released or None},
                 extra={"recheck": True})
    return task
