"""R27 anonymity: the inspecting agency sees aggregates only, over at least MIN_GROUP (5) evaluations, and
no individual evaluation by any route (selectors, pages, API); the bureau and discipline see them in full.
"""

import pytest
from django.test import Client

from clearcheck.core.errors import NotFound
from clearcheck.feedback.choices import MIN_GROUP
from clearcheck.feedback.selectors import (
    evaluation_aggregate,
    evaluation_get_for_actor,
    evaluations_for_actor,
)
from clearcheck.feedback.services import evaluation_submit
from clearcheck.feedback.tests.fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _rate(county, closed_visit, n: int, *, scores=(5, 4, 3, 1, 2, 5), conduct_first=True):
    out = []
    for i in range(n):
        out.append(evaluation_submit(actor=county["enterprise_user"], visit_id=closed_visit().pk,
                                     score=scores[i % len(scores)], conduct_yes=["five-1"] if i == 0 and conduct_first else [],
                                     duration_minutes=30, comment=f"意见{i}"))
    return out


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_aggregate_hidden_under_five_shown_at_five(feedback_county, closed_visit):
    agency_user = feedback_county["admin"]
    _rate(feedback_county, closed_visit, MIN_GROUP - 1)
    assert evaluation_aggregate(actor=agency_user) is None
    assert _client(agency_user).get("/api/evaluations/summary").json()["too_few"] is True
    assert "暂不显示汇总" in _client(agency_user).get("/work/feedback/evaluations/summary/").content.decode()
    _rate(feedback_county, closed_visit, 1, scores=(2,), conduct_first=False)
    data = evaluation_aggregate(actor=agency_user)
    assert data["count"] == 5 and data["mean_score"] == 3.0 and data["conduct_share"] == 0.2
    assert data["distribution"] == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    body = _client(agency_user).get("/api/evaluations/summary").json()
    assert body["too_few"] is False and body["count"] == 5 and body["distribution"]["2"] == 1
    assert "意见" not in str(body)


def test_agency_asking_for_another_agency_gets_its_own(feedback_county, closed_visit, make_agency,
                                                         make_user_plain):
    _rate(feedback_county, closed_visit, MIN_GROUP)
    stranger = make_user_plain("agency_head", agency=make_agency())
    assert evaluation_aggregate(actor=stranger, agency_id=feedback_county["agency"].pk) is None
    body = _client(stranger).get(f"/api/evaluations/summary?agency_id={feedback_county['agency'].pk}").json()
    assert body["too_few"] is True


@pytest.mark.parametrize("role", ["agency_admin", "agency_head", "department_head", "officer"])
def test_agency_users_cannot_read_individual_evaluations(feedback_county, closed_visit, make_user_plain, role):
    [evaluation] = _rate(feedback_county, closed_visit, 1)
    user = make_user_plain(role, agency=feedback_county["agency"])
    assert not evaluations_for_actor(actor=user).exists()
    with pytest.raises(NotFound):
        evaluation_get_for_actor(actor=user, evaluation_id=evaluation.pk)
    client = _client(user)
    assert client.get("/api/evaluations").status_code == 403
    assert client.get(f"/api/evaluations/{evaluation.pk}").status_code == 404
    assert client.get("/work/feedback/evaluations/").status_code == 404
    assert client.get(f"/work/feedback/evaluations/{evaluation.pk}/").status_code == 404
    alerts = client.get("/api/alerts").json()
    assert all(a["rule_id"] != "R27" for a in alerts.get("items", alerts) if isinstance(a, dict))


@pytest.mark.parametrize("who", ["bureau", "discipline"])
def test_bureau_and_discipline_read_in_full(feedback_county, closed_visit, who):
    [evaluation] = _rate(feedback_county, closed_visit, 1)
    client = _client(feedback_county[who])
    body = client.get(f"/api/evaluations/{evaluation.pk}").json()
    assert body["comment"] == "意见0" and body["conduct_yes"] == ["five-1"] and body["visit_closed_at"]
    page = client.get(f"/work/feedback/evaluations/{evaluation.pk}/").content.decode()
    assert feedback_county["enterprise"].name in page and "意见0" in page
    assert client.get("/api/evaluations").json()["items"][0]["id"] == evaluation.pk


def test_enterprise_reads_only_its_own(feedback_county, closed_visit):
    [evaluation] = _rate(feedback_county, closed_visit, 1)
    other = _client(feedback_county["other_enterprise_user"])
    assert other.get(f"/api/evaluations/{evaluation.pk}").status_code == 404
    assert other.get("/api/evaluations").json()["items"] == []
    assert other.get(f"/enterprise/evaluations/{evaluation.pk}/").status_code == 404
    own = _client(feedback_county["enterprise_user"])
    assert own.get(f"/api/evaluations/{evaluation.pk}").status_code == 200


def test_bureau_list_filters_and_query_count(feedback_county, closed_visit, django_assert_max_num_queries):
    _rate(feedback_county, closed_visit, 6)
    client = _client(feedback_county["bureau"])
    with django_assert_max_num_queries(12):
        html = client.get("/work/feedback/evaluations/").content.decode()
    assert html.count('href="/work/feedback/evaluations/') >= 6
    html = client.get("/work/feedback/evaluations/?conduct=yes").content.decode()
    assert html.count("<tr>") == 2  # header + the one with a conduct "yes"
    html = client.get("/work/feedback/evaluations/?score=5").content.decode()
    assert html.count("<tr>") == 3
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/evaluations?limit=50").json()["items"]) == 6


def test_api_post_evaluation(feedback_county, closed_visit):
    from django.test import Client as C

    visit = closed_visit()
    client = C(enforce_csrf_checks=False)
    client.force_login(feedback_county["enterprise_user"])
    payload = {"visit_id": visit.pk, "score": 2, "conduct_yes": [], "duration_minutes": 90}
    response = client.post("/api/evaluations", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    again = client.post("/api/evaluations", payload, content_type="application/json")
    assert again.status_code == 409 and again["Content-Type"].startswith("application/problem+json")


def test_enterprise_portal_pages(feedback_county, closed_visit):
    visit = closed_visit()
    client = _client(feedback_county["enterprise_user"])
    html = client.get("/enterprise/evaluations/").content.decode()
    assert f"/enterprise/evaluations/visits/{visit.pk}/" in html
    form = client.get(f"/enterprise/evaluations/visits/{visit.pk}/").content.decode()
    assert "严禁逐利检查" in form and 'name="conduct_yes"' in form
    response = client.post(f"/enterprise/evaluations/visits/{visit.pk}/",
                           {"score": "1", "conduct_yes": ["eight-1"], "duration_minutes": "120", "comment": "吃请"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "吃请" in html
    again = client.post(f"/enterprise/evaluations/visits/{visit.pk}/",
                        {"score": "5", "duration_minutes": "10"}, follow=True).content.decode()
    assert "已评价" in again
