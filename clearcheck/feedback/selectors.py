"""Reads of evaluations and complaints, scoped by actor; "missing" and "not yours" are both NotFound.

Evaluations (R27): the bureau and discipline read them in full; an enterprise its own; an agency never
an individual one, only ``evaluation_aggregate`` over at least ``MIN_GROUP`` evaluations.
Complaints: the bureau and discipline all; an agency's admin, head and department head those forwarded
to their agency; an enterprise those it made on the portal; nobody else any.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, PermissionDenied
from clearcheck.core.inputs import MAX_ID
from clearcheck.inspections.choices import VisitStatus

from .choices import COMPLAINT_OPEN, MIN_GROUP, ComplaintStatus
from .models import Complaint, Evaluation

FULL_READERS = (Role.BUREAU, Role.DISCIPLINE)
AGGREGATE_READERS = (*FULL_READERS, Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
COMPLAINT_AGENCY_READERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= MAX_ID else None


# --- the evaluation window ------------------------------------------------------------------------

def evaluation_window_days() -> int:
    """Days after a visit closes in which its enterprise may evaluate it (default 15)."""
    return int(getattr(settings, "CLEARCHECK_EVALUATION_WINDOW_DAYS", 15))


def evaluation_window_end(closed_at: dt.datetime) -> dt.datetime:
    """The first moment an evaluation is refused: local (Asia/Shanghai) midnight that ends day N after the
    local day the visit closed. A visit closed at any time on 1 March with N = 15 may be evaluated until
    23:59:59.999 on 16 March; from 00:00 on 17 March it is refused.
    """
    closed_day = closed_at.astimezone(clock.LOCAL_TZ).date()
    last_day = closed_day + dt.timedelta(days=evaluation_window_days())
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.LOCAL_TZ)


def evaluation_days_left(closed_at: dt.datetime, today: dt.date | None = None) -> int:
    """Whole local days left after today (0 = today is the last day)."""
    today = today or clock.local_today()
    return (evaluation_window_end(closed_at).date() - dt.timedelta(days=1) - today).days


@dataclass(frozen=True)
class PendingEvaluation:
    """A closed visit the enterprise may still evaluate."""

    visit: object
    window_end: dt.datetime
    days_left: int


def evaluations_pending_for_enterprise(enterprise) -> list[PendingEvaluation]:
    """The enterprise's (instance or id) closed visits still within the window and not yet evaluated by it,
    soonest due first: the invitation to evaluate on the portal and the enterprise's visit page.
    """
    from clearcheck.inspections.models import Visit

    enterprise_id = getattr(enterprise, "pk", enterprise)
    now = clock.now()
    earliest = now - dt.timedelta(days=evaluation_window_days() + 2)  # a superset; exact check below
    visits = (Visit.objects.select_related("agency")
              .filter(enterprise_id=enterprise_id, status=VisitStatus.CLOSED, closed_at__gte=earliest)
              .exclude(Exists(Evaluation.objects.filter(visit=OuterRef("pk"), enterprise_id=enterprise_id)))
              .order_by("closed_at", "id"))
    today = clock.local_today()
    pending = [PendingEvaluation(v, evaluation_window_end(v.closed_at), evaluation_days_left(v.closed_at, today))
               for v in visits]
    return [p for p in pending if now < p.window_end]


def evaluation_visit_for_actor(*, actor, visit_id):
    """A visit of the actor's enterprise (any state; the service says why it may not be evaluated)."""
    if not actor_enterprise_id(actor):
        raise NotFound("入企记录不存在")
    from clearcheck.inspections.selectors.visits import visit_get_for_actor

    return visit_get_for_actor(actor, visit_id)


# --- evaluations ----------------------------------------------------------------------------------

def evaluations_for_actor(*, actor, agency_id=None, score=None, conduct: bool | None = None,
                          q: str = "") -> QuerySet[Evaluation]:
    """Individual evaluations: the bureau and discipline all, an enterprise its own, anyone else none."""
    qs = Evaluation.objects.select_related("visit", "enterprise", "agency")
    if actor_has_role(actor, *FULL_READERS):
        pass
    elif enterprise_id := actor_enterprise_id(actor):
        qs = qs.filter(enterprise_id=enterprise_id)
    else:
        return qs.none()
    if agency_id not in (None, ""):
        qs = qs.filter(agency_id=_pk(agency_id) or 0)
    if score not in (None, ""):
        qs = qs.filter(score=_pk(score) or 0)
    if conduct is not None:
        qs = qs.filter(conduct_flag=conduct)
    if q := (q or "").strip()[:100]:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__iexact=q) | Q(comment__icontains=q))
    return qs.order_by("-submitted_at", "-id")


def evaluation_get_for_actor(*, actor, evaluation_id) -> Evaluation:
    """One evaluation the actor may read in full (never an agency's)."""
    pk = _pk(evaluation_id)
    evaluation = evaluations_for_actor(actor=actor).filter(pk=pk).first() if pk else None
    if evaluation is None:
        raise NotFound("评价不存在")
    return evaluation


