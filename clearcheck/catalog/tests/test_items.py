"""Inspection items and their published list versions (R02, R03, immutability, R30)."""

import hashlib
import json

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.catalog import selectors, services
from clearcheck.catalog.models import InspectionItem, PublishedList
from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed

from .factories import item_fields, item_make, items_publish, user_make

pytestmark = pytest.mark.django_db


def test_item_create_is_a_draft_and_audited(admin):
    item = item_make(admin, code="SC-001")
    assert item.status == "draft" and item.agency_id == admin.agency_id
    event = AuditEvent.objects.get(action="inspection_item.create")
    assert event.subject_id == str(item.pk)


def test_r03_licensing_onsite_without_basis_refused(admin):
    with pytest.raises(RuleViolation) as exc:
        item_make(admin, licensing_onsite_allowed=True, licensing_onsite_basis="  ")
    assert exc.value.rule_id == "R03"
    assert exc.value.errors[0].field == "licensing_onsite_basis"
    assert not InspectionItem.objects.exists()
    assert not AuditEvent.objects.filter(action="inspection_item.create").exists()


def test_r03_licensing_onsite_with_basis_accepted(admin):
    item = item_make(admin, licensing_onsite_allowed=True, licensing_onsite_basis="《食品生产许可管理办法》第二十一条")
    assert item.licensing_onsite_allowed


def test_r03_update_removing_basis_refused(admin):
    item = item_make(admin, licensing_onsite_allowed=True, licensing_onsite_basis="某条")
    with pytest.raises(RuleViolation) as exc:
        services.item_update(actor=admin, item_id=item.pk, data={"licensing_onsite_basis": ""})
    assert exc.value.rule_id == "R03"


def test_bad_input_names_every_field(admin):
    with pytest.raises(ValidationFailed) as exc:
        services.item_create(actor=admin, code="", name="", legal_basis="", object_scope="", method="",
                             category="weird", annual_cap=0)
    fields = {e.field for e in exc.value.errors}
    assert {"code", "name", "legal_basis", "object_scope", "method", "category", "annual_cap"} <= fields
    assert not InspectionItem.objects.exists()


def test_duplicate_live_code_refused(admin):
    item_make(admin, code="SC-001")
    with pytest.raises(ValidationFailed) as exc:
        item_make(admin, code="SC-001")
    assert exc.value.errors[0].field == "code"


def test_draft_item_is_editable(admin):
    item = item_make(admin)
    updated = services.item_update(actor=admin, item_id=item.pk, data={"name": "新名称", "annual_cap": 3})
    assert updated.name == "新名称" and updated.annual_cap == 3
    assert AuditEvent.objects.filter(action="inspection_item.update").count() == 1


def test_edit_published_item_refused_and_nothing_written(admin):
    (item,), _ = items_publish(admin, {"name": "原名称"})
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.item_update(actor=admin, item_id=item.pk, data={"name": "改名"})
    assert item.code in str(exc.value)
    item.refresh_from_db()
    assert item.name == "原名称"
    assert AuditEvent.objects.count() == events


def test_publish_creates_immutable_version_with_snapshot_and_sha256(admin):
    items, version = items_publish(admin, {"code": "B-2"}, {"code": "A-1"}, reason="首次公布")
    assert all(i.status == "published" and i.published_at for i in items)
    assert version.number == 1 and version.kind == "items" and version.reason == "首次公布"
    assert version.sha256 == hashlib.sha256(version.snapshot.encode("utf-8")).hexdigest()
    data = json.loads(version.snapshot)
    assert [e["code"] for e in data["entries"]] == ["A-1", "B-2"]  # sorted by code
    assert data["agency"]["id"] == admin.agency_id
    assert version.published_by == admin.username
    assert AuditEvent.objects.filter(action="item_list.publish", subject_id=str(version.pk)).exists()


def test_publish_without_drafts_refused(admin):
    with pytest.raises(ValidationFailed):
        services.item_list_publish(actor=admin, agency=admin.agency, reason="空")
    assert not PublishedList.objects.exists()


def test_publish_needs_reason(admin):
    item_make(admin)
    with pytest.raises(ValidationFailed) as exc:
        services.item_list_publish(actor=admin, agency=admin.agency, reason=" ")
    assert exc.value.errors[0].field == "reason"


