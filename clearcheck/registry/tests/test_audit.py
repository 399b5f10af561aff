"""R30: every registry service writes its audit event in the same transaction."""

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import ValidationFailed
from clearcheck.registry import services

from .factories import enterprise_make, officer_make, user_make

pytestmark = pytest.mark.django_db


def test_r30_every_registry_service_writes_an_audit_event(bureau, government, agency):
    services.agency_update(actor=bureau, agency_id=agency.pk, reason="调整", legal_basis="新依据")
    record = services.agency_list_draft(actor=bureau)
    services.agency_list_review(actor=bureau, list_id=record.pk)
    services.agency_list_reject(actor=government, list_id=record.pk, note="退回")
    record = services.agency_list_draft(actor=bureau)
    services.agency_list_review(actor=bureau, list_id=record.pk)
    services.agency_list_approve(actor=government, list_id=record.pk)
    services.agency_list_publish(actor=bureau, list_id=record.pk)
    officer = officer_make(agency=agency, actor=bureau)
    services.officer_update(actor=bureau, officer_id=officer.pk, name="新姓名")
    services.officer_update(actor=bureau, officer_id=officer.pk, status="suspended")
    enterprise = enterprise_make(actor=bureau)
    services.enterprise_update(actor=bureau, enterprise_id=enterprise.pk, address="东阿县铜城街道")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "agency.create", "agency.update", "agency_list.draft", "agency_list.review", "agency_list.reject",
        "agency_list.approve", "agency_list.publish", "officer.create", "officer.update",
        "officer.status_suspended", "enterprise.create", "enterprise.update",
    } <= actions
    actor_labels = set(AuditEvent.objects.filter(action__startswith="agency_list.").values_list("actor_label",
                                                                                               flat=True))
    assert actor_labels == {bureau.username, government.username}


def test_r30_a_refused_write_leaves_no_event_and_no_row(bureau):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        enterprise_make(actor=bureau, uscc="bad")
    assert AuditEvent.objects.count() == before


def test_r30_audit_events_are_written_by_the_acting_user(agency):
    admin = user_make("agency_admin", agency=agency)
    officer = officer_make(agency=agency, actor=admin)
    event = AuditEvent.objects.get(action="officer.create", subject_id=str(officer.pk))
    assert event.actor_id == admin.pk
