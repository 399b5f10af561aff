"""``alert_raise``: the one way every ALERT rule raises an alert."""

import json

from django.db import IntegrityError, transaction
from django.db.models import F, Model

from clearcheck.audit.services import audit_record, subject_describe
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.rules import rule_get

from .choices import AlertState, Severity
from .models import Alert


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

    ``dedup_key`` defaults to rule + subject, so raising twice (even at once) keeps one alert.
    """
    rule = rule_get(rule_id)
    subject_type, subject_id = subject_describe(subject)
    key = dedup_key or f"{rule_id}:{subject_type}:{subject_id}"
    existing = Alert.objects.select_for_update().filter(dedup_key=key).first()
    if existing is not None:
        return _alert_repeat(existing, actor=actor, facts=facts)
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
        return _alert_repeat(Alert.objects.get(dedup_key=key), actor=actor, facts=facts)
    audit_record(
        actor=actor, action="alert.raise", subject=alert,
        after={"rule": rule.id, "clause": rule.clause, "subject": [subject_type, subject_id], "facts": facts},
    )
    return alert


def _alert_repeat(existing: Alert, *, actor, facts: dict) -> Alert:
    # One more occurrence of an alert already raised: a state change like any other (R30).
    Alert.objects.filter(pk=existing.pk).update(occurrences=F("occurrences") + 1)
    existing.refresh_from_db()
    audit_record(actor=actor, action="alert.repeat", subject=existing,
                 after={"occurrences": existing.occurrences, "facts": facts})
    return existing


def _alert_for_update(actor, alert_id: int) -> Alert:
    from .selectors import alert_get_for_actor

    alert = alert_get_for_actor(actor=actor, alert_id=alert_id)
    return Alert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def alert_acknowledge(*, actor, alert_id: int) -> Alert:
    """Mark an open alert as acknowledged by its reader."""
    alert = _alert_for_update(actor, alert_id)
    if alert.state != AlertState.OPEN:
        raise Conflict("只有待处理的预警可以标记为已知悉")
    alert.state = AlertState.ACKNOWLEDGED
    if alert.assignee_id is None and actor.is_authenticated:
        alert.assignee = actor
    alert.save(update_fields=["state", "assignee"])
    audit_record(actor=actor, action="alert.acknowledge", subject=alert, before={"state": "open"},
                 after={"state": alert.state})
    return alert


@transaction.atomic
def alert_resolve(*, actor, alert_id: int, note: str) -> Alert:
    """Resolve an alert with a note saying what was done (bureau, or the agency for its own alerts)."""
    from clearcheck.accounts.choices import Role

    if not (note or "").strip():
        raise ValidationFailed(FieldError("note", "请填写办结说明"))
    alert = _alert_for_update(actor, alert_id)
    if actor.role not in (Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD):
        raise PermissionDenied("只有司法局或本机关管理员、负责人可以办结预警")
    if alert.state == AlertState.RESOLVED:
        raise Conflict("该预警已办结")
    before = alert.state
    alert.state = AlertState.RESOLVED
    alert.resolution_note = note.strip()
    alert.resolved_at = clock.now()
    alert.save(update_fields=["state", "resolution_note", "resolved_at"])
    audit_record(actor=actor, action="alert.resolve", subject=alert, before={"state": before},
                 after={"state": alert.state, "note": alert.resolution_note})
    return alert


def alert_facts(alert: Alert) -> dict:
    """The facts of an alert as a dict."""
    return json.loads(alert.facts)