def test_second_publication_includes_earlier_items(admin):
    items_publish(admin, {"code": "A-1"})
    _, v2 = items_publish(admin, {"code": "A-2"}, reason="增补")
    assert v2.number == 2
    assert [e["code"] for e in json.loads(v2.snapshot)["entries"]] == ["A-1", "A-2"]


def test_withdrawal_is_a_new_version_and_old_version_unchanged(admin):
    (keep, drop), v1 = items_publish(admin, {"code": "A-1"}, {"code": "A-2"})
    v1_snapshot, v1_hash = v1.snapshot, v1.sha256
    services.item_withdraw(actor=admin, item_id=drop.pk, reason="法律依据已废止")
    drop.refresh_from_db()
    assert drop.status == "withdrawn"
    v2 = selectors.list_version_latest(agency=admin.agency, kind="items")
    assert v2.number == 2 and v2.reason == "法律依据已废止"
    assert [e["code"] for e in json.loads(v2.snapshot)["entries"]] == ["A-1"]
    v1.refresh_from_db()
    assert (v1.snapshot, v1.sha256) == (v1_snapshot, v1_hash)
    assert AuditEvent.objects.filter(action="inspection_item.withdraw").count() == 1


def test_withdrawn_code_can_be_reused_by_a_replacement(admin):
    (old,), _ = items_publish(admin, {"code": "A-1"})
    services.item_withdraw(actor=admin, item_id=old.pk, reason="替换")
    new = item_make(admin, code="A-1", name="替换后的事项")
    assert new.pk != old.pk


def test_withdraw_twice_refused(admin):
    (item,), _ = items_publish(admin, {})
    services.item_withdraw(actor=admin, item_id=item.pk, reason="撤回")
    with pytest.raises(Conflict):
        services.item_withdraw(actor=admin, item_id=item.pk, reason="再撤回")


def test_r02_item_list_refusal(admin, other_admin):
    (published,), _ = items_publish(admin, {})
    draft = item_make(admin)
    (foreign,), _ = items_publish(other_admin, {})
    agency = admin.agency
    assert item_list_refusal(agency, [published]) is None
    assert item_list_refusal(agency, [published, draft]).rule_id == "R02"
    assert item_list_refusal(agency, [foreign]).rule_id == "R02"
    assert item_list_refusal(agency, []).rule_id == "R02"
    assert selectors.item_is_published(published) and not selectors.item_is_published(draft)
    assert list(selectors.items_published_for(agency)) == [published]


def test_department_head_and_officer_cannot_write(agency, admin):
    """Department heads and officers read only; only the admin or head publishes."""
    item = item_make(admin)
    for role in ("department_head", "officer"):
        reader = user_make(role, agency)
        with pytest.raises(PermissionDenied):
            item_make(reader)
        with pytest.raises(PermissionDenied):
            services.item_list_publish(actor=reader, agency=agency, reason="越权")
        assert selectors.item_get_for_actor(actor=reader, item_id=item.pk) == item
    assert not PublishedList.objects.exists()


def test_agency_head_may_publish(head):
    _, version = items_publish(head, {})
    assert version.number == 1


def test_other_agency_admin_gets_not_found(admin, other_admin):
    item = item_make(admin)
    with pytest.raises(NotFound):
        services.item_update(actor=other_admin, item_id=item.pk, data={"name": "x"})
    with pytest.raises(NotFound):
        services.item_withdraw(actor=other_admin, item_id=item.pk, reason="x")
    with pytest.raises(NotFound):
        services.item_list_publish(actor=other_admin, agency=admin.agency, reason="x")
    with pytest.raises(NotFound):
        selectors.item_get_for_actor(actor=other_admin, item_id=item.pk)


def test_bureau_reads_all_but_cannot_write(admin, bureau):
    item = item_make(admin)
    assert selectors.item_get_for_actor(actor=bureau, item_id=item.pk) == item
    with pytest.raises(PermissionDenied):
        services.item_update(actor=bureau, item_id=item.pk, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        services.item_create(actor=bureau, **item_fields())


def test_unknown_field_refused(admin):
    item = item_make(admin)
    with pytest.raises(ValidationFailed):
        services.item_update(actor=admin, item_id=item.pk, data={"status": "published"})
