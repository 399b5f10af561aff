"""No-penalty lists (免罚清单): versioned like item lists; published entries immutable; R30."""

import hashlib
import json

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.catalog import selectors, services
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .factories import user_make

pytestmark = pytest.mark.django_db

ENTRY = {
    "kind": "first_violation", "title": "未按规定公示食品经营许可证",
    "legal_basis": "《中华人民共和国行政处罚法》第三十三条第一款;《食品经营许可和备案管理办法》第五十条",
    "conditions": "初次违法、危害后果轻微并及时改正",
}


def test_no_penalty_list_lifecycle(admin):
    first = services.no_penalty_entry_create(actor=admin, **ENTRY)
    minor = services.no_penalty_entry_create(actor=admin, **{**ENTRY, "kind": "minor", "title": "轻微违法行为"})
    services.no_penalty_entry_update(actor=admin, entry_id=first.pk, data={"conditions": "首次且及时改正"})
    v1 = services.no_penalty_list_publish(actor=admin, agency=admin.agency, reason="首次公布")
    assert v1.kind == "no_penalty" and v1.number == 1
    assert v1.sha256 == hashlib.sha256(v1.snapshot.encode()).hexdigest()
    assert {e["title"] for e in json.loads(v1.snapshot)["entries"]} == {first.title, minor.title}
    with pytest.raises(Conflict):
        services.no_penalty_entry_update(actor=admin, entry_id=first.pk, data={"title": "改"})
    services.no_penalty_entry_withdraw(actor=admin, entry_id=minor.pk, reason="上位法修改")
    v2 = selectors.list_version_latest(agency=admin.agency, kind="no_penalty")
    assert v2.number == 2
    assert [e["title"] for e in json.loads(v2.snapshot)["entries"]] == [first.title]
    assert len(json.loads(type(v1).objects.get(pk=v1.pk).snapshot)["entries"]) == 2
    assert list(selectors.no_penalty_published_for(admin.agency)) == [first]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"no_penalty_entry.create", "no_penalty_entry.update", "no_penalty_list.publish",
            "no_penalty_entry.withdraw"} <= actions


def test_no_subjective_fault_is_not_a_list_kind(admin):
    with pytest.raises(ValidationFailed) as exc:
        services.no_penalty_entry_create(actor=admin, **{**ENTRY, "kind": "no_fault"})
    assert exc.value.errors[0].field == "kind"


def test_no_penalty_permissions(agency, admin, other_admin):
    entry = services.no_penalty_entry_create(actor=admin, **ENTRY)
    with pytest.raises(PermissionDenied):
        services.no_penalty_list_publish(actor=user_make("department_head", agency), agency=agency, reason="x")
    with pytest.raises(NotFound):
        services.no_penalty_entry_update(actor=other_admin, entry_id=entry.pk, data={"title": "x"})
    with pytest.raises(NotFound):
        selectors.no_penalty_entry_get_for_actor(actor=other_admin, entry_id=entry.pk)
