"""Reads of outcomes (R19), scoped by actor: the findings and dispositions of a visit, one finding or
disposition, the referral inbox of an agency and the referrals it sent, and what the enterprise sees
(its findings and the correction deadlines, read-only, once the record is closed).

Who reads a visit's outcomes: whoever reads the visit (``selectors.visits.visits_for_actor``: its
officers, the agencies it works for, the county readers, the enterprise — which sees findings of closed
records only). A referral is also read by the receiving agency's admin and head.
Missing and not-yours are the same NotFound.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.catalog.models import NoPenaltyEntry
from clearcheck.catalog.selectors import no_penalty_published_for
from clearcheck.core import clock
from clearcheck.core.errors import NotFound
from clearcheck.registry.choices import AgencyStatus
from clearcheck.registry.models import Agency

from ..choices import DispositionKind, DispositionStatus, RecordStatus, ReferralStatus, VisitKind, VisitStatus
from ..models import Disposition, Finding, OnSiteRecord, RecordEntry, Visit, VisitOfficer, VisitTask
from .requests import MAX_ID
from .visits import visit_officer_for_actor, visits_for_actor

AGENCY_READERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
DISPOSERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)  # besides the visit's own officers of the agency
REFERRAL_HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
# Kinds that back a no-penalty decision with an order to correct (R19: 免罚通常应同时责令改正).
CORRECTING_KINDS = (DispositionKind.CORRECT_NOW, DispositionKind.CORRECT_BY_DEADLINE)
NO_PENALTY_ALONE = "不予处罚的,通常应同时责令改正(立即改正或限期改正)"


def id_valid(value) -> bool:
    """Whether ``value`` can be a database id (malformed ids answer like missing ones)."""
    try:
        return 0 < int(value) <= MAX_ID
    except (TypeError, ValueError):
        return False


# --- who is who ------------------------------------------------------------------------------------


def visit_officer_for(actor, visit) -> VisitOfficer | None:
    """The acting officer's confirmed place in ``visit``'s team, or None."""
    return visit_officer_for_actor(actor, visit)


def actor_may_record_findings(actor, visit: Visit) -> bool:
    """Findings are recorded by a confirmed officer of the open visit while its record is being written."""
    record = getattr(visit, "record", None) if visit.kind == VisitKind.INSPECTION else None
    return bool(record is not None and record.status == RecordStatus.DRAFTING and visit.status == VisitStatus.OPEN
                and visit_officer_for(actor, visit) is not None)


def actor_may_dispose(actor, finding: Finding) -> bool:
    """Dispositions of a finding are given by the visit's confirmed officers of the finding's agency, or by
    that agency's admin or head (later, e.g. a case filed after the visit).
    """
    if actor_has_role(actor, *DISPOSERS):
        return actor_agency_id(actor) == finding.agency_id
    vo = visit_officer_for(actor, finding.record.visit_id)
    return vo is not None and vo.officer.agency_id == finding.agency_id


def actor_may_handle_referral(actor, disposition: Disposition) -> bool:
    """The receiving agency's admin or head accepts and handles a referral."""
    return (disposition.kind == DispositionKind.REFER and actor_has_role(actor, *REFERRAL_HANDLERS)
            and actor_agency_id(actor) == disposition.referred_to_id)


# --- visits and findings ---------------------------------------------------------------------------


def _visits_scope(actor) -> QuerySet[Visit]:
    """The inspection visits (with a record) whose outcomes the actor reads: the visits the actor reads."""
    return visits_for_actor(actor).filter(kind=VisitKind.INSPECTION, record__isnull=False)


def outcomes_visit_get_for_actor(*, actor, visit_id) -> Visit:
    """The inspection visit (with its record) whose outcomes the actor may read; else NotFound."""
    if not id_valid(visit_id):
        raise NotFound("入企记录不存在")
    visit = (_visits_scope(actor).select_related("enterprise", "agency", "record").filter(pk=int(visit_id)).first())
    if visit is None:
        raise NotFound("入企记录不存在")
    return visit


