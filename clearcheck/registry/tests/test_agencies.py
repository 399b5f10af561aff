"""Agencies, their versions and the agency list workflow (R01, clause 二(一))."""

import json

import pytest

from clearcheck.accounts.choices import Role
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, PermissionDenied, ValidationFailed
from clearcheck.registry import services
from clearcheck.registry.choices import AgencyListStatus, AgencyStatus
from clearcheck.registry.models import Agency, AgencyList, AgencyVersion
from clearcheck.registry.rules import agency_inspection_refusal, agency_may_inspect

from .factories import agency_list_publish_all, agency_make, enterprise_make, user_make

pytestmark = pytest.mark.django_db


def _fields(exc) -> list[str]:
    return [e.field for e in exc.value.errors]


def test_r01_agency_create_keeps_version_one_with_reason_and_audit(bureau):
    agency = agency_make(actor=bureau, code="SCJG", name="东阿县市场监督管理局", reason="三定方案确认")
    version = AgencyVersion.objects.get(agency=agency)
    assert (version.number, version.reason, version.changed_by) == (1, "三定方案确认", bureau.username)
    assert json.loads(version.snapshot)["name"] == "东阿县市场监督管理局"
    event = AuditEvent.objects.get(action="agency.create", subject_id=str(agency.pk))
    assert json.loads(event.body)["extra"]["reason"] == "三定方案确认"
    assert agency.listed is False


def test_r01_agency_update_bumps_version_and_keeps_every_version(bureau):
    agency = agency_make(actor=bureau)
    services.agency_update(actor=bureau, agency_id=agency.pk, reason="更名", name="东阿县新名称局")
    services.agency_update(actor=bureau, agency_id=agency.pk, reason="暂停", status=AgencyStatus.SUSPENDED)
    agency.refresh_from_db()
    assert agency.version == 3
    versions = list(AgencyVersion.objects.filter(agency=agency).order_by("number"))
    assert [(v.number, v.reason) for v in versions] == [(1, "初次确认"), (2, "更名"), (3, "暂停")]
    assert json.loads(versions[1].snapshot)["name"] == "东阿县新名称局"
    assert AuditEvent.objects.filter(action="agency.update", subject_id=str(agency.pk)).count() == 2


def test_agency_update_needs_a_reason_and_writes_nothing_without_one(bureau):
    agency = agency_make(actor=bureau)
    with pytest.raises(ValidationFailed) as exc:
        services.agency_update(actor=bureau, agency_id=agency.pk, reason=" ", name="别的名字")
    assert "reason" in _fields(exc)
    agency.refresh_from_db()
    assert agency.version == 1 and agency.name != "别的名字"


def test_agency_create_refuses_bad_fields_by_name(bureau):
    agency_make(actor=bureau, code="DUP")
    with pytest.raises(ValidationFailed) as exc:
        services.agency_create(actor=bureau, code="DUP", name="", kind="bogus", legal_basis="", region="999999",
                               parent=987654, reason="")
    assert set(_fields(exc)) == {"code", "name", "kind", "legal_basis", "region", "parent", "reason"}
    assert Agency.objects.count() == 1


def test_agency_parent_may_not_be_its_own_descendant(bureau):
    parent = agency_make(actor=bureau)
    child = agency_make(actor=bureau, parent=parent)
    with pytest.raises(ValidationFailed) as exc:
        services.agency_update(actor=bureau, agency_id=parent.pk, reason="x", parent=child.pk)
    assert _fields(exc) == ["parent"]


@pytest.mark.parametrize("role", [Role.GOVERNMENT, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.ENTERPRISE])
def test_only_the_bureau_confirms_agencies(bureau, agency, role):
    other = user_make(role, agency=agency if role == Role.AGENCY_ADMIN else None,
                      enterprise=enterprise_make(actor=bureau) if role == Role.ENTERPRISE else None)
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=other, code="X", name="X", kind="administrative_organ", legal_basis="x",
                               region="371524", reason="x")
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=other, agency_id=agency.pk, reason="x", name="Y")
    assert Agency.objects.get(pk=agency.pk).name == agency.name


