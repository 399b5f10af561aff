"""Alert writes, every one audited (R30): ``alert_raise`` (the one way every ALERT rule raises an alert, with
deduplication and repeats), acknowledge, assign, resolve (a note is required) and reopen.

Any app above alerts raises an alert with ``from clearcheck.alerts.services import alert_raise``; the inbox
pages of supervision call the other services to handle one.
"""

import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Model

from clearcheck.accounts.choices import Role
from clearcheck.audit.services import audit_record, subject_describe
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.rules import rule_get

from .choices import AlertState, Severity
from .models import Alert
from .selectors import alert_assignable_users, alert_get_for_actor, alert_may_act
from .workflows import ALERT


@dataclass
class PeriodicPass:
    """The state of one periodic check while it runs: how many alerts it created."""

    created: int = 0


_periodic: ContextVar[PeriodicPass | None] = ContextVar("alerts_periodic_pass", default=None)


@contextmanager
def alert_periodic_pass():
    """Run a periodic check: a situation it finds again is not a new occurrence (no repeat, no audit event),
    so rerunning a check changes nothing; yields a ``PeriodicPass`` counting the alerts created.
    """
    state = PeriodicPass()
    token = _periodic.set(state)
    try:
        yield state
    finally:
        _periodic.reset(token)


@transaction.atomic
def alert_raise(
    *,
    rule_id: str,
    subject: Model | tuple[str, object],
    facts: dict,
    agency=None,
    severity: str = Severity.MEDIUM,
    dedup_key: str | None = None,
    subject_label: str = "",
    actor=None,
) -> Alert:
    """Raise an alert of an ALERT rule, or count one more occurrence of the same alert.

    ``dedup_key`` defaults to rule + subject, so raising twice (even at once) keeps one alert. Inside
    ``alert_periodic_pass`` a repeat is not counted: a daily check that finds the same overdue order
    again reports nothing new.
    """
    rule = rule_get(rule_id)
    subject_type, subject_id = subject_describe(subject)
    key = dedup_key or f"{rule_id}:{subject_type}:{subject_id}"
    periodic = _periodic.get()
    existing = Alert.objects.select_for_update().filter(dedup_key=key).first()
    if existing is not None:
        return existing if periodic else _alert_repeat(existing, actor=actor, facts=facts)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule_id=rule.id,
                clause=rule.clause,
                subject_type=subject_type,
                subject_id=subject_id,
                subject_label=subject_label or (str(subject) if isinstance(subject, Model) else ""),
                agency=agency,
                facts=canonical_text(facts),
                severity=severity,
                dedup_key=key,
                raised_at=clock.now(),
            )
    except IntegrityError:
        # Another transaction raised the same alert between our read and our insert.
        existing = Alert.objects.get(dedup_key=key)
        return existing if periodic else _alert_repeat(existing, actor=actor, facts=facts)
    audit_record(
        actor=actor, action="alert.raise", subject=alert,
        after={"rule": rule.id, "clause": rule.clause, "subject": [subject_type, subject_id], "facts": facts},
    )
    if periodic is not None:
        periodic.created += 1
    return alert


def _alert_repeat(existing: Alert, *, actor, facts: dict) -> Alert:
    # One more occurrence of an alert already raised: a state change like any other (R30).
    Alert.objects.filter(pk=existing.pk).update(occurrences=F("occurrences") + 1)
    existing.refresh_from_db()
    audit_record(actor=actor, action="alert.repeat", subject=existing,
                 after={"occurrences": existing.occurrences, "facts": facts})
    return existing


def _alert_for_update(actor, alert_id: int) -> Alert:
    alert = alert_get_for_actor(actor=actor, alert_id=alert_id)
    return Alert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def alert_acknowledge(*, actor, alert_id: int) -> Alert:
    """Mark an open alert as acknowledged by its reader (who becomes the assignee when there is none)."""
    alert = _alert_for_update(actor, alert_id)
    if not alert_may_act(actor=actor, alert=alert):
        raise PermissionDenied("只读角色不能处理预警")
    alert.state = ALERT.target(alert.state, "acknowledge", alert.rule_id)
    if alert.assignee_id is None and actor.is_authenticated:
        alert.assignee = actor
    alert.save(update_fields=["state", "assignee"])
    audit_record(actor=actor, action="alert.acknowledge", subject=alert, before={"state": "open"},
                 after={"state": alert.state, "assignee": alert.assignee_id})
    return alert


@transaction.atomic
def alert_assign(*, actor, alert_id: int, assignee_id: int) -> Alert:
    """Give an alert to a handler: the bureau to anyone who may handle it, an agency manager within its own
    agency. The assignee must be able to read the alert (the bureau, or a manager of the alert's agency).
    """
    alert = _alert_for_update(actor, alert_id)
    if not alert_may_act(actor=actor, alert=alert):
        raise PermissionDenied("只有司法局或本机关管理员、负责人可以分派预警")
    if alert.state == AlertState.RESOLVED:
        raise ValidationFailed(FieldError("assignee_id", "已办结的预警不能再分派"))
    assignee = alert_assignable_users(actor=actor, alert=alert).filter(pk=assignee_id).first()
    if assignee is None:
        raise ValidationFailed(FieldError("assignee_id", "承办人须为能查看该预警的司法局或本机关管理员、负责人"))
    before = alert.assignee_id
    alert.assignee = assignee
    alert.save(update_fields=["assignee"])
    audit_record(actor=actor, action="alert.assign", subject=alert, before={"assignee": before},
                 after={"assignee": assignee.pk, "assignee_label": assignee.get_username()})
    return alert


@transaction.atomic
def alert_resolve(*, actor, alert_id: int, note: str) -> Alert:
    """Resolve an alert with a note saying what was done (bureau, or the agency for its own alerts)."""
    if not (note or "").strip():
        raise ValidationFailed(FieldError("note", "请填写办结说明"))
    alert = _alert_for_update(actor, alert_id)
    if actor.role not in (Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD):
        raise PermissionDenied("只有司法局或本机关管理员、负责人可以办结预警")
    before = alert.state
    alert.state = ALERT.target(alert.state, "resolve", alert.rule_id, role=actor.role)
    alert.resolution_note = note.strip()
    alert.resolved_at = clock.now()
    alert.save(update_fields=["state", "resolution_note", "resolved_at"])
    audit_record(actor=actor, action="alert.resolve", subject=alert, before={"state": before},
                 after={"state": alert.state, "note": alert.resolution_note})
    return alert


@transaction.atomic
def alert_reopen(*, actor, alert_id: int, reason: str) -> Alert:
    """Reopen a resolved alert (bureau), e.g. when the stated remedy did not happen; a reason is required."""
    if not (reason or "").strip():
        raise ValidationFailed(FieldError("reason", "请填写重新打开的理由"))
    alert = _alert_for_update(actor, alert_id)
    alert.state = ALERT.target(alert.state, "reopen", alert.rule_id, role=actor.role)
    before = {"state": "resolved", "note": alert.resolution_note}
    alert.resolution_note = ""
    alert.resolved_at = None
    alert.save(update_fields=["state", "resolution_note", "resolved_at"])
    audit_record(actor=actor, action="alert.reopen", subject=alert, before=before,
                 after={"state": alert.state, "reason": reason.strip()})
    return alert


def alert_facts(alert: Alert) -> dict:
    """The facts of an alert as a dict."""
    return json.loads(alert.facts)
