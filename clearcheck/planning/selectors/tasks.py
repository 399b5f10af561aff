"""Task reads, scoped by actor: agency users see their agency's tasks, county roles all, enterprises and
the public none. Missing and not-yours are the same ``NotFound``.
"""

import datetime as dt

from django.db.models import Case, DateField, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.catalog.choices import ItemStatus, VersionStatus
from clearcheck.catalog.models import Checklist, InspectionItem
from clearcheck.core.errors import NotFound
from clearcheck.registry.models import Officer
from clearcheck.registry.recusal_reads import recused_officer_ids
from clearcheck.registry.rules import officer_is_qualified, officer_qualification_refusal

from ..choices import URGENT_SOURCES, TaskStatus
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


def tasks_agenda(qs: QuerySet[InspectionTask], today: dt.date) -> QuerySet[InspectionTask]:
    """``qs`` in the order a person works through it: tasks running today or still to come first (earliest
    start first), then past ones (latest first); the id breaks ties.
    """
    past = Q(window_end__lt=today)
    return qs.annotate(
        agenda_past=Case(When(past, then=Value(1)), default=Value(0), output_field=IntegerField()),
        # Upcoming tasks by their start; past ones all alike here, so the next key (latest first) sorts them.
        agenda_start=Case(When(past, then=Value(dt.date.min)), default=F("window_start"), output_field=DateField()),
    ).order_by("agenda_past", "agenda_start", "-window_start", "id")


def _urgency():
    """0 for an urgent task (started before approval, R10, or from an urgent source), 1 otherwise."""
    return Case(When(Q(urgent=True) | Q(source__in=list(URGENT_SOURCES)), then=Value(0)), default=Value(1),
                output_field=IntegerField())


def approval_inbox(*, actor) -> QuerySet[InspectionTask]:
    """Tasks awaiting the head's decision (submitted, or started urgently and due for 补办): earliest start
    first, urgent ones first on the same day, then by id (``INBOX_ORDER``).
    """
    return (_scoped(actor).filter(status__in=AWAITING_APPROVAL).annotate(urgency=_urgency())
            .order_by(*INBOX_ORDER))


INBOX_ORDER = ("window_start", "urgency", "id")


def approval_inbox_page(*, actor, cursor: int | None, limit: int) -> tuple[list[InspectionTask], int | None]:
    """One page of ``approval_inbox`` in its order after the task ``cursor`` (the last id of the previous
    page; a task decided since still marks its place), and the next cursor.
    """
    limit = max(1, min(limit, 200))
    qs = approval_inbox(actor=actor)
    if cursor is not None:
        after = _scoped(actor).annotate(urgency=_urgency()).filter(pk=cursor).values(
            "window_start", "urgency", "id").first()
        if after is None:
            return [], None
        qs = qs.filter(Q(window_start__gt=after["window_start"])
                       | Q(window_start=after["window_start"], urgency__gt=after["urgency"])
                       | Q(window_start=after["window_start"], urgency=after["urgency"], id__gt=after["id"]))
    rows = list(qs.prefetch_related(Prefetch("items", queryset=InspectionItem.objects.order_by("code")),
                                    Prefetch("officers", queryset=Officer.objects.order_by("name")))[: limit + 1])
    next_cursor = rows[limit - 1].pk if len(rows) > limit else None
    return rows[:limit], next_cursor


def task_officer_lines(task: InspectionTask, today: dt.date) -> list[dict]:
    """The task's officers as its page shows them: the officer, the personnel type (执法人员/辅助人员), and
    what bars the officer, by the registry's rules: a credential not valid on a day of the window still to
    come (R12, R25), a recusal granted from the enterprise (R13).
    """
    officers = list(task.officers.all())
    recused = recused_officer_ids(task.enterprise, officers) if officers else set()
    days = sorted({max(today, task.window_start), task.window_end})
    lines = []
    for officer in officers:
        barred = next((r for r in (officer_qualification_refusal(officer, on=day) for day in days) if r), None)
        lines.append({"officer": officer, "role": officer.get_personnel_type_display(), "qualification": barred,
                      "recused": officer.pk in recused})
    return lines


def task_form_choices(agency_id: int) -> dict:
    """What a task form offers: the agency's qualified officers, published items and checklists."""
    officers = [o for o in Officer.objects.filter(agency_id=agency_id).order_by("name") if officer_is_qualified(o)]
    items = InspectionItem.objects.filter(agency_id=agency_id, status=ItemStatus.PUBLISHED).order_by("code")
    checklists = (Checklist.objects.filter(status=VersionStatus.PUBLISHED, entries__item__agency_id=agency_id)
                  .distinct().order_by("code"))
    return {"officers": officers, "items": list(items), "checklists": list(checklists)}
