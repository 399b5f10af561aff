"""Alerts: ``alert_raise`` deduplicates (also under concurrency), is audited (R30) and scoped by actor."""

import json
import threading

import pytest
from django.db import connection

from clearcheck.alerts import selectors, services
from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.mark.django_db
def test_r05_alert_raise_records_rule_clause_facts_and_audit_event():
    alert = services.alert_raise(rule_id="R05", subject=("planning.annualplan", 7), facts={"year": 2025})
    assert (alert.rule_id, alert.clause, alert.state, alert.occurrences) == ("R05", "三(四)", "open", 1)
    assert services.alert_facts(alert) == {"year": 2025}
    event = AuditEvent.objects.get(action="alert.raise", subject_id=str(alert.pk))
    assert json.loads(event.body)["after"]["rule"] == "R05"


@pytest.mark.django_db
def test_r30_alert_raise_twice_counts_occurrences_and_audits_each():
    first = services.alert_raise(rule_id="R29", subject=("x.visit", 1), facts={"n": 1})
    again = services.alert_raise(rule_id="R29", subject=("x.visit", 1), facts={"n": 2})
    assert first.pk == again.pk and again.occurrences == 2
    assert Alert.objects.count() == 1
    repeat = AuditEvent.objects.get(action="alert.repeat", subject_id=str(first.pk))
    assert json.loads(repeat.body)["after"] == {"occurrences": 2, "facts": {"n": 2}}


@pytest.mark.django_db
def test_alert_scoping_bureau_sees_all_agency_sees_own(county):
    users = county["users"]
    mine = services.alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    theirs = services.alert_raise(rule_id="R05", subject=("x", 2), facts={}, agency=county["other_agency"])
    assert set(selectors.alert_list_for_actor(actor=users["bureau"])) == {mine, theirs}
    assert set(selectors.alert_list_for_actor(actor=users["agency_admin"])) == {mine}
    assert not selectors.alert_list_for_actor(actor=users["enterprise"]).exists()
    with pytest.raises(NotFound):
        selectors.alert_get_for_actor(actor=users["agency_head"], alert_id=theirs.pk)


@pytest.mark.django_db
def test_alert_acknowledge_and_resolve_workflow(county):
    users = county["users"]
    alert = services.alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    with pytest.raises(ValidationFailed) as info:
        services.alert_resolve(actor=users["agency_admin"], alert_id=alert.pk, note="  ")
    assert info.value.errors[0].field == "note"
    services.alert_acknowledge(actor=users["agency_admin"], alert_id=alert.pk)
    with pytest.raises(Conflict):
        services.alert_acknowledge(actor=users["agency_admin"], alert_id=alert.pk)
    with pytest.raises(PermissionDenied):
        services.alert_resolve(actor=users["discipline"], alert_id=alert.pk, note="已整改")
    resolved = services.alert_resolve(actor=users["agency_admin"], alert_id=alert.pk, note="已整改")
    assert resolved.state == "resolved" and resolved.resolution_note == "已整改"
    actions = list(AuditEvent.objects.filter(subject_id=str(alert.pk), subject_type="supervision.alert")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["alert.raise", "alert.acknowledge", "alert.resolve"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("callers", [8])
def test_alert_raise_concurrently_with_one_dedup_key_keeps_one_alert(callers):
    barrier = threading.Barrier(callers)
    errors: list[BaseException] = []

    def raise_it():
        try:
            barrier.wait(timeout=30)
            services.alert_raise(rule_id="R21", subject=("x.enterprise", 42), facts={"n": 1}, dedup_key="R21:same")
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_it) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    alert = Alert.objects.get()
    assert alert.dedup_key == "R21:same"
    assert alert.occurrences == callers
    assert AuditEvent.objects.filter(action="alert.raise").count() == 1
    assert AuditEvent.objects.filter(action="alert.repeat").count() == callers - 1
