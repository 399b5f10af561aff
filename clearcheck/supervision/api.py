"""``/api/alerts``, ``/api/alert-runs``, ``/api/supervision/...`` and ``/api/public/notices``: the alert inboxes
(bureau: all; agencies: their own), special supervision (matters, directives, interviews, notices, referrals)
and the published notices. Handlers parse, call a selector or service, and return.
"""

import datetime as dt

from ninja import Query, Router, Schema

from clearcheck.alerts import selectors as alert_selectors
from clearcheck.alerts import services as alert_services
from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import Cursor, Day, DbId, Instant, PageSize

from . import selectors, services

router = Router(tags=["alerts"])



class AlertOut(Schema):
    """An alert."""

    id: int
    rule_id: str
    clause: str
    subject_type: str
    subject_id: str
    subject_label: str
    agency_id: int | None
    facts: str
    severity: str
    state: str
    assignee_id: int | None
    raised_at: dt.datetime
    occurrences: int
    resolution_note: str
    resolved_at: dt.datetime | None


class AlertPage(Page):
    """A page of alerts."""

    items: list[AlertOut]


class AlertFilter(Schema):
    """Alert filters (``agency_id`` is honoured for the bureau and discipline only)."""

    state: str | None = None
    rule_id: str | None = None
    severity: str | None = None
    agency_id: DbId | None = None
    assigned_to_me: bool = False
    q: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class ResolveIn(Schema):
    """How the alert was resolved."""

    note: str


class AssignIn(Schema):
    """Who handles the alert."""

    assignee_id: DbId


class ReopenIn(Schema):
    """Why a resolved alert is reopened."""

    reason: str


class AlertRunOut(Schema):
    """One run of the alert engine."""

    id: int
    today: dt.date
    rule_filter: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    counts: dict
    errors: dict
    raised: int


def _filters(f: AlertFilter) -> alert_selectors.AlertFilters:
    return alert_selectors.AlertFilters(state=f.state, rule_id=f.rule_id, severity=f.severity, agency_id=f.agency_id,
                                  assigned_to_me=f.assigned_to_me, q=f.q)


@router.get("/alerts", response=AlertPage, summary="Alerts visible to the caller")
def alert_list(request, filters: Query[AlertFilter]):
    """Alerts of the caller's scope."""
    qs = alert_selectors.alert_list_for_actor(actor=request.user, filters=_filters(filters))
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.get("/alerts/counts", response=dict[str, int], summary="Alerts per state in the caller's scope")
def alert_counts(request, filters: Query[AlertFilter]):
    """How many alerts of the caller's scope (and filters other than state) are in each state."""
    return alert_selectors.alert_state_counts(actor=request.user, filters=_filters(filters))


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One alert")
def alert_detail(request, alert_id: DbId):
    """One alert in the caller's scope."""
    return alert_selectors.alert_get_for_actor(actor=request.user, alert_id=alert_id)


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert")
def alert_acknowledge(request, alert_id: DbId):
    """Mark the alert as acknowledged."""
    return alert_services.alert_acknowledge(actor=request.user, alert_id=alert_id)


@router.post("/alerts/{alert_id}/assign", response=AlertOut, summary="Assign an alert to a handler")
def alert_assign(request, alert_id: DbId, payload: AssignIn):
    """Give the alert to a user who may handle it."""
    return alert_services.alert_assign(actor=request.user, alert_id=alert_id, assignee_id=payload.assignee_id)


@router.post("/alerts/{alert_id}/resolve", response=AlertOut, summary="Resolve an alert with a note")
def alert_resolve(request, alert_id: DbId, payload: ResolveIn):
    """Resolve the alert."""
    return alert_services.alert_resolve(actor=request.user, alert_id=alert_id, note=payload.note)


@router.post("/alerts/{alert_id}/reopen", response=AlertOut, summary="Reopen a resolved alert (bureau)")
def alert_reopen(request, alert_id: DbId, payload: ReopenIn):
    """Reopen the alert with a reason."""
    return alert_services.alert_reopen(actor=request.user, alert_id=alert_id, reason=payload.reason)


@router.get("/alert-runs", response=list[AlertRunOut], summary="The alert engine's last runs (bureau)")
def alert_runs(request):
    """The last runs of the alert engine; empty for everyone but the bureau."""
    return list(selectors.alert_runs_recent(actor=request.user, limit=20))


# --------------------------------------------------------------------------------- special supervision

class MatterIn(Schema):
    """A new supervision matter: from an alert, from another record (``source_type``/``source_id``) or direct."""

    title: str
    summary: str
    agency_id: DbId | None = None
    deadline: Day | None = None
    alert_id: DbId | None = None
    source_type: str = ""
    source_id: str = ""


