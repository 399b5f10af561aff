"""Reads of visits (扫码入企), scoped by actor: an officer sees the visits they are in; an agency's head,
admin and department head their agency's (joint visits included); the county roles all; the enterprise its
own. Missing and not-yours are the same NotFound.

Also: the tasks an officer may check in with at an enterprise (计划匹配), the officer's task list, and what
the enterprise sees of a visit (R28): who inspects, on what basis, this year's count against the cap, the
conduct prohibitions and its right to request recusal.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import (
    actor_agency_id,
    actor_enterprise_id,
    actor_has_role,
    actor_is_county,
)
from clearcheck.core import clock
from clearcheck.core.errors import NotFound
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.rules import LimitLine
from clearcheck.planning.selectors.limits import limit_lines
from clearcheck.planning.workflows import TASK_ENTERABLE

from ..choices import NON_INSPECTION_KINDS, VISIT_ACTIVE, VisitKind, VisitStatus
from ..models import Visit, VisitOfficer, VisitTask
from .requests import MAX_ID

AGENCY_READERS = (Role.AGENCY_HEAD, Role.AGENCY_ADMIN, Role.DEPARTMENT_HEAD)
READER_ROLES = (*AGENCY_READERS, Role.OFFICER, Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE, Role.ENTERPRISE)
INTERNAL_READERS = tuple(r for r in READER_ROLES if r != Role.ENTERPRISE)

# 五个严禁 / 八个不得 (GLOSSARY.md "conduct prohibitions"): shown to the enterprise at check-in (R28), in
# the notice and asked about in the evaluation (R27). One place for the wording.
CONDUCT_PROHIBITIONS = {
    # Quoted from 国办发〔2024〕54号 (not paraphrased: the notice and the enterprise pages cite them).
    "five": (
        _("严禁逐利检查"),
        _("严禁干扰企业正常生产经营"),
        _("严禁任性处罚企业"),
        _("严禁下达检查指标"),
        _("严禁变相检查"),
    ),
    "eight": (
        _("不得接受被检查企业的任何馈赠、报酬、福利待遇"),
        _("不得参加被检查企业提供的宴请、娱乐、旅游等活动"),
        _("不得由被检查企业支付消费开支或者将检查费用转嫁给企业"),
        _("不得强制企业接受指定的中介机构提供服务"),
        _("不得刻意要求法定代表人到场"),
        _("不得乱查封、乱扣押、乱冻结、动辄责令停产停业"),
        _("不得将考核考评、预算项目绩效与检查频率、罚款数额挂钩"),
        _("不得以观摩、督导、考察等名义行检查之实"),
    ),
}


# --- A visit that counts as an inspection: the one definition ------------------------------------------
#
# A visit counts when it is of kind ``inspection`` and was opened (it is open or closed): a scan that was
# never confirmed, expired or was cancelled does not count, nor does a non-inspection visit (R26). The
# dashboards (ORM, Python and hand-written SQL forms alike) count through these; a test pins them equal.
COUNTED_STATUSES = (VisitStatus.OPEN, VisitStatus.CLOSED)


def counted_visits_q(prefix: str = "") -> Q:
    """The counted visits as a filter (``prefix``: the path to the visit, e.g. ``"visit__"``)."""
    return Q(**{f"{prefix}kind": VisitKind.INSPECTION, f"{prefix}opened_at__isnull": False,
                f"{prefix}status__in": COUNTED_STATUSES})


def visit_counts(*, kind: str, status: str, opened_at) -> bool:
    """Whether a visit with these fields counts (the same test on a row already read)."""
    return kind == VisitKind.INSPECTION and opened_at is not None and status in COUNTED_STATUSES


def counted_visit_sql(alias: str, *, closed_only: bool = False) -> str:
    """The counted visits as an SQL condition on the visit table aliased ``alias`` (constants only, no input).
    ``closed_only``: only the closed ones (what a rollup folds; the open ones are the live tail).
    """
    statuses = (VisitStatus.CLOSED,) if closed_only else COUNTED_STATUSES
    listed = ", ".join(f"'{s}'" for s in statuses)
    return (f"{alias}.kind = '{VisitKind.INSPECTION}' AND {alias}.opened_at IS NOT NULL "
            f"AND {alias}.status IN ({listed})")


def _valid_id(value) -> int | None:
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None


def visits_for_actor(actor, *, status: str | None = None, kind: str | None = None,
                     enterprise_id: int | None = None) -> QuerySet[Visit]:
    """The visits the actor may read (keyset order by id)."""
    qs = Visit.objects.select_related("enterprise", "agency")
    officer_id = getattr(actor, "officer_id", None)
    if actor_is_county(actor):
        pass
    elif actor_has_role(actor, Role.OFFICER) and officer_id:
        qs = qs.filter(Exists(VisitOfficer.objects.filter(visit=OuterRef("pk"), officer_id=officer_id)))
    elif actor_has_role(actor, *AGENCY_READERS) and (agency_id := actor_agency_id(actor)):
        qs = qs.filter(Q(agency_id=agency_id)
                       | Exists(VisitTask.objects.filter(visit=OuterRef("pk"), task__agency_id=agency_id)))
    elif enterprise := actor_enterprise_id(actor):
        qs = qs.filter(enterprise_id=enterprise)
    else:
        return qs.none()
    if status:
        if status not in VisitStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    if kind:
        if kind == "non_inspection":
            qs = qs.filter(kind__in=NON_INSPECTION_KINDS)
        elif kind in VisitKind.values:
            qs = qs.filter(kind=kind)
        else:
            return qs.none()
    if enterprise_id is not None:
        qs = qs.filter(enterprise_id=_valid_id(enterprise_id) or 0)
    return qs.order_by("id")


def visit_get_for_actor(actor, visit_id) -> Visit:
    """One visit the actor may read; missing and not-yours are both NotFound."""
    pk = _valid_id(visit_id)
    visit = visits_for_actor(actor).filter(pk=pk).first() if pk else None
    if visit is None:
        raise NotFound("入企记录不存在")
    return visit


def visit_officer_for_actor(actor, visit) -> VisitOfficer | None:
    """The acting officer's confirmed place in the visit's team, or None (other areas gate their pages on it)."""
    officer_id = getattr(actor, "officer_id", None)
    if not actor_has_role(actor, Role.OFFICER) or not officer_id or visit is None:
        return None
    return (VisitOfficer.objects.select_related("officer")
            .filter(visit_id=getattr(visit, "pk", visit), officer_id=officer_id, confirmed_at__isnull=False).first())


def visit_member_for_actor(actor, visit) -> VisitOfficer | None:
    """The acting officer's place in the visit's team, confirmed or not."""
    officer_id = getattr(actor, "officer_id", None)
    if not actor_has_role(actor, Role.OFFICER) or not officer_id or visit is None:
        return None
    return VisitOfficer.objects.filter(visit_id=getattr(visit, "pk", visit), officer_id=officer_id).first()


def visit_team(visit) -> list[VisitOfficer]:
    """The visit's team: the initiator first, each with credential number, agency and confirmation."""
    return list(VisitOfficer.objects.select_related("officer__agency").filter(visit=visit)
                .order_by("-initiator", "id"))