def evaluation_aggregate(*, actor, agency_id=None, date_from: dt.date | None = None,
                         date_to: dt.date | None = None) -> dict | None:
    """Count, mean score, share with a conduct "yes" and the score distribution of a group of evaluations
    (by submission date, local days, both ends included); ``None`` when the group has fewer than
    ``MIN_GROUP`` (too few to stay anonymous). An agency user always gets its own agency's group.
    """
    if not actor_has_role(actor, *AGGREGATE_READERS):
        raise PermissionDenied("无权查看评价统计")
    if not actor_has_role(actor, *FULL_READERS):
        agency_id = actor_agency_id(actor) or 0
    qs = Evaluation.objects.all()
    if agency_id not in (None, ""):
        qs = qs.filter(agency_id=_pk(agency_id) or 0)
    if date_from:
        qs = qs.filter(submitted_at__gte=dt.datetime.combine(date_from, dt.time(0), tzinfo=clock.LOCAL_TZ))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=clock.LOCAL_TZ)
        qs = qs.filter(submitted_at__lt=end)
    totals = qs.aggregate(count=Count("id"), mean=Avg("score"), conduct=Count("id", filter=Q(conduct_flag=True)),
                          **{f"s{n}": Count("id", filter=Q(score=n)) for n in range(1, 6)})
    if totals["count"] < MIN_GROUP:
        return None
    return {
        "count": totals["count"],
        "mean_score": round(float(totals["mean"]), 2),
        "conduct_share": round(totals["conduct"] / totals["count"], 4),
        "distribution": {n: totals[f"s{n}"] for n in range(1, 6)},
    }


# --- complaints -----------------------------------------------------------------------------------

def complaints_for_actor(*, actor, status: str | None = None, channel: str | None = None,
                         overdue: bool = False, q: str = "", today: dt.date | None = None) -> QuerySet[Complaint]:
    """The complaints the actor may read, newest first."""
    qs = Complaint.objects.select_related("handling_agency", "agency", "enterprise")
    if actor_has_role(actor, *FULL_READERS):
        pass
    elif actor_has_role(actor, *COMPLAINT_AGENCY_READERS) and (agency_id := actor_agency_id(actor)):
        qs = qs.filter(handling_agency_id=agency_id)
    elif enterprise_id := actor_enterprise_id(actor):
        qs = qs.filter(complainant_enterprise_id=enterprise_id)
    else:
        return qs.none()
    if status:
        qs = qs.filter(status=status) if status in ComplaintStatus.values else qs.none()
    if channel:
        qs = qs.filter(channel=channel)
    if overdue:
        qs = qs.filter(_overdue_q(today or clock.local_today()))
    if q := (q or "").strip()[:100]:
        qs = qs.filter(Q(subject__icontains=q) | Q(content__icontains=q) | Q(external_ref__iexact=q)
                       | Q(complainant_name__icontains=q))
    return qs.order_by("-received_at", "-id")


def complaint_get_for_actor(*, actor, complaint_id) -> Complaint:
    """One complaint the actor may read."""
    pk = _pk(complaint_id)
    complaint = complaints_for_actor(actor=actor).filter(pk=pk).first() if pk else None
    if complaint is None:
        raise NotFound("投诉举报不存在")
    return complaint


def _overdue_q(today: dt.date) -> Q:
    return Q(status__in=COMPLAINT_OPEN, replied_at__isnull=True, deadline__lt=today)


def complaint_is_overdue(complaint: Complaint, today: dt.date | None = None) -> bool:
    """Not replied by its deadline (still received or accepted after the deadline day)."""
    today = today or clock.local_today()
    return complaint.status in COMPLAINT_OPEN and complaint.replied_at is None and complaint.deadline < today


def complaints_overdue(today: dt.date | None = None) -> QuerySet[Complaint]:
    """Every complaint not replied by its deadline (for the bureau's jobs and dashboards), oldest due first."""
    return (Complaint.objects.select_related("handling_agency")
            .filter(_overdue_q(today or clock.local_today())).order_by("deadline", "id"))


def complaint_counts(today: dt.date | None = None) -> dict:
    """Complaints by state, plus how many are overdue (county-wide)."""
    rows = dict(Complaint.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    counts = {status: rows.get(status, 0) for status in ComplaintStatus.values}
    counts["overdue"] = complaints_overdue(today).count()
    return counts



@dataclass(frozen=True)
class ProgressStep:
    """One step of a complaint as its complainant follows it: what happened, when (if recorded), details."""

    label: str
    at: dt.datetime | None = None
    detail: str = ""
    done: bool = True


def complaint_progress(complaint: Complaint, today: dt.date | None = None) -> dict:
    """Where the enterprise's complaint stands (issue 19): the steps so far (registered, accepted, forwarded
    to an agency, replied, closed, or not accepted), the ones still awaited, and the reply
    deadline with the days left or how late it is. The agency's own handling report stays with the bureau:
    the complainant is answered by the reply.
    """
    today = today or clock.local_today()
    status = complaint.status
    steps = [ProgressStep(str(ComplaintStatus.RECEIVED.label), complaint.received_at)]
    if status == ComplaintStatus.REJECTED:
        # The reason is the reply (shown under it).
        steps.append(ProgressStep(str(ComplaintStatus.REJECTED.label), complaint.closed_at))
    else:
        accepted = status != ComplaintStatus.RECEIVED
        steps.append(ProgressStep(str(ComplaintStatus.ACCEPTED.label), done=accepted))
        if complaint.handling_agency_id:
            steps.append(ProgressStep(_("转交办理"), complaint.forwarded_at, complaint.handling_agency.name))
        steps.append(ProgressStep(str(ComplaintStatus.HANDLED.label), complaint.replied_at,
                                  done=complaint.replied_at is not None))
        steps.append(ProgressStep(str(ComplaintStatus.CLOSED.label), complaint.closed_at,
                                  done=status == ComplaintStatus.CLOSED))
    waiting = status in COMPLAINT_OPEN and complaint.replied_at is None
    left = (complaint.deadline - today).days
    return {"steps": steps, "waiting": waiting, "overdue": complaint_is_overdue(complaint, today),
            "days_left": left if waiting and left >= 0 else None,
            "days_late": -left if waiting and left < 0 else None}
