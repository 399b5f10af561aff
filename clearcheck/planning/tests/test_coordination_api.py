"""Coordination through the API and the pages (R09, R20): scoping, merge, dissolve, problem documents."""

import pytest
from django.test import Client

from clearcheck.planning.models import JointInspection

from .test_coordination_fixtures import *  # noqa: F403 (the shared fixtures: coord)
from .test_coordination_fixtures import task_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    return coord, a, b


def _period(coord) -> str:
    return f"start={coord['day'](0)}&end={coord['day'](40)}"


def test_r09_api_groups_for_the_bureau_and_for_an_agency(pair, make_enterprise):
    coord, a, b = pair
    other = make_enterprise()
    task_make(coord["safety"], other, coord["day"](1), coord["day"](9))
    task_make(coord["safety"], other, coord["day"](2), coord["day"](8), items=coord["safety"]["items"][1:])
    body = _client(coord["bureau"]).get(f"/api/coordination/groups?{_period(coord)}").json()
    assert [g["enterprise_id"] for g in body["items"]] == sorted([coord["enterprise"].pk, other.pk])
    first = body["items"][0]
    assert first["multi_agency"] and first["visits_saved"] == 1
    assert first["suggestion"][0]["task_ids"] == sorted([a.pk, b.pk])
    mine = _client(coord["market"]["admin"]).get(f"/api/coordination/groups?{_period(coord)}").json()
    assert [g["enterprise_id"] for g in mine["items"]] == [coord["enterprise"].pk]


def test_r09_api_groups_keyset_pages_by_enterprise(pair, make_enterprise):
    coord, _, _ = pair
    other = make_enterprise()
    task_make(coord["market"], other, coord["day"](1), coord["day"](9))
    task_make(coord["safety"], other, coord["day"](2), coord["day"](8))
    client = _client(coord["bureau"])
    page1 = client.get(f"/api/coordination/groups?{_period(coord)}&limit=1").json()
    assert len(page1["items"]) == 1 and page1["next_cursor"] == page1["items"][0]["enterprise_id"]
    page2 = client.get(f"/api/coordination/groups?{_period(coord)}&limit=1&cursor={page1['next_cursor']}").json()
    assert [g["enterprise_id"] for g in page2["items"]] == [other.pk] and page2["next_cursor"] is None


def test_r09_api_groups_refuses_an_enterprise_account(pair, make_user_plain):
    coord, _, _ = pair
    user = make_user_plain("enterprise", enterprise=coord["enterprise"])
    response = _client(user).get("/api/coordination/groups")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/problem+json")


def test_r20_api_merge_read_and_dissolve(pair):
    coord, a, b = pair
    client = _client(coord["bureau"])
    response = client.post("/api/joint-inspections", {"task_ids": [a.pk, b.pk],
                                                       "lead_agency_id": coord["market"]["agency"].pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    joint = response.json()
    assert {t["id"] for t in joint["tasks"]} == {a.pk, b.pk} and joint["status"] == "planned"
    listed = _client(coord["safety"]["admin"]).get("/api/joint-inspections").json()
    assert [j["id"] for j in listed["items"]] == [joint["id"]]
    assert _client(coord["safety"]["admin"]).get(f"/api/joint-inspections/{joint['id']}").status_code == 200
    dissolved = client.post(f"/api/joint-inspections/{joint['id']}/dissolve", {"reason": "企业停产"},
                            content_type="application/json")
    assert dissolved.status_code == 200 and dissolved.json()["status"] == "dissolved"


def test_r20_api_merge_refusal_is_a_problem_document(coord):
    a = task_make(coord["market"], coord["enterprise"], coord["day"](1), coord["day"](4))
    b = task_make(coord["safety"], coord["enterprise"], coord["day"](5), coord["day"](9))
    response = _client(coord["bureau"]).post(
        "/api/joint-inspections", {"task_ids": [a.pk, b.pk], "lead_agency_id": coord["market"]["agency"].pk},
        content_type="application/json")
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "task_ids"
    assert not JointInspection.objects.exists()


def test_r20_joint_inspection_of_other_agencies_is_missing_to_an_agency(pair, make_agency, make_user_plain):
    coord, a, b = pair
    client = _client(coord["bureau"])
    joint = client.post("/api/joint-inspections", {"task_ids": [a.pk, b.pk],
                                                    "lead_agency_id": coord["market"]["agency"].pk},
                        content_type="application/json").json()
    stranger = make_user_plain("agency_admin", agency=make_agency())
    assert _client(stranger).get(f"/api/joint-inspections/{joint['id']}").status_code == 404
    assert _client(stranger).get(f"/work/planning/joint-inspections/{joint['id']}/").status_code == 404
    response = _client(stranger).post(f"/api/joint-inspections/{joint['id']}/dissolve", {"reason": "x"},
                                      content_type="application/json")
    assert response.status_code == 404


def test_r20_page_merge_form_creates_the_joint_inspection(pair):
    coord, a, b = pair
    client = _client(coord["bureau"])
    page = client.get(f"/work/planning/coordination/?{_period(coord)}")
    html = page.content.decode()
    assert page.status_code == 200 and "合并为联合检查" in html and coord["enterprise"].name in html
    response = client.post(f"/work/planning/coordination/?{_period(coord)}",
                           {"task_ids": [a.pk, b.pk], "lead_agency_id": coord["safety"]["agency"].pk})
    joint = JointInspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/planning/joint-inspections/{joint.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "东阿县应急管理局" in detail and f"#{a.pk}" in detail
    response = client.post(response["Location"], {"reason": "企业申请调整"})
    joint.refresh_from_db()
    assert joint.status == "dissolved"


def test_r20_agency_manager_sees_a_merge_form_only_as_its_own_lead(pair):
    coord, _, _ = pair
    html = _client(coord["market"]["admin"]).get(f"/work/planning/coordination/?{_period(coord)}").content.decode()
    assert "合并为联合检查" in html
    assert f'<option value="{coord["safety"]["agency"].pk}"' not in html.split('name="lead_agency_id"')[1][:300]
    officer_html = _client(coord["market"]["head"]).get("/work/planning/joint-inspections/").content.decode()
    assert "联合检查" in officer_html