class MatterOut(Schema):
    """A supervision matter."""

    id: int
    title: str
    agency_id: int | None
    summary: str
    source: str
    alert_id: int | None
    source_type: str
    source_id: str
    status: str
    deadline: dt.date | None
    conclusion: str
    opened_at: dt.datetime
    concluded_at: dt.datetime | None


class MatterPage(Page):
    """A page of matters."""

    items: list[MatterOut]


class DirectiveOut(Schema):
    """A directive (督办) and the agency's reply."""

    id: int
    matter_id: int
    agency_id: int
    instruction: str
    deadline: dt.date
    issued_at: dt.datetime
    reply: str
    replied_at: dt.datetime | None


class InterviewOut(Schema):
    """An interview (约谈)."""

    id: int
    matter_id: int
    agency_id: int
    officer_id: int | None
    interviewees: str
    held_at: dt.datetime
    place: str
    record_summary: str


class NoticeOut(Schema):
    """A notice (通报)."""

    id: int
    matter_id: int | None
    agency_id: int | None
    kind: str
    title: str
    body: str
    corrects_id: int | None
    published: bool
    published_at: dt.datetime | None


class MatterReferralOut(Schema):
    """A referral to discipline (移送纪检监察) with its evidence."""

    id: int
    matter_id: int
    agency_id: int | None
    officer_ids: list[int]
    alert_ids: list[int]
    clue: str
    evidence: str
    referred_at: dt.datetime
    received_at: dt.datetime | None
    receipt_note: str

    @staticmethod
    def resolve_officer_ids(obj) -> list[int]:
        return sorted(o.pk for o in obj.officers.all())

    @staticmethod
    def resolve_alert_ids(obj) -> list[int]:
        return sorted(a.pk for a in obj.alerts.all())


class MatterDetailOut(MatterOut):
    """A matter with what the caller may read of its actions."""

    directives: list[DirectiveOut]
    interviews: list[InterviewOut]
    notices: list[NoticeOut]
    referrals: list[MatterReferralOut]


class MatterFilter(Schema):
    """Matter filters."""

    status: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class DirectiveIn(Schema):
    """督办: an instruction and a deadline (to the matter's agency unless ``agency_id`` names another)."""

    instruction: str
    deadline: Day
    agency_id: DbId | None = None


class ReplyIn(Schema):
    """The agency's handling result."""

    reply: str


class InterviewIn(Schema):
    """约谈: who, when, where, and the record's summary."""

    agency_id: DbId
    officer_id: DbId | None = None
    interviewees: str
    held_at: Instant
    place: str
    record_summary: str


class NoticeIn(Schema):
    """A notice draft of the matter."""

    kind: str
    title: str
    body: str
    corrects_id: DbId | None = None


class ReferralIn(Schema):
    """移送纪检监察: the clue, the officers named, linked alerts and a description of the evidence."""

    clue: str
    officer_ids: list[DbId]
    alert_ids: list[DbId] = []
    evidence: str = ""


class ConcludeIn(Schema):
    """What came of the matter."""

    conclusion: str


class ReceiveIn(Schema):
    """Discipline's receipt note."""

    note: str = ""


@router.get("/supervision/matters", response=MatterPage, summary="Supervision matters visible to the caller",
            tags=["supervision"])
def matter_list(request, filters: Query[MatterFilter]):
    """Matters of the caller's scope."""
    qs = selectors.matter_list_for_actor(actor=request.user, status=filters.status)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/supervision/matters", response=MatterOut, summary="Open a supervision matter (bureau)",
             tags=["supervision"])
def matter_create(request, payload: MatterIn):
    """Open a matter."""
    return services.matter_open(actor=request.user, **payload.dict())


def _matter_detail(user, matter_id: DbId) -> dict:
    matter = selectors.matter_get_for_actor(actor=user, matter_id=matter_id)
    data = MatterOut.from_orm(matter).dict()
    data.update(directives=list(selectors.matter_directives(actor=user, matter=matter)),
                interviews=list(selectors.matter_interviews(actor=user, matter=matter)),
                notices=list(selectors.matter_notices(actor=user, matter=matter)),
                referrals=list(selectors.matter_referrals(actor=user, matter=matter).prefetch_related("alerts")))
    return data


@router.get("/supervision/matters/{matter_id}", response=MatterDetailOut, summary="One supervision matter",
            tags=["supervision"])
def matter_detail(request, matter_id: DbId):
    """A matter with its directives, interviews, notices and (bureau, discipline) referrals."""
    return _matter_detail(request.user, matter_id)