def test_r01_agency_list_workflow_publishes_and_flips_listed(bureau, government):
    a1, a2 = agency_make(actor=bureau), agency_make(actor=bureau)
    suspended = agency_make(actor=bureau)
    services.agency_update(actor=bureau, agency_id=suspended.pk, reason="暂停", status=AgencyStatus.SUSPENDED)
    record = services.agency_list_draft(actor=bureau, note="2025年度")
    codes = [e["code"] for e in json.loads(record.snapshot)]
    assert codes == sorted([a1.code, a2.code])
    assert len(record.sha256) == 64
    services.agency_list_review(actor=bureau, list_id=record.pk, note="审核通过")
    services.agency_list_approve(actor=government, list_id=record.pk, note="县政府常务会议审定")
    record = services.agency_list_publish(actor=bureau, list_id=record.pk)
    assert record.status == AgencyListStatus.PUBLISHED and record.published_at is not None
    assert set(Agency.objects.filter(listed=True).values_list("pk", flat=True)) == {a1.pk, a2.pk}
    assert agency_may_inspect(Agency.objects.get(pk=a1.pk))
    actions = list(AuditEvent.objects.filter(subject_type="registry.agencylist").values_list("action", flat=True))
    assert actions == ["agency_list.draft", "agency_list.review", "agency_list.approve", "agency_list.publish"]


def test_r01_a_new_publication_supersedes_the_old_and_unlists_the_removed(bureau, government):
    a1, a2 = agency_make(actor=bureau), agency_make(actor=bureau)
    first = agency_list_publish_all(bureau=bureau, government=government)
    services.agency_update(actor=bureau, agency_id=a2.pk, reason="机构改革撤销", status=AgencyStatus.DISSOLVED)
    second = agency_list_publish_all(bureau=bureau, government=government)
    first.refresh_from_db()
    assert first.status == AgencyListStatus.SUPERSEDED and second.status == AgencyListStatus.PUBLISHED
    assert Agency.objects.get(pk=a1.pk).listed is True
    a2 = Agency.objects.get(pk=a2.pk)
    assert a2.listed is False
    assert agency_inspection_refusal(a2).rule_id == "R01"


def test_r01_wrong_role_is_refused_at_each_step(bureau, government, agency):
    record = services.agency_list_draft(actor=bureau)
    with pytest.raises(PermissionDenied):
        services.agency_list_draft(actor=government)
    with pytest.raises(PermissionDenied):
        services.agency_list_review(actor=government, list_id=record.pk)
    services.agency_list_review(actor=bureau, list_id=record.pk)
    with pytest.raises(PermissionDenied):
        services.agency_list_approve(actor=bureau, list_id=record.pk)
    services.agency_list_approve(actor=government, list_id=record.pk)
    with pytest.raises(PermissionDenied):
        services.agency_list_publish(actor=government, list_id=record.pk)
    assert AgencyList.objects.get(pk=record.pk).status == AgencyListStatus.APPROVED


def test_r01_wrong_order_is_refused_and_nothing_changes(bureau, government, agency):
    record = services.agency_list_draft(actor=bureau)
    with pytest.raises(Conflict):
        services.agency_list_approve(actor=government, list_id=record.pk)
    with pytest.raises(Conflict):
        services.agency_list_publish(actor=bureau, list_id=record.pk)
    with pytest.raises(Conflict):
        services.agency_list_draft(actor=bureau)  # one version in progress at a time
    assert AgencyList.objects.get(pk=record.pk).status == AgencyListStatus.DRAFT
    assert not Agency.objects.filter(listed=True).exists()


def test_r01_government_rejects_with_a_reason_and_the_list_is_never_published(bureau, government, agency):
    record = services.agency_list_draft(actor=bureau)
    services.agency_list_review(actor=bureau, list_id=record.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.agency_list_reject(actor=government, list_id=record.pk, note="")
    assert _fields(exc) == ["note"]
    services.agency_list_reject(actor=government, list_id=record.pk, note="依据不全")
    with pytest.raises(Conflict):
        services.agency_list_publish(actor=bureau, list_id=record.pk)
    assert AuditEvent.objects.filter(action="agency_list.reject").count() == 1
    # A rejected version is closed: a new draft may start.
    assert services.agency_list_draft(actor=bureau).number == record.number + 1


def test_r01_unlisted_and_suspended_agencies_may_not_inspect(bureau, government):
    agency = agency_make(actor=bureau)
    refusal = agency_inspection_refusal(agency)
    assert refusal.rule_id == "R01" and "清单" in refusal.plain
    agency_list_publish_all(bureau=bureau, government=government)
    agency.refresh_from_db()
    assert agency_may_inspect(agency)
    agency = services.agency_update(actor=bureau, agency_id=agency.pk, reason="暂停", status=AgencyStatus.SUSPENDED)
    refusal = agency_inspection_refusal(agency)
    assert refusal.rule_id == "R01" and "暂停" in refusal.plain