def visit_tasks(visit) -> list[InspectionTask]:
    """The tasks of a visit with their agency and items."""
    return list(InspectionTask.objects.select_related("agency").prefetch_related("items")
                .filter(visit_tasks__visit=visit).order_by("pk"))


# --- The officer's side --------------------------------------------------------------------------------


def _officer_tasks(officer_id: int) -> QuerySet[InspectionTask]:
    """Approved (or urgent) tasks the officer is on the team of, or that share a joint inspection with one."""
    own = InspectionTask.objects.filter(officers__id=officer_id)
    return (InspectionTask.objects.filter(status__in=TASK_ENTERABLE)
            .filter(Q(officers__id=officer_id)
                    | Q(joint_inspection__isnull=False,
                        joint_inspection_id__in=own.filter(joint_inspection__isnull=False)
                        .values("joint_inspection_id")))
            .distinct())


def _with_active_visit(qs: QuerySet[InspectionTask]) -> QuerySet[InspectionTask]:
    active = VisitTask.objects.filter(task=OuterRef("pk"), active=True).values("visit_id")[:1]
    return qs.annotate(active_visit_id=Subquery(active))


def checkin_tasks_for_officer(officer, enterprise, today: dt.date | None = None) -> list[InspectionTask]:
    """计划匹配: the tasks the officer may check in with at the enterprise today (``active_visit_id`` set
    when a task is already in a pending or open visit).
    """
    if officer is None or enterprise is None:
        return []
    day = today or clock.local_today()
    qs = (_officer_tasks(officer.pk).filter(enterprise=enterprise, window_start__lte=day, window_end__gte=day)
          .select_related("agency").prefetch_related("items", "officers").order_by("window_start", "pk"))
    return list(_with_active_visit(qs)[:20])


def officer_tasks_today_at(officer, enterprise_id: int | None) -> list[InspectionTask]:
    """The officer's approved tasks at the enterprise whose window includes today (R15: what the enterprise
    sees after scanning the officer's e-credential); at most ten, soonest first.
    """
    if not enterprise_id:
        return []
    today = clock.local_today()
    return list(InspectionTask.objects.filter(officers=officer, enterprise_id=enterprise_id, status=TaskStatus.APPROVED,
                                              window_start__lte=today, window_end__gte=today)
                .order_by("window_start")[:10])


def officer_visit_at(officer, enterprise_id: int | None) -> Visit | None:
    """The pending or open visit at the enterprise in which ``officer`` confirmed on their own account (R15:
    whether the officer is checked in there now), or None.
    """
    if not enterprise_id:
        return None
    row = (VisitOfficer.objects.select_related("visit", "visit__agency")
           .filter(officer=officer, confirmed_at__isnull=False, visit__enterprise_id=enterprise_id,
                   visit__status__in=VISIT_ACTIVE)
           .order_by("-visit__started_at").first())
    return row.visit if row else None


