"""An alert's audit trail across the move of the model from supervision to alerts (ADR 0019).

The chain cannot be rewritten, and it named alerts ``supervision.alert`` before the move. Alerts keep being
recorded under that label, and an alert's trail also reads the model's current label (``alerts.alert``), so an
alert raised before the move shows its whole history afterwards.
"""

import json

import pytest
from django.db import transaction
from django.test import Client

from clearcheck.alerts import selectors, services
from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.audit.services import audit_record, audit_seal, subject_describe
from clearcheck.audit.verify import audit_verify
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text

OLD_LABEL = "supervision.alert"  # how the chain named an alert before the move
NEW_LABEL = "alerts.alert"  # the model's label after it


def _alert_raised_before_the_move(agency) -> Alert:
    # What supervision's alert_raise wrote before the move: the row (same table) and its events, recorded with
    # the label spelled out as the old code's ``_meta.label_lower`` gave it.
    with transaction.atomic():
        alert = Alert.objects.create(
            rule_id="R29", clause="四(八)", subject_type="inspections.entryrefusal", subject_id="1",
            subject_label="阿胶企业拒绝未扫码检查", agency=agency, facts=canonical_text({"refusal": 1}),
            severity="high", dedup_key="R29:inspections.entryrefusal:1", raised_at=clock.now(),
        )
        audit_record(actor=None, action="alert.raise", subject=(OLD_LABEL, alert.pk),
                     after={"rule": "R29", "clause": "四(八)", "subject": ["inspections.entryrefusal", "1"],
                            "facts": {"refusal": 1}})
    with transaction.atomic():
        Alert.objects.filter(pk=alert.pk).update(occurrences=2)
        audit_record(actor=None, action="alert.repeat", subject=(OLD_LABEL, alert.pk),
                     after={"occurrences": 2, "facts": {"refusal": 1}})
    audit_seal()
    return alert


@pytest.mark.django_db
def test_an_alert_raised_before_the_move_shows_its_whole_history_afterwards(county):
    users = county["users"]
    alert = _alert_raised_before_the_move(county["agency"])
    services.alert_raise(rule_id="R29", subject=("inspections.entryrefusal", 1), facts={"refusal": 1},
                         agency=county["agency"])  # the same situation again, after the move: a repeat
    services.alert_acknowledge(actor=users["agency_admin"], alert_id=alert.pk)
    services.alert_assign(actor=users["bureau"], alert_id=alert.pk, assignee_id=users["agency_head"].pk)
    services.alert_resolve(actor=users["agency_head"], alert_id=alert.pk, note="已约谈执法人员并整改")
    audit_seal()

    history = list(selectors.alert_history(actor=users["bureau"], alert=alert))
    assert [e.action for e in history] == ["alert.raise", "alert.repeat", "alert.repeat", "alert.acknowledge",
                                           "alert.assign", "alert.resolve"]
    assert {e.subject_type for e in history} == {OLD_LABEL}  # one subject, one name in the chain
    assert Alert.objects.get(pk=alert.pk).occurrences == 3

    client = Client()
    client.force_login(users["bureau"])
    page = client.get(f"/work/alerts/{alert.pk}/").content.decode()
    for label in ("发出预警", "再次触发预警", "标记预警已知悉", "分派预警承办人", "办结预警"):  # issue 19: words, not codes
        assert label in page
    assert audit_verify().ok


@pytest.mark.django_db
def test_alert_events_keep_the_label_the_chain_knows_them_by(county):
    alert = services.alert_raise(rule_id="R05", subject=county["agency"], facts={"year": 2026},
                                 agency=county["agency"])
    assert Alert._meta.label_lower == NEW_LABEL
    assert subject_describe(alert) == (OLD_LABEL, str(alert.pk))
    event = AuditEvent.objects.get(action="alert.raise", subject_id=str(alert.pk))
    assert event.subject_type == OLD_LABEL and json.loads(event.body)["subject"]["type"] == OLD_LABEL
    # The audit API's filter by subject type finds alerts' events as before.
    client = Client()
    client.force_login(county["users"]["bureau"])
    items = client.get("/api/audit/events", {"subject_type": OLD_LABEL}).json()["items"]
    assert [e["action"] for e in items] == ["alert.raise"]


@pytest.mark.django_db
def test_the_trail_also_reads_events_recorded_under_the_models_new_label(county):
    """The alias works both ways: an event recorded as ``alerts.alert`` (e.g. by a tool naming the model by its
    label) is part of the alert's trail too.
    """
    users = county["users"]
    alert = services.alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    with transaction.atomic():
        audit_record(actor=users["bureau"], action="alert.note", subject=(NEW_LABEL, alert.pk), after={"n": 1})
    services.alert_acknowledge(actor=users["agency_admin"], alert_id=alert.pk)
    history = list(selectors.alert_history(actor=users["agency_admin"], alert=alert))
    assert [(e.action, e.subject_type) for e in history] == [
        ("alert.raise", OLD_LABEL), ("alert.note", NEW_LABEL), ("alert.acknowledge", OLD_LABEL)]
