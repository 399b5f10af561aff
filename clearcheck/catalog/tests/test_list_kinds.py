"""The sibling list kinds (``catalog.lists``): items and no-penalty entries go through one machinery, and the
work pages of each drive it alike (create, publish, withdraw, refusals as messages).
"""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clearcheck.catalog import selectors, services
from clearcheck.catalog.choices import ListKind
from clearcheck.catalog.lists import ITEM_LIST, NO_PENALTY_LIST
from clearcheck.catalog.models import NoPenaltyEntry, PublishedList
from clearcheck.core.errors import ValidationFailed

from .factories import item_make, items_publish

pytestmark = pytest.mark.django_db

ENTRY = {"kind": "minor", "title": "轻微违法行为", "legal_basis": "《中华人民共和国行政处罚法》第三十三条",
         "conditions": "违法行为轻微并及时改正,没有造成危害后果"}


def _messages(response) -> list[str]:
    """The messages waiting for the next page (those of earlier redirects not yet shown come first)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_every_list_kind_has_one_spec():
    specs = (ITEM_LIST, NO_PENALTY_LIST)
    assert sorted(spec.kind for spec in specs) == sorted(ListKind.values)
    assert [spec.noun for spec in specs] == ["检查事项", "免罚清单事项"]


def test_both_kinds_snapshot_their_published_members_in_list_order(admin):
    (second, first), _ = items_publish(admin, {"code": "B-2"}, {"code": "A-1"})
    minor = services.no_penalty_entry_create(actor=admin, **ENTRY)
    first_violation = services.no_penalty_entry_create(actor=admin, **{**ENTRY, "kind": "first_violation"})
    version = services.no_penalty_list_publish(actor=admin, agency=admin.agency, reason="公布")
    items = selectors.list_version_latest(agency=admin.agency, kind=ListKind.ITEMS)
    assert [e["code"] for e in json.loads(items.snapshot)["entries"]] == ["A-1", "B-2"]
    assert [e["id"] for e in json.loads(version.snapshot)["entries"]] == [first_violation.pk, minor.pk]
    assert list(NO_PENALTY_LIST.published(admin.agency)) == [first_violation, minor]
    assert list(ITEM_LIST.published(admin.agency)) == [first, second]


def test_nothing_to_publish_names_each_kind(admin):
    for publish, field in ((services.item_list_publish, "items"), (services.no_penalty_list_publish, "entries")):
        with pytest.raises(ValidationFailed) as caught:
            publish(actor=admin, agency=admin.agency, reason="公布")
        assert caught.value.errors[0].field == field
    assert not PublishedList.objects.exists()


def test_no_penalty_pages_create_publish_and_withdraw(client, admin):
    client.force_login(admin)
    response = client.post(reverse("catalog:no_penalty_list"), ENTRY)
    assert response.status_code == 302 and _messages(response) == ["已新增草稿免罚事项"]
    entry = NoPenaltyEntry.objects.get()
    refused = client.post(reverse("catalog:no_penalty_list"), {**ENTRY, "title": ""})
    assert refused.status_code == 422 and NoPenaltyEntry.objects.count() == 1
    again = client.post(reverse("catalog:no_penalty_list"), ENTRY)  # Back and resubmit: nothing new
    assert again.status_code == 302 and again["Location"] == reverse("catalog:no_penalty_detail", args=[entry.pk])
    assert NoPenaltyEntry.objects.count() == 1
    response = client.post(reverse("catalog:no_penalty_list_publish"), {"reason": "首次公布"})
    assert _messages(response) == ["已发布免罚清单第 1 版"]
    detail = reverse("catalog:no_penalty_detail", args=[entry.pk])
    kept = client.post(detail, {"action": "withdraw", "reason": " "})
    assert kept.status_code == 200 and "请填写理由" in kept.content.decode()
    entry.refresh_from_db()
    assert entry.status == "published"
    response = client.post(detail, {"action": "withdraw", "reason": "上位法修改"})
    assert response.status_code == 302 and response.url == reverse("catalog:no_penalty_list")
    assert selectors.list_version_latest(agency=admin.agency, kind=ListKind.NO_PENALTY).number == 2


def test_item_pages_publish_and_withdraw_with_and_without_reason(client, admin):
    item = item_make(admin)
    client.force_login(admin)
    response = client.post(reverse("catalog:item_list_publish"), {"reason": "首次公布"})
    assert _messages(response) == ["已发布检查事项清单第 1 版"]
    withdraw = reverse("catalog:item_withdraw", args=[item.pk])
    refused = client.post(withdraw, {"reason": ""})
    assert refused.url == reverse("catalog:item_detail", args=[item.pk])
    assert "请填写理由" in _messages(refused)[-1]
    response = client.post(withdraw, {"reason": "废止"})
    assert response.url == reverse("catalog:item_list") and _messages(response)[-1] == "已撤回该事项"
    item.refresh_from_db()
    assert item.status == "withdrawn"
