"""Task reads, scoped by actor: agency users see their agency's tasks, county roles all, enterprises and
the public none. Missing and not-yours are the same ``NotFound``.
"""

from django.db.models import Prefetch, QuerySet

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.catalog.choices import ItemStatus, VersionStatus
from clearcheck.catalog.models import Checklist, InspectionItem
from clearcheck.core.errors import NotFound
from clearcheck.registry.models import Officer
from clearcheck.registry.rules import officer_is_qualified

from ..choices import TaskStatus
from ..models import InspectionTask

AWAITING_APPROVAL = (TaskStatus.SUBMITTED, TaskStatus.URGENT_STARTED)


def _scoped(actor) -> QuerySet[InspectionTask]:
    qs = InspectionTask.objects.select_related("agency", "enterprise")
    if actor_is_county(actor):
        return qs
    own = actor_agency_id(actor)
    return qs.filter(agency_id=own) if own else qs.none()


def tasks_for_actor(*, actor, status: str | None = None, source: str | None = None,
                    enterprise_id: int | None = None, agency_id: int | None = None,
                    year: int | None = None) -> QuerySet[InspectionTask]:
    """Tasks of the actor's scope, filtered; newest first (keyset pages re-order by id)."""
    qs = _scoped(actor)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-id")


def task_id_valid(task_id) -> bool:
    """Whether ``task_id`` could be a row id at all (larger numbers are simply missing)."""
    return isinstance(task_id, int) and 0 < task_id < 2**31


def task_get_for_actor(*, actor, task_id: int) -> InspectionTask:
    """One task with its items and officers."""
    if not task_id_valid(task_id):
        raise NotFound("检查任务不存在")
    task = (_scoped(actor).select_related("checklist", "special_plan")
            .prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")),
                              Prefetch("officers", queryset=Officer.objects.order_by("name")))
            .filter(pk=task_id).first())
    if task is None:
        raise NotFound("检查任务不存在")
    return task


def approval_inbox(*, actor) -> QuerySet[InspectionTask]:
    """Tasks awaiting the head's decision (submitted, or started urgently and due for 补办), oldest deadline first."""
    return _scoped(actor).filter(status__in=AWAITING_APPROVAL).order_by("approval_deadline", "submitted_at", "id")


def task_form_choices(agency_id: int) -> dict:
    """What a task form offers: the agency's qualified officers, published items and checklists."""
    officers = [o for o in Officer.objects.filter(agency_id=agency_id).order_by("name") if officer_is_qualified(o)]
    items = InspectionItem.objects.filter(agency_id=agency_id, status=ItemStatus.PUBLISHED).order_by("code")
    checklists = (Checklist.objects.filter(status=VersionStatus.PUBLISHED, entries__item__agency_id=agency_id)
                  .distinct().order_by("code"))
    return {"officers": officers, "items": list(items), "checklists": list(checklists)}
