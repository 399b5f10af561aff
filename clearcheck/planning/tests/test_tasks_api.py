"""API of tiers, tasks and caps: problem documents carry rule and clause (R07, R21, R14, R06), scope by actor."""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.core import clock

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)
from .test_tasks_fixtures import tier_set

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(plan_county, **overrides) -> dict:
    today = clock.local_today()
    body = {
        "enterprise_id": plan_county["enterprise"].pk, "inspection_type": "routine", "source": "annual_plan",
        "item_ids": [plan_county["items"]["food"].pk], "officer_ids": [o.pk for o in plan_county["officers"]],
        "window_start": (today + dt.timedelta(days=1)).isoformat(),
        "window_end": (today + dt.timedelta(days=5)).isoformat(), "checklist_id": plan_county["checklist"].pk,
        "notice": "请备好许可证",
    }
    body.update(overrides)
    return body


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def test_create_submit_and_approve_through_the_api(plan_county):
    admin, head = _client(plan_county["admin"]), _client(plan_county["head"])
    created = _post(admin, "/api/tasks", _body(plan_county))
    assert created.status_code == 201, created.content
    task = created.json()
    # A routine task whose items are all of a special sector (food: life and health) needs no draw (R24).
    assert task["status"] == "draft" and task["draw_required"] is False and len(task["officers"]) == 2
    assert _post(admin, f"/api/tasks/{task['id']}/submit").json()["status"] == "submitted"
    inbox = head.get("/api/tasks/approval-inbox").json()["items"]
    assert [t["id"] for t in inbox] == [task["id"]]
    approved = _post(head, f"/api/tasks/{task['id']}/approve", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert head.get("/api/tasks/approval-inbox").json()["items"] == []


def test_r07_department_head_gets_a_problem_document_with_rule_and_clause(plan_county):
    admin = _client(plan_county["admin"])
    task = _post(admin, "/api/tasks", _body(plan_county)).json()
    _post(admin, f"/api/tasks/{task['id']}/submit")
    response = _post(_client(plan_county["department_head"]), f"/api/tasks/{task['id']}/approve")
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["rule"] == "R07" and problem["clause"] == "三(四)"


def test_r14_one_officer_problem_names_the_field(plan_county):
    response = _post(_client(plan_county["admin"]), "/api/tasks",
                     _body(plan_county, officer_ids=[plan_county["officers"][0].pk]))
    problem = response.json()
    assert response.status_code == 409 and problem["rule"] == "R14" and problem["clause"] == "四(九)"
    assert problem["errors"][0]["field"] == "officers"


def test_r06_approving_a_draft_problem(plan_county):
    task = _post(_client(plan_county["admin"]), "/api/tasks", _body(plan_county)).json()
    problem = _post(_client(plan_county["head"]), f"/api/tasks/{task['id']}/approve").json()
    assert problem["rule"] == "R06"


def test_r21_cap_problem_and_batch_check(plan_county):
    tier_set(plan_county, "A")
    admin = _client(plan_county["admin"])
    task = _post(admin, "/api/tasks", _body(plan_county)).json()
    problem = _post(admin, f"/api/tasks/{task['id']}/submit").json()
    assert problem["rule"] == "R21" and problem["clause"] == "五(十二)"
    year = clock.local_year()
    verdicts = _post(admin, "/api/caps/check", {"agency_id": plan_county["agency"].pk, "year": year,
                                                "enterprise_ids": [plan_county["enterprise"].pk,
                                                                   plan_county["other_enterprise"].pk]}).json()
    assert [(v["tier_code"], v["allowed"]) for v in verdicts["verdicts"]] == [("A", False), ("B", True)]


def test_caps_check_is_scoped_to_the_callers_agency(plan_county, make_agency):
    other = make_agency()
    response = _post(_client(plan_county["admin"]), "/api/caps/check",
                     {"agency_id": other.pk, "year": 2026, "enterprise_ids": [1]})
    assert response.status_code == 404


def test_tasks_are_scoped(plan_county, make_user_plain, make_agency, make_enterprise):
    task = _post(_client(plan_county["admin"]), "/api/tasks", _body(plan_county)).json()
    stranger = _client(make_user_plain("agency_admin", agency=make_agency()))
    assert stranger.get(f"/api/tasks/{task['id']}").status_code == 404
    assert stranger.get("/api/tasks").json()["items"] == []
    enterprise = _client(make_user_plain("enterprise", enterprise=plan_county["enterprise"]))
    assert enterprise.get("/api/tasks").json()["items"] == []
    assert enterprise.get(f"/api/tasks/{task['id']}").status_code == 404
    assert _client(plan_county["bureau"]).get(f"/api/tasks/{task['id']}").status_code == 200
    listed = _client(plan_county["admin"]).get("/api/tasks?status=draft&source=annual_plan").json()["items"]
    assert [t["id"] for t in listed] == [task["id"]]


def test_patch_then_cancel(plan_county):
    admin = _client(plan_county["admin"])
    task = _post(admin, "/api/tasks", _body(plan_county)).json()
    patched = admin.patch(f"/api/tasks/{task['id']}", {"notice": "改为下午检查"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["notice"] == "改为下午检查"
    assert _post(admin, f"/api/tasks/{task['id']}/cancel", {"reason": "企业搬迁"}).json()["status"] == "cancelled"


def test_tier_endpoints(plan_county):
    admin = _client(plan_county["admin"])
    scheme = admin.get("/api/tiers").json()
    assert [t["code"] for t in scheme["tiers"]] == ["A", "B", "C", "D"]
    rows = [{**t, "annual_cap": t["annual_cap"]} for t in scheme["tiers"]]
    rows[3]["annual_cap"] = 6
    updated = admin.put("/api/tiers", {"tiers": rows}, content_type="application/json")
    assert updated.status_code == 200 and updated.json()["tiers"][3]["annual_cap"] == 6
    assigned = _post(admin, "/api/enterprise-tiers", {"enterprise_id": plan_county["enterprise"].pk,
                                                      "tier_code": "C", "reason": "既往抽查发现问题"})
    assert assigned.status_code == 201 and assigned.json()["tier_code"] == "C"
    bureau = _client(plan_county["bureau"])
    assert _post(bureau, "/api/credit-ratings", {"enterprise_id": plan_county["enterprise"].pk, "rating": "D",
                                                 "source": "信用中国"}).status_code == 201
    scored = _post(admin, "/api/enterprise-tiers/score", {"enterprise_id": plan_county["enterprise"].pk,
                                                          "violations": 3, "complaints": 4})
    assert scored.status_code == 201 and scored.json()["tier_code"] == "D"
    assert [f["factor"] for f in scored.json()["explanation"]["factors"]][0] == "credit"
    history = admin.get(f"/api/enterprise-tiers?enterprise_id={plan_county['enterprise'].pk}").json()["items"]
    assert len(history) == 2 and [h["is_current"] for h in history] == [False, True]
    assert bureau.get(f"/api/tiers?agency_id={plan_county['agency'].pk}").status_code == 200
    assert bureau.get("/api/tiers").status_code == 404


def test_task_list_query_count_does_not_grow_with_the_page(plan_county, make_task, django_assert_max_num_queries):
    client = _client(plan_county["admin"])
    make_task()
    client.get("/api/tasks")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/tasks").json()["items"]) == 1
    for _ in range(5):
        make_task()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/tasks").json()["items"]) == 6
