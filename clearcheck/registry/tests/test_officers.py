"""Officers: credentials, duplicates, R12/R25 qualification, who may maintain them."""

import datetime as dt
import json

import pytest

from clearcheck.accounts.choices import Role
from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearcheck.registry import services
from clearcheck.registry.choices import CredentialStatus, PersonnelType
from clearcheck.registry.models import Officer
from clearcheck.registry.rules import officer_is_qualified, officer_qualification_refusal

from .factories import officer_make, user_make

pytestmark = pytest.mark.django_db


def _fields(exc) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_agency_admin_registers_an_officer_of_its_agency_with_audit(agency, agency_admin):
    officer = officer_make(agency=agency, actor=agency_admin, credential_no=" ab-123 ")
    assert officer.credential_no == "AB-123"
    event = AuditEvent.objects.get(action="officer.create", subject_id=str(officer.pk))
    assert json.loads(event.body)["after"]["credential_no"] == "AB-123"


def test_agency_admin_may_not_register_officers_of_another_agency(agency_admin, other_agency):
    with pytest.raises(PermissionDenied):
        officer_make(agency=other_agency, actor=agency_admin)
    assert not Officer.objects.exists()


def test_agency_head_and_officer_roles_may_not_register_officers(agency, agency_head):
    with pytest.raises(PermissionDenied):
        officer_make(agency=agency, actor=agency_head)


def test_duplicate_credential_number_is_refused_on_the_field(agency, other_agency, bureau):
    officer_make(agency=agency, actor=bureau, credential_no="DUP-1")
    with pytest.raises(ValidationFailed) as exc:
        officer_make(agency=other_agency, actor=bureau, credential_no="dup-1")
    assert _fields(exc) == ["credential_no"]
    assert Officer.objects.count() == 1


def test_duplicate_credential_number_on_update_is_refused(agency, bureau):
    officer_make(agency=agency, actor=bureau, credential_no="A1")
    second = officer_make(agency=agency, actor=bureau, credential_no="A2")
    with pytest.raises(ValidationFailed) as exc:
        services.officer_update(actor=bureau, officer_id=second.pk, credential_no="A1")
    assert _fields(exc) == ["credential_no"]


def test_credential_valid_to_before_valid_from_writes_nothing(agency, bureau):
    with pytest.raises(ValidationFailed) as exc:
        officer_make(agency=agency, actor=bureau, valid_from=dt.date(2026, 5, 1), valid_to=dt.date(2026, 4, 1))
    assert _fields(exc) == ["valid_to"]
    assert not Officer.objects.exists() and not AuditEvent.objects.filter(action="officer.create").exists()


def test_unknown_fields_are_refused_by_name(agency, bureau):
    with pytest.raises(ValidationFailed) as exc:
        officer_make(agency=agency, actor=bureau, rank="科长")
    assert _fields(exc) == ["rank"]


@pytest.mark.parametrize(
    ("personnel_type", "rule"),
    [(PersonnelType.AUXILIARY, "R12"), (PersonnelType.GRID_WORKER, "R12"), (PersonnelType.TEMPORARY, "R12"),
     (PersonnelType.THIRD_PARTY, "R25")],
)
def test_r12_staff_without_enforcement_qualification_may_not_inspect(agency, bureau, personnel_type, rule):
    officer = officer_make(agency=agency, actor=bureau, personnel_type=personnel_type)
    refusal = officer_qualification_refusal(officer)
    assert refusal is not None and refusal.rule_id == rule
    assert not officer_is_qualified(officer)


def test_r12_valid_enforcement_officer_is_qualified(agency, bureau):
    officer = officer_make(agency=agency, actor=bureau)
    assert officer_qualification_refusal(officer) is None and officer_is_qualified(officer)


@pytest.mark.parametrize("status", [CredentialStatus.SUSPENDED, CredentialStatus.REVOKED])
def test_r12_suspended_or_revoked_credential_is_not_qualified_and_the_change_is_audited(agency, agency_admin,
                                                                                        status):
    officer = officer_make(agency=agency, actor=agency_admin)
    officer = services.officer_update(actor=agency_admin, officer_id=officer.pk, status=status)
    assert officer_qualification_refusal(officer).rule_id == "R12"
    event = AuditEvent.objects.get(action=f"officer.status_{status}", subject_id=str(officer.pk))
    body = json.loads(event.body)
    assert body["before"] == {"status": "valid"} and body["after"] == {"status": status}


def test_r12_expired_and_not_yet_valid_credentials_are_not_qualified(agency, bureau):
    today = clock.local_today()
    expired = officer_make(agency=agency, actor=bureau, valid_from=today - dt.timedelta(days=800),
                           valid_to=today - dt.timedelta(days=1))
    future = officer_make(agency=agency, actor=bureau, valid_from=today + dt.timedelta(days=1),
                          valid_to=today + dt.timedelta(days=800))
    assert officer_qualification_refusal(expired).rule_id == "R12"
    assert officer_qualification_refusal(future).rule_id == "R12"
    assert officer_is_qualified(expired, on=today - dt.timedelta(days=2))


def test_officer_update_by_another_agency_is_not_found(agency, other_agency, bureau):
    officer = officer_make(agency=agency, actor=bureau)
    stranger = user_make(Role.AGENCY_ADMIN, agency=other_agency)
    with pytest.raises(NotFound):
        services.officer_update(actor=stranger, officer_id=officer.pk, status=CredentialStatus.REVOKED)
    assert Officer.objects.get(pk=officer.pk).status == CredentialStatus.VALID


def test_officer_update_without_change_writes_no_event(agency, bureau):
    officer = officer_make(agency=agency, actor=bureau)
    services.officer_update(actor=bureau, officer_id=officer.pk, name=officer.name)
    assert not AuditEvent.objects.filter(subject_type="registry.officer", action__startswith="officer.u").exists()