def pending_confirmations(officer, enterprise=None) -> list[Visit]:
    """Visits waiting for the officer's own confirmation, within their window (R14)."""
    if officer is None:
        return []
    qs = (Visit.objects.select_related("enterprise", "agency")
          .filter(status__in=VISIT_ACTIVE, confirm_deadline__gte=clock.now(),
                  visit_officers__officer=officer, visit_officers__confirmed_at__isnull=True))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return list(qs.order_by("confirm_deadline")[:20])


@dataclass
class MyTasks:
    """The officer's "my tasks" page: today's tasks by enterprise, upcoming ones, and current visits."""

    today: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    to_confirm: list = field(default_factory=list)
    current: list = field(default_factory=list)


def my_tasks_for_actor(actor, *, upcoming_days: int = 14) -> MyTasks:
    """An officer's approved tasks for today and the next days, visits to confirm and visits in progress."""
    officer = getattr(actor, "officer", None) if actor_has_role(actor, Role.OFFICER) else None
    if officer is None:
        return MyTasks()
    day = clock.local_today()
    base = _with_active_visit(_officer_tasks(officer.pk).select_related("agency", "enterprise")
                              .prefetch_related("items"))
    today = list(base.filter(window_start__lte=day, window_end__gte=day).order_by("enterprise__name", "pk")[:100])
    upcoming = list(base.filter(window_start__gt=day, window_start__lte=day + dt.timedelta(days=upcoming_days))
                    .order_by("window_start", "pk")[:50])
    current = list(Visit.objects.select_related("enterprise").filter(
        status__in=VISIT_ACTIVE, visit_officers__officer=officer, visit_officers__confirmed_at__isnull=False,
    ).order_by("-started_at")[:20])
    return MyTasks(today=today, upcoming=upcoming, to_confirm=pending_confirmations(officer), current=current)


# --- What the enterprise sees (R28) -------------------------------------------------------------------


@dataclass
class VisitFacts:
    """R28: who inspects, on what basis, this year's count against the cap, the prohibitions, recusal."""

    visit: Visit
    team: list
    tasks: list
    caps: list
    non_inspection_count: int
    prohibitions: dict


def enterprise_cap_lines(enterprise_id: int, year: int, tasks) -> list[LimitLine]:
    """The limits of ``tasks`` at the enterprise this year with the counts against them (R21, R28): per
    agency the tier cap, then each item's own yearly frequency (``planning.selectors.limits.limit_lines``,
    the same lines the on-site record keeps).
    """
    tasks = list(tasks)
    if not tasks:
        return []
    return limit_lines(year=year, enterprise_id=enterprise_id, tasks=tasks)


def item_visits_opened(agency_id: int, enterprise_id: int, year: int, codes) -> dict[str, int]:
    """Item code → this year's opened inspection visits at the enterprise that took a place under the cap
    and carry a proactive task of the agency covering an item of that code (R21: what the check-in compares
    with an item's own yearly frequency, ``planning.services.caps.cap_visit_take``). One statement.
    """
    rows = (VisitTask.objects.filter(
        visit__enterprise_id=enterprise_id, visit__year=year, visit__kind=VisitKind.INSPECTION,
        visit__opened_at__isnull=False, visit__cap_counted=True, task__agency_id=agency_id,
        task__counts_against_cap=True, task__items__code__in=list(codes))
        .values_list("task__items__code").annotate(n=Count("visit_id", distinct=True)).order_by())
    return dict(rows)


def visit_facts(visit: Visit) -> VisitFacts:
    """What the enterprise is shown about one visit (R28)."""
    tasks = visit_tasks(visit) if visit.kind == VisitKind.INSPECTION else []
    non_inspection = Visit.objects.filter(enterprise_id=visit.enterprise_id, year=visit.year,
                                          kind__in=NON_INSPECTION_KINDS, opened_at__isnull=False).count()
    return VisitFacts(visit=visit, team=visit_team(visit), tasks=tasks,
                      caps=enterprise_cap_lines(visit.enterprise_id, visit.year, tasks),
                      non_inspection_count=non_inspection, prohibitions=CONDUCT_PROHIBITIONS)


def enterprise_current_visit(actor) -> Visit | None:
    """The enterprise's visit in progress (pending or open, newest first), or None; enterprise accounts only."""
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise NotFound("只有企业账号可以查看本企业的入企检查")
    return (Visit.objects.select_related("enterprise", "agency")
            .filter(enterprise_id=enterprise_id, status__in=VISIT_ACTIVE).order_by("-started_at", "-id").first())


def enterprise_year_summary(actor, year: int | None = None) -> dict:
    """The enterprise's visits this year: inspections (opened) and non-inspection visits, counted apart (R26)."""
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise NotFound("只有企业账号可以查看本企业的入企检查")
    year = year or clock.local_year()
    opened = Visit.objects.filter(enterprise_id=enterprise_id, year=year, opened_at__isnull=False)
    return {"year": year, "inspections": opened.filter(kind=VisitKind.INSPECTION).count(),
            "non_inspections": opened.filter(kind__in=NON_INSPECTION_KINDS).count()}
