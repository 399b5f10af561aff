"""The catalog API: problem documents with rule IDs, scoping, public routes of published data only."""

import hashlib

import pytest

from clearcheck.catalog import services

from .factories import agency_make, checklist_make, item_fields, item_make, items_publish, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, admin):
    client.force_login(admin)
    return client


def test_item_crud_and_publish_via_api(api, admin):
    created = api.post("/api/items", item_fields(code="API-1"), content_type="application/json")
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    patched = api.patch(f"/api/items/{item_id}", {"name": "改名"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["name"] == "改名"
    published = api.post("/api/item-lists/publish", {"agency_id": admin.agency_id, "reason": "公布"},
                         content_type="application/json")
    assert published.status_code == 201
    body = published.json()
    assert body["number"] == 1 and body["sha256"] == hashlib.sha256(body["snapshot"].encode()).hexdigest()
    refused = api.patch(f"/api/items/{item_id}", {"name": "再改"}, content_type="application/json")
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    listing = api.get("/api/items", {"status": "published", "q": "改名"}).json()
    assert [i["id"] for i in listing["items"]] == [item_id]
    withdrawn = api.post(f"/api/items/{item_id}/withdraw", {"reason": "废止"}, content_type="application/json")
    assert withdrawn.json()["status"] == "withdrawn"
    versions = api.get("/api/item-lists").json()["items"]
    assert sorted(v["number"] for v in versions) == [1, 2]


def test_r03_problem_document(api):
    response = api.post("/api/items", item_fields(licensing_onsite_allowed=True), content_type="application/json")
    assert response.status_code == 409
    problem = response.json()
    assert problem["rule"] == "R03" and problem["clause"] == "二(二)"
    assert problem["errors"][0]["field"] == "licensing_onsite_basis"


def test_r02_entry_problem_document(api, admin):
    draft = item_make(admin)
    checklist = api.post("/api/checklists", {"code": "BD-API", "name": "表", "object_type": "企业"},
                         content_type="application/json").json()
    response = api.post(f"/api/checklists/{checklist['id']}/entries", {"item_id": draft.pk, "content": "查"},
                        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["rule"] == "R02"
    assert response.json()["errors"][0]["field"] == "item"


def test_checklist_flow_via_api(api, admin, other_admin):
    (own,), _ = items_publish(admin, {})
    (foreign,), _ = items_publish(other_admin, {})
    checklist = api.post("/api/checklists", {"code": "BD-API", "name": "表", "object_type": "企业"},
                         content_type="application/json").json()
    cid = checklist["id"]
    for item in (own, foreign):
        r = api.post(f"/api/checklists/{cid}/entries", {"item_id": item.pk, "content": "查"},
                     content_type="application/json")
        assert r.status_code == 201, r.content
    entry_id = r.json()["id"]
    assert api.delete(f"/api/checklists/{cid}/entries/{entry_id}").status_code == 204
    api.post(f"/api/checklists/{cid}/entries", {"item_id": foreign.pk, "content": "查"},
             content_type="application/json")
    published = api.post(f"/api/checklists/{cid}/publish").json()
    assert published["status"] == "published"
    assert published["agency_ids"] == [admin.agency_id, other_admin.agency_id]
    new = api.post(f"/api/checklists/{cid}/new-version")
    assert new.status_code == 201 and new.json()["version"] == 2 and len(new.json()["entries"]) == 2
    assert api.get(f"/api/checklists/{cid}").json()["status"] == "published"


def test_other_agency_gets_404(client, admin, other_admin):
    item = item_make(admin)
    client.force_login(other_admin)
    assert client.get(f"/api/items/{item.pk}").status_code == 404
    assert client.patch(f"/api/items/{item.pk}", {"name": "x"}, content_type="application/json").status_code == 404
    r = client.post("/api/item-lists/publish", {"agency_id": admin.agency_id, "reason": "x"},
                    content_type="application/json")
    assert r.status_code == 404


def test_department_head_gets_403(client, agency, admin):
    item_make(admin)
    client.force_login(user_make("department_head", agency))
    r = client.post("/api/item-lists/publish", {"agency_id": agency.pk, "reason": "x"},
                    content_type="application/json")
    assert r.status_code == 403
    assert client.get("/api/items").json()["items"]


def test_anonymous_needs_auth(client):
    assert client.get("/api/items").status_code == 401


def test_standards_and_no_penalty_via_api(api, admin):
    s = api.post("/api/standards", {"code": "BZ", "title": "标准", "content": "内容"},
                 content_type="application/json").json()
    assert api.patch(f"/api/standards/{s['id']}", {"title": "新标题"}, content_type="application/json").json()[
        "title"] == "新标题"
    assert api.post(f"/api/standards/{s['id']}/publish").json()["status"] == "published"
    assert api.post(f"/api/standards/{s['id']}/new-version").json()["version"] == 2
    assert len(api.get("/api/standards").json()["items"]) == 2
    e = api.post("/api/no-penalty-entries", {"kind": "minor", "title": "轻微", "legal_basis": "第三十三条",
                                             "conditions": "轻微并及时改正"}, content_type="application/json")
    assert e.status_code == 201
    eid = e.json()["id"]
    assert api.patch(f"/api/no-penalty-entries/{eid}", {"title": "轻微违法"},
                     content_type="application/json").json()["title"] == "轻微违法"
    v = api.post("/api/no-penalty-lists/publish", {"agency_id": admin.agency_id, "reason": "公布"},
                 content_type="application/json")
    assert v.status_code == 201 and v.json()["kind"] == "no_penalty"
    assert api.get(f"/api/no-penalty-entries/{eid}").json()["status"] == "published"


def test_public_api_shows_only_published_data_of_listed_agencies(client, admin):
    (published,), version = items_publish(admin, {"name": "阿胶生产许可检查"})
    item_make(admin, name="草稿事项")
    checklist = checklist_make(admin, items=[published], publish=True)
    draft_checklist = checklist_make(admin, items=[published])
    services.no_penalty_entry_create(actor=admin, kind="minor", title="草稿免罚", legal_basis="第三十三条",
                                     conditions="x")
    aid = admin.agency_id
    items = client.get(f"/api/public/agencies/{aid}/items").json()["items"]
    assert [i["id"] for i in items] == [published.pk]
    assert client.get(f"/api/public/agencies/{aid}/items", {"q": "阿胶"}).json()["items"]
    assert not client.get(f"/api/public/agencies/{aid}/items", {"q": "不存在"}).json()["items"]
    assert not client.get(f"/api/public/agencies/{aid}/items", {"category": "key"}).json()["items"]
    versions = client.get(f"/api/public/agencies/{aid}/item-lists").json()["items"]
    assert [v["id"] for v in versions] == [version.pk]
    assert client.get(f"/api/public/item-lists/{version.pk}").json()["snapshot"] == version.snapshot
    assert [c["id"] for c in client.get(f"/api/public/agencies/{aid}/checklists").json()["items"]] == [checklist.pk]
    assert client.get(f"/api/public/checklists/{checklist.pk}").status_code == 200
    assert client.get(f"/api/public/checklists/{draft_checklist.pk}").status_code == 404
    assert client.get(f"/api/public/agencies/{aid}/no-penalty").json()["items"] == []


def test_public_api_hides_unlisted_agency(client):
    unlisted = agency_make(listed=False)
    admin = user_make("agency_admin", unlisted)
    (item,), version = items_publish(admin, {})
    assert client.get(f"/api/public/agencies/{unlisted.pk}/items").status_code == 404
    assert client.get(f"/api/public/item-lists/{version.pk}").status_code == 404
    assert client.get(f"/api/public/agencies/{unlisted.pk}/no-penalty").status_code == 404