def _with_detail(qs: QuerySet[Finding]) -> QuerySet[Finding]:
    return qs.select_related("agency", "record", "record__visit", "record__visit__enterprise").prefetch_related(
        Prefetch("entries", queryset=RecordEntry.objects.select_related("item").order_by("order", "id")),
        Prefetch("dispositions", queryset=Disposition.objects.select_related(
            "referred_to", "no_penalty_entry", "recheck_task").order_by("id")),
    )


def findings_for_actor(*, actor, visit_id=None, status: str | None = None) -> QuerySet[Finding]:
    """The findings the actor reads (of one visit, or of every visit in scope), keyset order by id.

    The enterprise sees the findings of its closed records only (a record being written may still change).
    """
    qs = Finding.objects.filter(record__visit__in=_visits_scope(actor))
    if actor_enterprise_id(actor):
        qs = qs.filter(record__status=RecordStatus.CLOSED)
    if visit_id is not None:
        qs = qs.filter(record__visit_id=visit_id)
    if status:
        qs = qs.filter(status=status)
    return _with_detail(qs).order_by("id")


def finding_get_for_actor(*, actor, finding_id) -> Finding:
    """One finding the actor may read; else NotFound."""
    if not id_valid(finding_id):
        raise NotFound("检查发现不存在")
    finding = findings_for_actor(actor=actor).filter(pk=int(finding_id)).first()
    if finding is None:
        raise NotFound("检查发现不存在")
    return finding


def entries_open_for_findings(record) -> list[RecordEntry]:
    """The non-compliant entries of a record that no finding covers yet (the finding form offers them)."""
    return list(record.entries.select_related("item").filter(result="non_compliant", findings__isnull=True)
                .order_by("order", "id"))


def finding_warnings(finding: Finding) -> list[str]:
    """Advice that does not refuse: a no-penalty decision without an order to correct (R19)."""
    kinds = {d.kind for d in finding.dispositions.all()}
    if DispositionKind.NO_PENALTY in kinds and not kinds & set(CORRECTING_KINDS):
        return [NO_PENALTY_ALONE]
    return []


def referral_agencies(finding: Finding) -> QuerySet[Agency]:
    """The listed, active agencies a finding may be referred to (its own agency excluded)."""
    return Agency.objects.filter(listed=True, status=AgencyStatus.ACTIVE).exclude(pk=finding.agency_id).order_by("code")


def no_penalty_grounds(finding: Finding) -> QuerySet[NoPenaltyEntry]:
    """The published no-penalty entries of the finding's agency (the grounds a decision may cite)."""
    return no_penalty_published_for(finding.agency_id)


# --- dispositions and referrals --------------------------------------------------------------------


def _dispositions() -> QuerySet[Disposition]:
    return Disposition.objects.select_related(
        "finding", "finding__agency", "finding__record", "finding__record__visit",
        "finding__record__visit__enterprise", "referred_to", "no_penalty_entry", "recheck_task")


def disposition_get_for_actor(*, actor, disposition_id) -> Disposition:
    """One disposition: readable with its finding, or by the receiving agency's admin and head when it is a
    referral to them; else NotFound.
    """
    if not id_valid(disposition_id) or actor_enterprise_id(actor):
        raise NotFound("处置不存在")  # the enterprise reads dispositions through its findings only
    readable = Q(finding__in=findings_for_actor(actor=actor).values("pk"))
    if actor_has_role(actor, *REFERRAL_HANDLERS) and (agency_id := actor_agency_id(actor)):
        readable |= Q(kind=DispositionKind.REFER, referred_to_id=agency_id)
    disposition = _dispositions().filter(readable, pk=int(disposition_id)).first()
    if disposition is None:
        raise NotFound("处置不存在")
    return disposition


def referral_inbox(*, actor, status: str | None = None) -> QuerySet[Disposition]:
    """Referrals (移送) to the actor's agency, for its admin and head; empty for everyone else."""
    agency_id = actor_agency_id(actor) if actor_has_role(actor, *REFERRAL_HANDLERS) else None
    if not agency_id:
        return Disposition.objects.none()
    qs = _dispositions().filter(kind=DispositionKind.REFER, referred_to_id=agency_id)
    if status:
        qs = qs.filter(referral_status=status) if status in ReferralStatus.values else qs.none()
    return qs.order_by("id")


