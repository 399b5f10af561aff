"""Enterprises (一企一档): USCC, reference codes, coordinates with datum, duplicates, audit."""

import json
from decimal import Decimal

import pytest

from clearcheck.accounts.choices import Role
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.registry import services
from clearcheck.registry.choices import Datum
from clearcheck.registry.models import Enterprise

from .factories import enterprise_make, uscc_make, user_make

pytestmark = pytest.mark.django_db


def _fields(exc) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_enterprise_create_normalises_uscc_converts_gcj02_and_audits(bureau):
    code = uscc_make()
    enterprise = enterprise_make(actor=bureau, uscc=code.lower()[:9] + " " + code[9:], latitude="36.335390",
                                 longitude="116.247580", coordinate_datum=Datum.GCJ02)
    assert enterprise.uscc == code
    assert enterprise.coordinate_datum == Datum.GCJ02
    assert enterprise.latitude != Decimal("36.335390")  # stored as WGS-84
    event = AuditEvent.objects.get(action="enterprise.create", subject_id=str(enterprise.pk))
    assert json.loads(event.body)["after"]["uscc"] == code


def test_register_keepers_admin_may_register_enterprises(keeper_admin):
    assert enterprise_make(actor=keeper_admin).pk


@pytest.mark.parametrize("role", [Role.GOVERNMENT, Role.DISCIPLINE, Role.AGENCY_HEAD, Role.OFFICER])
def test_other_roles_may_not_register_enterprises(agency, role):
    actor = user_make(role, agency=agency if role in (Role.AGENCY_HEAD, Role.OFFICER) else None)
    with pytest.raises(PermissionDenied):
        enterprise_make(actor=actor)


def test_bad_input_is_refused_field_by_field_and_nothing_written(bureau):
    with pytest.raises(ValidationFailed) as exc:
        enterprise_make(actor=bureau, uscc="91371524MA3C8Q0K4", name="", region="999999", industry="9999",
                        latitude="95", longitude="116", entity_type="company")
    assert set(_fields(exc)) == {"uscc", "name", "region", "industry", "latitude", "entity_type"}
    assert not Enterprise.objects.exists()
    assert not AuditEvent.objects.filter(action="enterprise.create").exists()


def test_unknown_region_and_industry_codes_are_refused(bureau):
    with pytest.raises(ValidationFailed) as exc:
        enterprise_make(actor=bureau, region="371599")
    assert _fields(exc) == ["region"]
    with pytest.raises(ValidationFailed) as exc:
        enterprise_make(actor=bureau, industry="2749")
    assert _fields(exc) == ["industry"]


def test_duplicate_uscc_is_refused_on_the_field(bureau):
    first = enterprise_make(actor=bureau)
    with pytest.raises(ValidationFailed) as exc:
        enterprise_make(actor=bureau, uscc=first.uscc.lower())
    assert _fields(exc) == ["uscc"]
    assert Enterprise.objects.count() == 1


def test_update_keeps_coordinates_and_datum_unless_new_ones_are_given(bureau):
    enterprise = enterprise_make(actor=bureau, latitude="36.335390", longitude="116.247580",
                                 coordinate_datum=Datum.GCJ02)
    stored = (enterprise.latitude, enterprise.longitude)
    enterprise = services.enterprise_update(actor=bureau, enterprise_id=enterprise.pk, name="新名称阿胶有限公司")
    enterprise.refresh_from_db()
    assert (enterprise.latitude, enterprise.longitude) == stored and enterprise.coordinate_datum == Datum.GCJ02
    enterprise = services.enterprise_update(actor=bureau, enterprise_id=enterprise.pk, latitude=36.3,
                                            longitude=116.2)
    enterprise.refresh_from_db()
    assert (enterprise.latitude, enterprise.coordinate_datum) == (Decimal("36.300000"), Datum.WGS84)
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_update(actor=bureau, enterprise_id=enterprise.pk, latitude=36.2)
    assert _fields(exc) == ["latitude"]
    body = json.loads(AuditEvent.objects.filter(action="enterprise.update").order_by("id").first().body)
    assert body["before"] == {"name": body["before"]["name"]} and body["after"] == {"name": "新名称阿胶有限公司"}


def test_update_to_an_existing_uscc_is_refused(bureau):
    first, second = enterprise_make(actor=bureau), enterprise_make(actor=bureau)
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_update(actor=bureau, enterprise_id=second.pk, uscc=first.uscc)
    assert _fields(exc) == ["uscc"]
