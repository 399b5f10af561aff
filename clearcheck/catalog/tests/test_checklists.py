"""Standards and checklists: R02 at entry, immutability and versions (R04), 一表通查, permissions, R30."""

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.catalog import selectors, services
from clearcheck.catalog.models import Checklist, ChecklistEntry, Standard
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed

from .factories import checklist_make, item_make, items_publish, user_make

pytestmark = pytest.mark.django_db


def test_r02_entry_with_unpublished_item_refused(admin):
    draft_item = item_make(admin)
    checklist = services.checklist_create(actor=admin, code="BD-1", name="表", object_type="企业")
    with pytest.raises(RuleViolation) as exc:
        services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=draft_item.pk, content="查")
    assert exc.value.rule_id == "R02"
    assert exc.value.errors[0].field == "item"
    assert not ChecklistEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="checklist_entry.add").exists()


def test_r02_withdrawn_item_blocks_publication(admin):
    (item,), _ = items_publish(admin, {})
    checklist = checklist_make(admin, items=[item])
    services.item_withdraw(actor=admin, item_id=item.pk, reason="废止")
    with pytest.raises(RuleViolation) as exc:
        services.checklist_publish(actor=admin, checklist_id=checklist.pk)
    assert exc.value.rule_id == "R02"
    checklist.refresh_from_db()
    assert checklist.status == "draft"


def test_entry_needs_item_and_content(admin):
    checklist = services.checklist_create(actor=admin, code="BD-1", name="表", object_type="企业")
    with pytest.raises(ValidationFailed) as exc:
        services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=None, content="")
    assert {e.field for e in exc.value.errors} == {"item", "content"}


def test_publish_empty_checklist_refused(admin):
    checklist = services.checklist_create(actor=admin, code="BD-1", name="表", object_type="企业")
    with pytest.raises(ValidationFailed) as exc:
        services.checklist_publish(actor=admin, checklist_id=checklist.pk)
    assert exc.value.errors[0].field == "entries"


def test_publish_checklist_and_edit_refused(admin):
    (item,), _ = items_publish(admin, {})
    checklist = checklist_make(admin, items=[item], publish=True)
    assert checklist.status == "published" and checklist.published_at and checklist.published_by == admin.username
    entry = checklist.entries.get()
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="再查")
    assert checklist.name in str(exc.value)
    with pytest.raises(Conflict):
        services.checklist_entry_remove(actor=admin, checklist_id=checklist.pk, entry_id=entry.pk)
    with pytest.raises(Conflict):
        services.checklist_publish(actor=admin, checklist_id=checklist.pk)
    assert checklist.entries.count() == 1
    assert AuditEvent.objects.count() == events


def test_r04_new_version_leaves_old_intact(admin):
    (a, b), _ = items_publish(admin, {"code": "A"}, {"code": "B"})
    v1 = checklist_make(admin, items=[a], code="BD-9", publish=True)
    v1_entries = list(v1.entries.values_list("pk", "item_id", "content"))
    v2 = services.checklist_new_version(actor=admin, checklist_id=v1.pk)
    assert (v2.code, v2.version, v2.status, v2.previous_id) == ("BD-9", 2, "draft", v1.pk)
    assert list(v2.entries.values_list("item_id", "content")) == [(i, c) for _, i, c in v1_entries]
    services.checklist_entry_add(actor=admin, checklist_id=v2.pk, item_id=b.pk, content="新增内容")
    services.checklist_publish(actor=admin, checklist_id=v2.pk)
    v1.refresh_from_db()
    assert v1.status == "superseded"
    assert list(v1.entries.values_list("pk", "item_id", "content")) == v1_entries
    assert Checklist.objects.get(pk=v2.pk).entries.count() == 2
    # The superseded version stays readable for the records that point at it.
    assert selectors.public_checklist_get(checklist_id=v1.pk).pk == v1.pk


def test_new_version_only_from_published_and_only_one_draft(admin):
    (item,), _ = items_publish(admin, {})
    draft = checklist_make(admin, items=[item])
    with pytest.raises(Conflict):
        services.checklist_new_version(actor=admin, checklist_id=draft.pk)
    services.checklist_publish(actor=admin, checklist_id=draft.pk)
    services.checklist_new_version(actor=admin, checklist_id=draft.pk)
    with pytest.raises(ValidationFailed):
        services.checklist_new_version(actor=admin, checklist_id=draft.pk)


