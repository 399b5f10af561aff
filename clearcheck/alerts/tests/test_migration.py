"""A database migrated before the alert model moved to alerts keeps its alerts (ADR 0019): the migrations are
state only, so the rows, supervision's foreign key and many-to-many to them and their audit trail are all there
and readable afterwards, on SQLite and PostgreSQL.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from clearcheck.alerts import selectors
from clearcheck.alerts.models import Alert
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.supervision.models import Referral, SupervisionMatter

BEFORE_THE_MOVE = [("supervision", "0006_histogram_coarse_rows"), ("alerts", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets)
    ContentType.objects.clear_cache()
    return state


@pytest.mark.django_db(transaction=True)
def test_alerts_written_before_the_move_are_there_and_readable_after_it(county):
    state = _migrate(BEFORE_THE_MOVE)
    assert ContentType.objects.filter(app_label="supervision", model="alert").exists()
    old = state.apps
    OldAlert = old.get_model("supervision", "Alert")
    now = clock.now()
    with transaction.atomic():
        alert = OldAlert.objects.create(
            rule_id="R29", clause="四(八)", subject_type="inspections.entryrefusal", subject_id="7",
            subject_label="拒绝未扫码检查", agency_id=county["agency"].pk, facts="{}", severity="high",
            dedup_key="R29:inspections.entryrefusal:7", raised_at=now, state="acknowledged",
            assignee_id=county["users"]["agency_head"].pk,
        )
        audit_record(actor=None, action="alert.raise", subject=("supervision.alert", alert.pk), after={"rule": "R29"})
        matter = old.get_model("supervision", "SupervisionMatter").objects.create(
            title="督办", summary="s", agency_id=county["agency"].pk, source="alert", alert_id=alert.pk,
            opened_by="bureau", opened_at=now)
        referral = old.get_model("supervision", "Referral").objects.create(
            matter_id=matter.pk, clue="线索", referred_by="bureau", referred_at=now)
        referral.alerts.add(alert)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Alert.objects.get(pk=alert.pk)
    assert (moved.rule_id, moved.state, moved.dedup_key, moved.agency, moved.assignee) == (
        "R29", "acknowledged", "R29:inspections.entryrefusal:7", county["agency"], county["users"]["agency_head"])
    assert SupervisionMatter.objects.get(pk=matter.pk).alert == moved
    assert list(Referral.objects.get(pk=referral.pk).alerts.all()) == [moved]
    assert list(moved.matters.all()) == [SupervisionMatter.objects.get(pk=matter.pk)]
    bureau = county["users"]["bureau"]
    assert selectors.alert_get_for_actor(actor=bureau, alert_id=alert.pk) == moved
    assert [e.action for e in selectors.alert_history(actor=bureau, alert=moved)] == ["alert.raise"]
    assert ContentType.objects.get_for_model(Alert).app_label == "alerts"
    assert not ContentType.objects.filter(app_label="supervision", model="alert").exists()
