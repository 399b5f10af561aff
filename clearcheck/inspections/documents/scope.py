"""Who may download which document (reads scoped by actor; missing and not-yours are the same NotFound).

- 审批表 (task): the task agency's staff and the county readers, once the task was submitted.
- 通知书 (task): the same, the officers of a visit of the task, and the task's enterprise, once the task
  may be carried out (approved, started urgently, completed).
- 笔录 (visit): whoever reads the record (``selectors.records``): the staff of the visit's agencies, the
  officers of its team, the county readers and the enterprise inspected.
- 责令改正通知书 (disposition): whoever reads the disposition (``selectors.outcomes``): the visit's
  officers, its agencies' staff, the county readers, and the enterprise (through its findings) once the record
  is closed.
"""

from django.db.models import Q

from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_is_county
from clearcheck.core.errors import NotFound
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.selectors.tasks import task_get_for_actor, task_id_valid

from ..choices import DispositionKind, VisitKind
from ..models import Disposition, OnSiteRecord
from ..selectors.outcomes import disposition_get_for_actor, findings_for_actor
from ..selectors.records import record_get_for_actor

# A notice can be served once the task may be carried out.
NOTICE_STATUSES = (TaskStatus.APPROVED, TaskStatus.URGENT_STARTED, TaskStatus.COMPLETED)
# Dispositions that are orders to correct (责令改正通知书).
CORRECTION_KINDS = (DispositionKind.CORRECT_NOW, DispositionKind.CORRECT_BY_DEADLINE)


def _actor_officer_id(actor) -> int | None:
    return getattr(actor, "officer_id", None) if actor and actor.is_authenticated else None


def task_for_approval_form(*, actor, task_id: int) -> InspectionTask:
    """A submitted task of the actor's agency (or any, for county readers)."""
    task = task_get_for_actor(actor=actor, task_id=task_id)
    if task.submitted_at is None:
        raise NotFound("检查任务尚未提报,没有审批表")
    return task


def task_for_notice(*, actor, task_id: int) -> InspectionTask:
    """A task that may be carried out, readable by the actor (its enterprise included)."""
    if not task_id_valid(task_id):
        raise NotFound("检查任务不存在")
    enterprise_id = actor_enterprise_id(actor)
    officer_id = _actor_officer_id(actor)
    if enterprise_id:
        qs = InspectionTask.objects.filter(enterprise_id=enterprise_id)
    elif actor_is_county(actor):
        qs = InspectionTask.objects.all()
    elif agency_id := actor_agency_id(actor):
        mine = Q(agency_id=agency_id)
        if officer_id:  # an officer of another agency who joined a visit of this task
            mine |= Q(visit_tasks__visit__visit_officers__officer_id=officer_id)
        qs = InspectionTask.objects.filter(mine)
    else:
        raise NotFound("检查任务不存在")
    if not qs.filter(pk=task_id, status__in=NOTICE_STATUSES).exists():
        raise NotFound("检查任务不存在或尚未批准")
    return task_get_unscoped(task_id)


def task_get_unscoped(task_id: int) -> InspectionTask:
    """The task with what the documents print (call only after the actor's access was checked)."""
    return (InspectionTask.objects.select_related("agency", "agency__region", "enterprise", "checklist")
            .prefetch_related("items", "officers", "officers__agency").get(pk=task_id))


def record_for_actor(*, actor, visit_id: int) -> OnSiteRecord:
    """The on-site record of an inspection visit the actor may read (the records area's scope)."""
    record = record_get_for_actor(actor, visit_id)
    if record.visit.kind != VisitKind.INSPECTION:
        raise NotFound("现场检查笔录不存在")
    return record


def disposition_for_actor(*, actor, disposition_id: int) -> Disposition:
    """An order to correct (立即改正 / 限期改正) the actor may read (the outcomes area's scope)."""
    if actor_enterprise_id(actor):
        # The enterprise reads dispositions through its findings (closed records only): the order
        # served on it is one of those.
        disposition = (Disposition.objects.select_related("finding", "finding__agency", "finding__record",
                                                          "finding__record__visit", "recheck_task")
                       .filter(pk=disposition_id if task_id_valid(disposition_id) else 0,
                               finding__in=findings_for_actor(actor=actor).values("pk")).first())
        if disposition is None:
            raise NotFound("处置不存在")
    else:
        disposition = disposition_get_for_actor(actor=actor, disposition_id=disposition_id)
    if disposition.kind not in CORRECTION_KINDS:
        raise NotFound("责令改正通知书不存在")
    return disposition