def referrals_sent(*, actor, status: str | None = None) -> QuerySet[Disposition]:
    """Referrals the actor's agency made (its admin, head and department heads follow how they were handled)."""
    agency_id = actor_agency_id(actor) if actor_has_role(actor, *AGENCY_READERS) else None
    if not agency_id:
        return Disposition.objects.none()
    qs = _dispositions().filter(kind=DispositionKind.REFER, finding__agency_id=agency_id)
    if status:
        qs = qs.filter(referral_status=status) if status in ReferralStatus.values else qs.none()
    return qs.order_by("id")


def dispositions_open_overdue(today) -> QuerySet[Disposition]:
    """Correction orders still open after their deadline (overdue from the day after it), for the R19 job."""
    return (_dispositions().filter(kind=DispositionKind.CORRECT_BY_DEADLINE, status=DispositionStatus.OPEN,
                                   deadline__lt=today).order_by("id"))


def task_outcomes_public(task_ids) -> dict[int, dict]:
    """What may be published of the inspections of these tasks (一公开; no personal data): whether the
    visit closed, how many findings there were and how they were disposed of (labels), per task id.
    Three queries whatever the number of tasks.
    """
    ids = list(task_ids)
    visits = dict(VisitTask.objects.filter(task_id__in=ids, visit__status=VisitStatus.CLOSED)
                  .values_list("task_id", "visit_id"))
    result = {task_id: {"closed": task_id in visits, "findings": 0, "dispositions": []} for task_id in ids}
    by_visit = {visit_id: task_id for task_id, visit_id in visits.items()}
    counts = (Finding.objects.filter(record__visit_id__in=list(by_visit))
              .values("record__visit_id").annotate(n=Count("id")))
    for row in counts:
        result[by_visit[row["record__visit_id"]]]["findings"] = row["n"]
    labels = dict(DispositionKind.choices)
    kinds = (Disposition.objects.filter(finding__record__visit_id__in=list(by_visit))
             .values_list("finding__record__visit_id", "kind").distinct())
    for visit_id, kind in kinds:
        result[by_visit[visit_id]]["dispositions"].append(str(labels.get(kind, kind)))
    for row in result.values():
        row["dispositions"].sort()
    return result


# --- what the enterprise is told of one of its visits ----------------------------------------------


@dataclass(frozen=True)
class EnterpriseOutcome:
    """The outcome of one visit as its enterprise reads it (issue 19): never less than the public pages say.

    ``findings`` carry their dispositions; an open disposition with a deadline has ``days_left`` (negative
    once overdue. (The tasks, whose 行政检查通知书 it may download, are the visit's facts: ``visit_facts``.)
    """

    record: OnSiteRecord | None
    record_closed: bool
    findings: list[Finding]
    correction_orders: list[Disposition]


def enterprise_visit_outcome(*, actor, visit: Visit) -> EnterpriseOutcome:
    """The findings, dispositions (deadlines with days left, re-checks, referrals and their outcome), and the
    documents issued to the enterprise for ``visit`` (one the actor reads: ``visit_get_for_actor``).
    Findings appear once the record is closed, as on the outcomes page.
    """
    record = OnSiteRecord.objects.filter(visit_id=visit.pk).first()
    closed = record is not None and record.status == RecordStatus.CLOSED
    findings = list(findings_for_actor(actor=actor, visit_id=visit.pk)) if closed else []
    today, orders = clock.local_today(), []
    for finding in findings:
        for disposition in finding.dispositions.all():
            open_deadline = disposition.deadline and disposition.status == DispositionStatus.OPEN
            disposition.days_left = (disposition.deadline - today).days if open_deadline else None
            if disposition.kind in CORRECTING_KINDS:
                orders.append(disposition)
    return EnterpriseOutcome(record=record, record_closed=closed, findings=findings, correction_orders=orders)
