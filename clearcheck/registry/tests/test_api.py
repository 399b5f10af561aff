"""The registry API: create, update, list with keyset pages, scoping and problem documents."""

import pytest
from django.test import Client

from clearcheck.accounts.choices import Role

from .factories import (
    agency_list_publish_all,
    agency_make,
    enterprise_make,
    officer_make,
    uscc_make,
    user_make,
)

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _fields(response) -> list[str]:
    assert response["Content-Type"].startswith("application/problem+json")
    return [e["field"] for e in response.json().get("errors", [])]


def test_bureau_creates_and_updates_an_agency_with_reason(bureau):
    api = _client(bureau)
    response = api.post("/api/agencies", {"code": "YJ", "name": "东阿县应急管理局", "kind": "administrative_organ",
                                          "legal_basis": "《安全生产法》", "region": "371524", "reason": "确认"},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 1 and body["region_name"] == "东阿县" and body["listed"] is False
    response = api.patch(f"/api/agencies/{body['id']}", {"legal_basis": "《安全生产法》第六十二条", "reason": "补充依据"},
                         content_type="application/json")
    assert response.status_code == 200 and response.json()["version"] == 2


def test_agency_create_problem_names_every_bad_field(bureau):
    response = _client(bureau).post("/api/agencies", {"code": "", "name": "x", "kind": "nope", "legal_basis": "",
                                                      "region": "000000", "reason": ""},
                                    content_type="application/json")
    assert response.status_code == 422
    assert set(_fields(response)) == {"code", "kind", "legal_basis", "region", "reason"}


def test_agency_create_by_government_is_403_problem(government):
    response = _client(government).post("/api/agencies", {"code": "X", "name": "X", "kind": "administrative_organ",
                                                          "legal_basis": "x", "region": "371524", "reason": "x"},
                                        content_type="application/json")
    assert response.status_code == 403 and response.json()["status"] == 403


def test_agency_list_workflow_over_the_api(bureau, government, agency):
    api_b, api_g = _client(bureau), _client(government)
    created = api_b.post("/api/agency-lists", {"note": "首版"}, content_type="application/json")
    assert created.status_code == 201
    list_id = created.json()["id"]
    assert created.json()["agencies"][0]["code"] == agency.code
    assert api_b.post(f"/api/agency-lists/{list_id}/publish").status_code == 409  # wrong order
    assert api_g.post(f"/api/agency-lists/{list_id}/review", {}, content_type="application/json").status_code == 403
    assert api_b.post(f"/api/agency-lists/{list_id}/review", {}, content_type="application/json").status_code == 200
    assert api_g.post(f"/api/agency-lists/{list_id}/approve", {"note": "审定"},
                      content_type="application/json").status_code == 200
    published = api_b.post(f"/api/agency-lists/{list_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    public = _client().get("/api/public/agency-lists").json()
    assert [item["number"] for item in public["items"]] == [1]
    assert _client().get(f"/api/public/agencies/{agency.pk}").json()["name"] == agency.name


def test_public_agencies_need_no_login_and_hide_unlisted(bureau, government):
    listed = agency_make(actor=bureau)
    agency_list_publish_all(bureau=bureau, government=government)
    unlisted = agency_make(actor=bureau)
    anonymous = _client()
    body = anonymous.get("/api/public/agencies").json()
    assert [item["id"] for item in body["items"]] == [listed.pk]
    missing = anonymous.get(f"/api/public/agencies/{unlisted.pk}")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/problem+json")
    assert anonymous.get("/api/agencies").status_code == 401


def test_officer_create_update_and_qualification(agency, agency_admin):
    api = _client(agency_admin)
    payload = {"agency_id": agency.pk, "name": "王五", "credential_no": "37152400001", "valid_from": "2025-01-01",
               "valid_to": "2099-12-31", "personnel_type": "auxiliary"}
    response = api.post("/api/officers", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_qualified"] is False
    assert body["qualification_refusal"]["rule"] == "R12" and body["qualification_refusal"]["clause"] == "四(八)"
    response = api.patch(f"/api/officers/{body['id']}", {"personnel_type": "enforcement"},
                         content_type="application/json")
    assert response.json()["is_qualified"] is True and response.json()["qualification_refusal"] is None
    duplicate = api.post("/api/officers", payload, content_type="application/json")
    assert duplicate.status_code == 422 and _fields(duplicate) == ["credential_no"]
    bad_dates = api.post("/api/officers", {**payload, "credential_no": "N2", "valid_to": "2024-01-01"},
                         content_type="application/json")
    assert bad_dates.status_code == 422 and _fields(bad_dates) == ["valid_to"]


def test_officer_of_another_agency_is_404(bureau, agency, other_agency, agency_admin):
    theirs = officer_make(agency=other_agency, actor=bureau)
    response = _client(agency_admin).get(f"/api/officers/{theirs.pk}")
    assert response.status_code == 404 and response.json()["status"] == 404
    response = _client(agency_admin).patch(f"/api/officers/{theirs.pk}", {"status": "revoked"},
                                           content_type="application/json")
    assert response.status_code == 404


def test_enterprise_create_update_and_problems(bureau):
    api = _client(bureau)
    code = uscc_make()
    payload = {"uscc": code.lower(), "name": "东阿县某阿胶有限公司", "entity_type": "legal_person", "region": "371524",
               "industry": "2740", "latitude": 36.33539, "longitude": 116.24758, "coordinate_datum": "gcj02"}
    response = api.post("/api/enterprises", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == code and body["coordinate_datum"] == "gcj02" and body["industry_name"] == "中成药生产"
    response = api.patch(f"/api/enterprises/{body['id']}", {"status": "suspended"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    duplicate = api.post("/api/enterprises", payload, content_type="application/json")
    assert duplicate.status_code == 422 and _fields(duplicate) == ["uscc"]
    bad = api.post("/api/enterprises", {**payload, "uscc": code[:17] + ("1" if code[17] == "0" else "0"),
                                        "region": "123456", "industry": "ZZ", "latitude": 123.0},
                   content_type="application/json")
    assert bad.status_code == 422 and set(_fields(bad)) == {"uscc", "region", "industry", "latitude"}


def test_schema_validation_is_a_problem_document_with_field(bureau):
    response = _client(bureau).post("/api/officers", {"agency_id": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "agency_id" in _fields(response)


def test_enterprise_list_keyset_pagination_and_filters(bureau, agency):
    made = [enterprise_make(actor=bureau) for _ in range(5)]
    api = _client(user_make(Role.OFFICER, agency=agency))
    first = api.get("/api/enterprises", {"limit": 2}).json()
    assert [e["id"] for e in first["items"]] == [e.pk for e in made[:2]] and first["next_cursor"] == made[1].pk
    second = api.get("/api/enterprises", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in second["items"]] == [e.pk for e in made[2:4]]
    last = api.get("/api/enterprises", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [e["id"] for e in last["items"]] == [made[4].pk] and last["next_cursor"] is None
    found = api.get("/api/enterprises", {"q": made[3].uscc}).json()
    assert [e["id"] for e in found["items"]] == [made[3].pk]


def test_enterprise_account_reads_only_itself_and_may_not_write(bureau):
    own, other = enterprise_make(actor=bureau), enterprise_make(actor=bureau)
    api = _client(user_make(Role.ENTERPRISE, enterprise=own))
    assert [e["id"] for e in api.get("/api/enterprises").json()["items"]] == [own.pk]
    assert api.get(f"/api/enterprises/{other.pk}").status_code == 404
    assert api.patch(f"/api/enterprises/{own.pk}", {"name": "x"}, content_type="application/json").status_code == 403
    assert api.get("/api/officers").json()["items"] == []


def test_reference_code_search(bureau):
    api = _client(bureau)
    assert api.get("/api/regions", {"q": "东阿"}).json()[0]["code"] == "371524"
    industries = api.get("/api/industries", {"q": "274"}).json()
    assert [i["code"] for i in industries] == ["274", "2740"]


def test_nul_characters_are_refused_by_field_and_ignored_in_search(bureau):
    api = _client(bureau)
    response = api.post("/api/enterprises", {"uscc": uscc_make(), "name": "坏\x00名字", "entity_type": "legal_person",
                                             "region": "371524", "industry": "2740"}, content_type="application/json")
    assert response.status_code == 422 and _fields(response) == ["name"]
    assert api.get("/api/enterprises", {"q": "阿\x00胶"}).status_code == 200
    assert api.get("/api/agencies", {"q": "\x00"}).status_code == 200
