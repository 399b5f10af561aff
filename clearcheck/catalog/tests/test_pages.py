"""Web pages: public pages show only published data of listed agencies; work pages drive the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clearcheck.catalog import services
from clearcheck.catalog.models import Checklist, InspectionItem

from .factories import agency_make, checklist_make, item_make, items_publish, user_make

pytestmark = pytest.mark.django_db


def test_public_item_list_without_login_shows_published_only(client, admin):
    items_publish(admin, {"name": "阿胶生产许可条件检查", "legal_basis": "《药品管理法》第四十一条"},
                  {"name": "食品标签检查", "category": "key"})
    item_make(admin, name="尚未发布的草稿事项")
    url = reverse("catalog_public:item_list", args=[admin.agency_id])
    page = client.get(url).content.decode()
    assert "阿胶生产许可条件检查" in page and "食品标签检查" in page
    assert "尚未发布的草稿事项" not in page
    assert 'name="q"' in page and "共 2 项" in page


def test_public_search_q_finds_by_name_and_category_filter(client, admin):
    items_publish(admin, {"name": "阿胶生产许可条件检查"}, {"name": "食品标签检查", "category": "key"})
    url = reverse("catalog_public:item_list", args=[admin.agency_id])
    page = client.get(url, {"q": "阿胶"}).content.decode()
    assert "阿胶生产许可条件检查" in page and "食品标签检查" not in page and "共 1 项" in page
    page = client.get(url, {"category": "key"}).content.decode()
    assert "食品标签检查" in page and "阿胶生产许可条件检查" not in page


def test_public_pages_404_for_unlisted_agency_and_draft_checklist(client, admin):
    unlisted = agency_make(listed=False)
    unlisted_admin = user_make("agency_admin", unlisted)
    _, hidden_version = items_publish(unlisted_admin, {})
    for name in ("item_list", "item_list_versions", "checklist_list", "no_penalty_list"):
        assert client.get(reverse(f"catalog_public:{name}", args=[unlisted.pk])).status_code == 404
    assert client.get(reverse("catalog_public:item_list_version", args=[hidden_version.pk])).status_code == 404
    (item,), _ = items_publish(admin, {})
    draft = checklist_make(admin, items=[item])
    assert client.get(reverse("catalog_public:checklist_detail", args=[draft.pk])).status_code == 404


def test_public_versions_checklists_and_no_penalty(client, admin, other_admin):
    (item, gone), v1 = items_publish(admin, {"code": "A-1"}, {"code": "A-2", "name": "将被撤回的事项"})
    services.item_withdraw(actor=admin, item_id=gone.pk, reason="废止")
    (foreign,), _ = items_publish(other_admin, {"name": "应急事项"})
    checklist = checklist_make(admin, items=[item, foreign], publish=True)
    services.no_penalty_entry_create(actor=admin, kind="first_violation", title="首违事项", legal_basis="第三十三条",
                                     conditions="首次")
    services.no_penalty_list_publish(actor=admin, agency=admin.agency, reason="公布")
    aid = admin.agency_id
    versions = client.get(reverse("catalog_public:item_list_versions", args=[aid])).content.decode()
    assert "第 1 版" in versions and "第 2 版" in versions
    old = client.get(reverse("catalog_public:item_list_version", args=[v1.pk])).content.decode()
    assert "将被撤回的事项" in old  # old versions stay readable
    current = client.get(reverse("catalog_public:item_list", args=[aid])).content.decode()
    assert "将被撤回的事项" not in current
    listing = client.get(reverse("catalog_public:checklist_list", args=[aid])).content.decode()
    assert checklist.name in listing
    detail = client.get(reverse("catalog_public:checklist_detail", args=[checklist.pk])).content.decode()
    assert "应急事项" in detail and "一表通查" in detail and "v1" in detail
    np = client.get(reverse("catalog_public:no_penalty_list", args=[aid])).content.decode()
    assert "首违事项" in np


@pytest.mark.parametrize("count", [5, 50])
def test_public_item_list_query_count_is_constant(client, admin, django_assert_max_num_queries, count):
    items_publish(admin, *[{"code": f"Q-{i:03d}"} for i in range(count)])
    url = reverse("catalog_public:item_list", args=[admin.agency_id])
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200


def test_public_item_list_same_query_count_for_5_and_50_items(client, admin):
    url = reverse("catalog_public:item_list", args=[admin.agency_id])
    items_publish(admin, *[{"code": f"Q-{i:03d}"} for i in range(5)])
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    items_publish(admin, *[{"code": f"R-{i:03d}"} for i in range(45)], reason="增补")
    with CaptureQueriesContext(connection) as fifty:
        assert "共 50 项" in client.get(url).content.decode()
    assert len(five.captured_queries) == len(fifty.captured_queries)


@pytest.mark.parametrize("count", [2, 20])
def test_public_checklist_detail_query_count_is_constant(client, admin, django_assert_max_num_queries, count):
    items, _ = items_publish(admin, *[{"code": f"Q-{i:03d}"} for i in range(count)])
    checklist = checklist_make(admin, items=items, publish=True)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("catalog_public:checklist_detail", args=[checklist.pk])).status_code == 200


def test_work_pages_render_for_admin_and_bureau(client, admin, bureau):
    (item,), version = items_publish(admin, {})
    checklist = checklist_make(admin, items=[item])
    standard = services.standard_create(actor=admin, code="BZ-1", title="标准", content="内容")
    entry = services.no_penalty_entry_create(actor=admin, kind="minor", title="轻微", legal_basis="第三十三条",
                                             conditions="轻微")
    urls = [
        reverse("catalog:item_list"), reverse("catalog:item_detail", args=[item.pk]),
        reverse("catalog:list_versions"), reverse("catalog:list_version_detail", args=[version.pk]),
        reverse("catalog:checklist_list"), reverse("catalog:checklist_detail", args=[checklist.pk]),
        reverse("catalog:standard_list"), reverse("catalog:standard_detail", args=[standard.pk]),
        reverse("catalog:no_penalty_list"), reverse("catalog:no_penalty_detail", args=[entry.pk]),
        reverse("catalog:list_versions") + "?kind=no_penalty",
    ]
    for user in (admin, bureau):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user.role, url)


def test_work_pages_hidden_from_enterprise_and_other_agency(client, admin, other_admin):
    item = item_make(admin)
    assert client.get(reverse("catalog:item_list")).status_code == 302  # anonymous → login
    client.force_login(other_admin)
    assert client.get(reverse("catalog:item_detail", args=[item.pk])).status_code == 404


def test_admin_creates_publishes_and_builds_checklist_through_pages(client, admin):
    client.force_login(admin)
    response = client.post(reverse("catalog:item_list"), {
        "code": "W-1", "name": "网页新增事项", "legal_basis": "某法第一条", "object_scope": "企业", "method": "现场检查",
        "category": "general", "annual_cap": "2",
    })
    assert response.status_code == 302
    item = InspectionItem.objects.get(code="W-1")
    response = client.post(reverse("catalog:item_list"), {
        "code": "W-2", "name": "许可现场检查", "legal_basis": "某法", "object_scope": "企业", "method": "现场检查",
        "licensing_onsite_allowed": "on",
    })
    assert "R03" in response.content.decode()
    assert not InspectionItem.objects.filter(code="W-2").exists()
    client.post(reverse("catalog:item_list_publish"), {"reason": "首次公布"})
    item.refresh_from_db()
    assert item.status == "published"
    client.post(reverse("catalog:checklist_list"), {"code": "WB-1", "name": "网页表单", "object_type": "企业"})
    checklist = Checklist.objects.get(code="WB-1")
    detail = client.get(reverse("catalog:checklist_detail", args=[checklist.pk])).content.decode()
    assert 'name="item"' in detail and 'name="content"' in detail and ">发布<" in detail
    client.post(reverse("catalog:checklist_entry_add", args=[checklist.pk]), {"item": item.pk, "content": "查证照"})
    client.post(reverse("catalog:checklist_publish", args=[checklist.pk]))
    checklist.refresh_from_db()
    assert checklist.status == "published" and checklist.entries.count() == 1


def test_department_head_sees_no_publish_form(client, agency):
    client.force_login(user_make("department_head", agency))
    page = client.get(reverse("catalog:item_list")).content.decode()
    assert "发布清单" not in page
    response = client.post(reverse("catalog:item_list_publish"), {"reason": "越权"}, follow=True)
    assert "只有本机关管理员或负责人" in response.content.decode()
