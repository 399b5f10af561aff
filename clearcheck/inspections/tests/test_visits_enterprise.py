"""R28: what the enterprise sees at check-in (who inspects, on what basis, this year's count against the cap,
the conduct prohibitions, its right to request recusal), the API of check-in, and scoping (not yours = 404).
"""

import json

import pytest
from django.test import Client

from clearcheck.inspections.selectors.visits import CONDUCT_PROHIBITIONS
from clearcheck.inspections.services.visits import visit_start_by_code
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body=None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", headers=headers)


# --- R28: the enterprise's view -----------------------------------------------------------------------


def test_r28_enterprise_api_shows_who_basis_count_prohibitions_and_recusal(onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    body = client_for(county["enterprise_user"]).get("/api/enterprise/current-visit").json()
    shown = body["visit"]
    assert shown["id"] == visit.pk and shown["status"] == "open"
    officers = {o["name"]: o for o in shown["officers"]}
    for officer in county["officers"]:
        assert officers[officer.name]["credential_no"] == officer.credential_no
        assert officers[officer.name]["agency_name"] == county["agency"].name
        assert officers[officer.name]["confirmed_at"]
    task = shown["tasks"][0]
    assert task["source_label"] == "投诉举报" and task["approved_by"]
    assert task["items"] == [{"code": "SCJG-001", "name": "食品生产许可条件保持情况检查",
                              "legal_basis": "《食品安全法》第一百一十条"}]
    assert shown["caps"] == [{"kind": "tier", "label": "B 级年度上限 1 次", "agency_name": county["agency"].name,
                              "tier_code": "B", "code": "B", "name": "一般风险", "cap": 1, "counted": 0, "exempt": 1,
                              "low_risk": False, "current": "exempt", "reached": False, "binding": True}]
    # a complaint: counted apart from the cap
    assert body["inspections"] == 1 and body["non_inspections"] == 0
    assert body["prohibitions"]["five"] == [str(t) for t in CONDUCT_PROHIBITIONS["five"]]
    assert len(body["prohibitions"]["eight"]) == 8
    assert body["recusal_url"] == "/work/inspections/recusals/"
    assert body["refusal_url"] == "/work/inspections/refusals/"


def test_r28_enterprise_page_shows_the_same_facts(onsite_county, open_visit):
    county = onsite_county
    visit = open_visit()
    html = client_for(county["enterprise_user"]).get("/enterprise/visits/").content.decode()
    for officer in county["officers"]:
        assert officer.name in html and officer.credential_no in html
    assert county["agency"].name in html and "《食品安全法》第一百一十条" in html and "食品生产许可条件保持情况检查" in html
    assert "B 级年度上限 1 次" in html and "五个严禁" in html and "八个不得" in html
    assert str(CONDUCT_PROHIBITIONS["eight"][0]) in html
    assert 'href="/work/inspections/recusals/"' in html and 'href="/work/inspections/refusals/"' in html
    detail = client_for(county["enterprise_user"]).get(f"/enterprise/visits/{visit.pk}/")
    assert detail.status_code == 200 and county["officers"][0].credential_no in detail.content.decode()


def test_r28_proactive_visit_shows_the_count_against_the_cap(onsite_county, approved_task):
    from clearcheck.core import clock
    from clearcheck.inspections.services.visits import visit_confirm
    from clearcheck.planning.tests.test_tasks_fixtures import tier_set

    county = onsite_county
    tier_set(county, "C")
    task = approved_task(window_start=clock.local_today())
    visit = visit_start_by_code(actor=county["officer_users"][0], token=codes.enterprise_code_token(county["code"]),
                                task_ids=[task.pk], idempotency_key="p1")
    pending = client_for(county["enterprise_user"]).get("/api/enterprise/current-visit").json()
    assert pending["visit"]["status"] == "pending"  # seen from the scan on, before it opens
    visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    body = client_for(county["enterprise_user"]).get("/api/enterprise/current-visit").json()
    assert body["visit"]["caps"][0] == {
        "kind": "tier", "label": "C 级年度上限 2 次", "agency_name": county["agency"].name, "tier_code": "C",
        "code": "C", "name": "较高风险", "cap": 2, "counted": 1, "exempt": 1, "low_risk": False, "current": "counted",
        "reached": False, "binding": True}  # exempt: the fixture's complaint task, approved and counted apart


def test_r28_no_visit_in_progress(onsite_county):
    body = client_for(onsite_county["enterprise_user"]).get("/api/enterprise/current-visit").json()
    assert body["visit"] is None and body["prohibitions"]["eight"]
    html = client_for(onsite_county["enterprise_user"]).get("/enterprise/visits/").content.decode()
    assert "当前没有执法人员扫码入企" in html and "八个不得" in html


# --- Scoping --------------------------------------------------------------------------------------------


def test_other_agencys_officer_and_head_get_404(onsite_county, open_visit, make_agency, make_officer,
                                                make_user_plain):
    visit = open_visit()
    other = make_agency("东阿县应急管理局")
    for user in (make_user_plain("officer", agency=other, officer=make_officer(other)),
                 make_user_plain("agency_head", agency=other)):
        client = client_for(user)
        assert client.get(f"/work/inspections/visits/{visit.pk}/").status_code == 404
        assert client.get(f"/api/visits/{visit.pk}").status_code == 404
        assert client.get("/api/visits").json()["items"] == []


def test_officer_of_the_agency_not_in_the_visit_gets_404_its_head_reads_it(onsite_county, open_visit,
                                                                          make_officer, make_user_plain):
    county = onsite_county
    visit = open_visit()
    colleague = make_user_plain("officer", agency=county["agency"], officer=make_officer(county["agency"]))
    assert client_for(colleague).get(f"/api/visits/{visit.pk}").status_code == 404
    assert client_for(county["head"]).get(f"/api/visits/{visit.pk}").status_code == 200
    assert client_for(county["bureau"]).get(f"/work/inspections/visits/{visit.pk}/").status_code == 200


def test_enterprise_sees_only_its_own_visits(onsite_county, open_visit, make_user_plain):
    county = onsite_county
    visit = open_visit()
    own = client_for(county["enterprise_user"])
    assert [v["id"] for v in own.get("/api/visits").json()["items"]] == [visit.pk]
    stranger = client_for(make_user_plain("enterprise", enterprise=county["other_enterprise"]))
    assert stranger.get("/api/visits").json()["items"] == []
    assert stranger.get(f"/api/visits/{visit.pk}").status_code == 404
    assert stranger.get(f"/enterprise/visits/{visit.pk}/").status_code == 404
    assert stranger.get("/api/enterprise/current-visit").json()["visit"] is None
    assert client_for(county["head"]).get("/api/enterprise/current-visit").status_code == 404


# --- The API of check-in ---------------------------------------------------------------------------------


def test_api_start_by_code_is_idempotent_by_header(onsite_county):
    county = onsite_county
    client = client_for(county["officer_users"][0])
    body = {"token": codes.enterprise_code_token(county["code"]), "task_ids": [county["task"].pk]}
    first = post(client, "/api/visits/start-by-code", body, **{"Idempotency-Key": "api-1"})
    assert first.status_code == 201 and first.json()["status"] == "pending"
    again = post(client, "/api/visits/start-by-code", body, **{"Idempotency-Key": "api-1"})
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    in_body = post(client, "/api/visits/start-by-code", {**body, "idempotency_key": "api-1"})
    assert in_body.status_code == 200 and in_body.json()["id"] == first.json()["id"]
    missing = post(client, "/api/visits/start-by-code", body)
    assert missing.status_code == 422 and missing["Content-Type"].startswith("application/problem+json")
    clash = post(client, "/api/visits/start-by-code", {**body, "idempotency_key": "b"}, **{"Idempotency-Key": "a"})
    assert clash.status_code == 422


def test_api_refusal_is_a_problem_document_naming_the_rule(onsite_county):
    county = onsite_county
    response = post(client_for(county["officer_users"][0]), "/api/visits/start-by-location",
                    {"enterprise_id": county["enterprise"].pk, "task_ids": [county["task"].pk],
                     "latitude": point_north(301)[0], "longitude": point_north(301)[1]},  # noqa: F405
                    **{"Idempotency-Key": "geo-1"})
    assert response.status_code == 409
    problem = response.json()
    assert problem["rule"] == "R11" and "300 米" in problem["detail"]


def test_api_confirm_opens_and_cancel_ends(onsite_county):
    county = onsite_county
    body = {"token": codes.enterprise_code_token(county["code"]), "task_ids": [county["task"].pk],
            "idempotency_key": "api-2"}
    visit_id = post(client_for(county["officer_users"][0]), "/api/visits/start-by-code", body).json()["id"]
    confirmed = post(client_for(county["officer_users"][1]), f"/api/visits/{visit_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "open"
    assert [o["confirmed_at"] is not None for o in confirmed.json()["officers"]] == [True, True]
    cancelled = post(client_for(county["head"]), f"/api/visits/{visit_id}/cancel", {"reason": "测试撤销"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_api_non_inspection_and_list_filters(onsite_county, open_visit):
    county = onsite_county
    open_visit()
    client = client_for(county["officer_users"][0])
    created = post(client, "/api/visits/non-inspection",
                   {"kind": "verification", "purpose": "核查许可证变更情况", "officer_ids": [county["officers"][1].pk],
                    "token": codes.enterprise_code_token(county["code"])}, **{"Idempotency-Key": "n-1"})
    assert created.status_code == 201 and created.json()["kind_label"] == "核查"
    kinds = client.get("/api/visits?kind=non_inspection").json()["items"]
    assert [v["kind"] for v in kinds] == ["verification"]
    assert len(client.get("/api/visits?kind=inspection").json()["items"]) == 1
    page = client.get("/api/visits?limit=1").json()
    assert len(page["items"]) == 1 and page["next_cursor"] is not None
    rest = client.get(f"/api/visits?limit=1&cursor={page['next_cursor']}").json()
    assert rest["items"][0]["id"] != page["items"][0]["id"] and rest["next_cursor"] is None


def test_api_is_documented_in_the_openapi_schema():
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    for path in ("/api/visits", "/api/visits/{visit_id}", "/api/visits/start-by-code", "/api/visits/start-by-location",
                 "/api/visits/non-inspection", "/api/visits/{visit_id}/confirm", "/api/visits/{visit_id}/cancel",
                 "/api/enterprise/current-visit"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/visits/start-by-code"]["post"].get("parameters", [])}
    assert "Idempotency-Key" in params


def test_r15_credential_shows_the_enterprise_that_the_officer_is_checked_in_now(onsite_county, open_visit):
    """R15: scanning the e-credential of a confirmed officer of the open visit says so, with the visit."""
    from django.test import Client

    from clearcheck.registry.credentials import credential_token_issue

    visit = open_visit()
    client = Client()
    client.force_login(onsite_county["enterprise_user"])
    html = client.get(f"/public/credential/{credential_token_issue(onsite_county['officers'][1])}/").content.decode()
    assert "已扫码入企,正在本企业检查" in html and visit.agency.name in html
    other = Client()
    other.force_login(onsite_county["bureau"])
    assert "正在本企业检查" not in other.get(
        f"/public/credential/{credential_token_issue(onsite_county['officers'][1])}/").content.decode()