def test_integrated_checklist_across_two_agencies(admin, other_admin):
    (own,), _ = items_publish(admin, {"name": "食品安全检查"})
    (foreign,), _ = items_publish(other_admin, {"name": "安全生产检查"})
    checklist = checklist_make(admin, items=[own, foreign], publish=True)
    loaded = selectors.checklist_get_for_actor(actor=admin, checklist_id=checklist.pk)
    assert [a.pk for a in selectors.checklist_agencies(loaded)] == [admin.agency_id, other_admin.agency_id]
    assert selectors.checklist_is_integrated(loaded)
    publish_event = AuditEvent.objects.get(action="checklist.publish")
    assert str(other_admin.agency_id) in publish_event.body


def test_checklist_permissions(agency, admin, other_admin, bureau):
    (item,), _ = items_publish(admin, {})
    checklist = checklist_make(admin, items=[item])
    dept = user_make("department_head", agency)
    with pytest.raises(PermissionDenied):
        services.checklist_publish(actor=dept, checklist_id=checklist.pk)
    with pytest.raises(NotFound):
        services.checklist_publish(actor=other_admin, checklist_id=checklist.pk)
    with pytest.raises(NotFound):
        selectors.checklist_get_for_actor(actor=other_admin, checklist_id=checklist.pk)  # a draft of another agency
    with pytest.raises(PermissionDenied):
        services.checklist_publish(actor=bureau, checklist_id=checklist.pk)
    assert selectors.checklist_get_for_actor(actor=bureau, checklist_id=checklist.pk) == checklist
    services.checklist_publish(actor=admin, checklist_id=checklist.pk)
    # A published checklist of another agency is readable (it is public anyway).
    assert selectors.checklist_get_for_actor(actor=other_admin, checklist_id=checklist.pk) == checklist


def test_checklist_services_write_audit_events(admin):
    (item,), _ = items_publish(admin, {})
    checklist = services.checklist_create(actor=admin, code="BD-1", name="表", object_type="企业")
    entry = services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="查")
    services.checklist_entry_remove(actor=admin, checklist_id=checklist.pk, entry_id=entry.pk)
    services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="查")
    services.checklist_publish(actor=admin, checklist_id=checklist.pk)
    services.checklist_new_version(actor=admin, checklist_id=checklist.pk)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"checklist.create", "checklist_entry.add", "checklist_entry.remove", "checklist.publish",
            "checklist.new_version"} <= actions


def test_entry_with_published_standard(admin):
    (item,), _ = items_publish(admin, {})
    standard = services.standard_create(actor=admin, code="BZ-1", title="阿胶生产卫生规范", content="……")
    checklist = services.checklist_create(actor=admin, code="BD-1", name="表", object_type="企业")
    with pytest.raises(ValidationFailed) as exc:
        services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="查",
                                     standard_id=standard.pk)
    assert exc.value.errors[0].field == "standard"
    services.standard_publish(actor=admin, standard_id=standard.pk)
    entry = services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk, content="查",
                                         standard_id=standard.pk, standard_text="第3条")
    assert entry.standard_id == standard.pk


def test_standard_versions(admin, other_admin):
    s1 = services.standard_create(actor=admin, code="BZ-1", title="标准", content="内容一")
    services.standard_update(actor=admin, standard_id=s1.pk, data={"content": "内容二"})
    services.standard_publish(actor=admin, standard_id=s1.pk)
    with pytest.raises(Conflict):
        services.standard_update(actor=admin, standard_id=s1.pk, data={"content": "改"})
    with pytest.raises(NotFound):
        services.standard_new_version(actor=other_admin, standard_id=s1.pk)
    s2 = services.standard_new_version(actor=admin, standard_id=s1.pk)
    assert (s2.version, s2.status, s2.content) == (2, "draft", "内容二")
    services.standard_publish(actor=admin, standard_id=s2.pk)
    s1.refresh_from_db()
    assert s1.status == "superseded" and s1.content == "内容二"
    assert Standard.objects.filter(code="BZ-1").count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"standard.create", "standard.update", "standard.publish", "standard.new_version"} <= actions