@router.post("/supervision/matters/{matter_id}/directives", response=DirectiveOut, summary="Issue a directive (督办)",
             tags=["supervision"])
def directive_issue(request, matter_id: DbId, payload: DirectiveIn):
    """Instruct an agency to handle the matter by a deadline."""
    return services.directive_issue(actor=request.user, matter_id=matter_id, **payload.dict())


@router.post("/supervision/directives/{directive_id}/reply", response=DirectiveOut,
             summary="Reply to a directive (the agency)", tags=["supervision"])
def directive_reply(request, directive_id: DbId, payload: ReplyIn):
    """The agency's handling result."""
    return services.directive_reply(actor=request.user, directive_id=directive_id, reply=payload.reply)


@router.post("/supervision/matters/{matter_id}/interviews", response=InterviewOut, summary="Record an interview (约谈)",
             tags=["supervision"])
def interview_record(request, matter_id: DbId, payload: InterviewIn):
    """Record an interview."""
    return services.interview_record(actor=request.user, matter_id=matter_id, **payload.dict())


@router.post("/supervision/matters/{matter_id}/notices", response=NoticeOut, summary="Draft a notice (通报)",
             tags=["supervision"])
def notice_draft(request, matter_id: DbId, payload: NoticeIn):
    """Draft a notice of the matter."""
    return services.notice_draft(actor=request.user, matter_id=matter_id, **payload.dict())


@router.post("/supervision/notices/{notice_id}/publish", response=NoticeOut, summary="Publish a notice (bureau)",
             tags=["supervision"])
def notice_publish(request, notice_id: DbId):
    """Publish the notice; it is immutable from then on."""
    return services.notice_publish(actor=request.user, notice_id=notice_id)


@router.post("/supervision/matters/{matter_id}/referrals", response=MatterReferralOut,
             summary="Refer a clue to discipline (移送纪检监察)", tags=["supervision"])
def referral_create(request, matter_id: DbId, payload: ReferralIn):
    """Refer officers' misconduct to the discipline role."""
    return services.referral_create(actor=request.user, matter_id=matter_id, **payload.dict())


@router.post("/supervision/matters/{matter_id}/conclude", response=MatterOut, summary="Conclude a matter (bureau)",
             tags=["supervision"])
def matter_conclude(request, matter_id: DbId, payload: ConcludeIn):
    """Conclude the matter."""
    return services.matter_conclude(actor=request.user, matter_id=matter_id, conclusion=payload.conclusion)


@router.get("/supervision/referrals", response=list[MatterReferralOut], summary="Referrals to discipline",
            tags=["supervision"])
def referral_list(request, pending: bool = False):
    """The discipline role's referral inbox (the bureau sees what it referred; others get [])."""
    return list(selectors.referral_list_for_actor(actor=request.user, pending_only=pending)
                .prefetch_related("alerts")[:200])


@router.get("/supervision/referrals/{referral_id}", response=MatterReferralOut, summary="One referral with its evidence",
            tags=["supervision"])
def referral_detail(request, referral_id: DbId):
    """One referral (bureau and discipline)."""
    return selectors.referral_get_for_actor(actor=request.user, referral_id=referral_id)


@router.post("/supervision/referrals/{referral_id}/receive", response=MatterReferralOut,
             summary="Record receipt of a referral (discipline)", tags=["supervision"])
def referral_receive(request, referral_id: DbId, payload: ReceiveIn):
    """Discipline records receipt."""
    return services.referral_receive(actor=request.user, referral_id=referral_id, note=payload.note)


class PublicNoticeOut(Schema):
    """A published notice."""

    id: int
    kind: str
    title: str
    body: str
    agency_name: str | None
    corrects_id: int | None
    published_at: dt.datetime

    @staticmethod
    def resolve_agency_name(obj) -> str | None:
        return obj.agency.name if obj.agency_id else None


class PublicNoticePage(Page):
    """A page of published notices."""

    items: list[PublicNoticeOut]


@router.get("/public/notices", response=PublicNoticePage, auth=None, summary="Published notices (通报)",
            tags=["public"])
def public_notice_list(request, cursor: Cursor | None = None, limit: PageSize = 50):
    """Published notices (keyset by id)."""
    items, next_cursor = keyset_page(selectors.notice_list_public(), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/public/notices/{notice_id}", response=PublicNoticeOut, auth=None, summary="One published notice",
            tags=["public"])
def public_notice_detail(request, notice_id: DbId):
    """One published notice."""
    return selectors.notice_get_public(notice_id=notice_id)
