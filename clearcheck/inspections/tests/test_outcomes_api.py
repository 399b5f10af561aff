"""API of outcomes (R19): findings CRUD while drafting, dispositions, the referral inbox and its handling,
refusals as RFC 9457 problems, keyset pages and scoping."""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import visit_entries
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_findings_crud_while_drafting_and_paged(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit(failed=(1, 2))
    officer = _client(county["officer_users"][0])
    first, second = visit_entries(visit)
    url = f"/api/visits/{visit.pk}/findings"
    created = _post(officer, url, {"entry_ids": [first.pk], "description": "未公示许可证", "legal_basis": "《食品安全法》"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["agency_id"] == county["agency"].pk and [e["order"] for e in body["entries"]] == [1]
    assert body["dispositions"] == [] and body["visit_id"] == visit.pk
    other = _post(officer, url, {"entry_ids": [second.pk], "description": "锅炉未检验"}).json()
    page = officer.get(url + "?limit=1").json()
    assert [f["id"] for f in page["items"]] == [body["id"]] and page["next_cursor"] == body["id"]
    page = officer.get(url + f"?limit=1&cursor={page['next_cursor']}").json()
    assert [f["id"] for f in page["items"]] == [other["id"]] and page["next_cursor"] is None
    patched = officer.patch(f"/api/findings/{other['id']}", {"description": "锅炉超期未检验"},
                            content_type="application/json")
    assert patched.status_code == 200 and patched.json()["description"] == "锅炉超期未检验"
    assert officer.delete(f"/api/findings/{other['id']}").status_code == 204
    assert officer.get(f"/api/findings/{other['id']}").status_code == 404
    refused = _post(officer, url, {"entry_ids": [first.pk], "description": "重复"})
    assert refused.status_code == 422 and refused["Content-Type"].startswith("application/problem+json")


def test_dispositions_through_the_api_with_r19_problems(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    finding = _post(officer, f"/api/visits/{visit.pk}/findings", {"entry_ids": [entry.pk], "description": "未公示"}).json()
    url = f"/api/findings/{finding['id']}/dispositions"
    refused = _post(officer, url, {"kind": "no_penalty", "no_penalty_entry_id": county["np"]["other"].pk})
    assert refused.status_code == 409 and refused.json()["rule"] == "R19", refused.json()
    made = _post(officer, url, {"kind": "no_penalty", "no_penalty_entry_id": county["np"]["published"].pk})
    assert made.status_code == 201 and made.json()["status"] == "closed"
    assert "首违不罚" in made.json()["no_penalty_ground"]
    warned = officer.get(f"/api/findings/{finding['id']}").json()
    assert warned["warnings"] and "责令改正" in warned["warnings"][0]
    deadline = (clock.local_today() + dt.timedelta(days=6)).isoformat()
    order = _post(officer, url, {"kind": "correct_by_deadline", "deadline": deadline, "note": "限期公示"})
    assert order.status_code == 201 and order.json()["deadline"] == deadline and order.json()["recheck_task_id"]
    assert officer.get(f"/api/findings/{finding['id']}").json()["warnings"] == []
    assert _post(officer, url, {"kind": "fine"}).status_code == 422
    withdrawn = officer.delete(f"/api/dispositions/{order.json()['id']}?reason=有误")
    assert withdrawn.status_code == 204


def test_referral_inbox_accept_and_handle(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    finding = _post(officer, f"/api/visits/{visit.pk}/findings", {"entry_ids": [entry.pk], "description": "无健康证"}).json()
    referral = _post(officer, f"/api/findings/{finding['id']}/dispositions",
                     {"kind": "refer", "referred_to_id": county["receiver"].pk, "note": "移送卫健局"}).json()
    receiver = _client(county["receiver_admin"])
    inbox = receiver.get("/api/referrals").json()
    assert [r["id"] for r in inbox["items"]] == [referral["id"]]
    assert inbox["items"][0]["from_agency_name"] == county["agency"].name
    assert _client(county["stranger_admin"]).get("/api/referrals").json()["items"] == []
    assert [r["id"] for r in _client(county["admin"]).get("/api/referrals?box=sent").json()["items"]] == [referral["id"]]
    assert _client(county["admin"]).get("/api/referrals").json()["items"] == []
    assert _post(_client(county["stranger_admin"]), f"/api/referrals/{referral['id']}/accept", {}).status_code == 404
    assert _post(_client(county["receiver_department_head"]), f"/api/referrals/{referral['id']}/accept",
                 {}).status_code == 403
    accepted = _post(receiver, f"/api/referrals/{referral['id']}/accept", {"note": "已接收"})
    assert accepted.status_code == 200 and accepted.json()["referral_status"] == "accepted"
    assert _post(receiver, f"/api/referrals/{referral['id']}/handle", {"note": ""}).status_code == 422
    handled = _post(receiver, f"/api/referrals/{referral['id']}/handle", {"note": "已立案"})
    assert handled.json()["referral_status"] == "handled" and handled.json()["status"] == "closed"
    seen = _client(county["admin"]).get(f"/api/dispositions/{referral['id']}").json()
    assert seen["referral_note"] == "已立案"
    again = _post(receiver, f"/api/referrals/{referral['id']}/handle", {"note": "再次"})
    assert again.status_code == 409


def test_scoping_of_findings(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    finding = _post(officer, f"/api/visits/{visit.pk}/findings", {"entry_ids": [entry.pk], "description": "未公示"}).json()
    for user in (county["admin"], county["department_head"], county["bureau"]):
        assert _client(user).get(f"/api/findings/{finding['id']}").status_code == 200
        assert [f["id"] for f in _client(user).get("/api/findings").json()["items"]] == [finding["id"]]
    for user in (county["receiver_admin"], county["outsider_officer_user"], county["enterprise_user"]):
        assert _client(user).get(f"/api/findings/{finding['id']}").status_code == 404
        assert _client(user).get("/api/findings").json()["items"] == []
    assert _client(county["enterprise_user"]).get("/api/enterprise/findings").json()["items"] == []  # drafting
    assert _post(_client(county["admin"]), f"/api/visits/{visit.pk}/findings",
                 {"entry_ids": [entry.pk], "description": "x"}).status_code == 404
