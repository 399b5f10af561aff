"""``/api/pools``, ``/api/draws`` and ``/api/public/draws/{id}.json`` (R24, clause 五(十五)): the whole
flow over HTTP, refusals as RFC 9457 problem documents carrying rule and clause, scope by actor, and a
public document that hides the frame, the secret and the selection until reveal.
"""

import datetime as dt
import os

import pytest
from django.test import Client

from clearcheck.alerts.models import Alert
from clearcheck.core import blobs, clock
from clearcheck.sampling import algorithm
from clearcheck.sampling.models import Draw
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, KENO_OTHER, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_codes(db):
    """The full GB/T 2260 / 4754 tables (a transactional test elsewhere may have flushed them)."""
    from clearcheck.registry.reference import reference_codes_ensure

    reference_codes_ensure()

HIDDEN_BEFORE_REVEAL = ("frame", "secret", "seed", "selection", "teams")


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, path, body=None):
    return client.post(path, body or {}, content_type="application/json")


def _problem(response, status: int, rule: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    if rule:
        assert problem["rule"] == rule
        assert problem["clause"] == {"R24": "五(十五)", "R07": "三(四)"}[rule]
    return problem


def _draft_body(county, **overrides) -> dict:
    today = clock.local_today()
    body = {
        "title": "2026年第三批双随机抽查", "pool_ids": [county["pool"].pk], "item_ids": [county["routine"].pk],
        "window_start": (today + dt.timedelta(days=3)).isoformat(),
        "window_end": (today + dt.timedelta(days=20)).isoformat(),
        "public_source": "中国福利彩票快乐8 第2026301期", "stratify": "tier", "sample_mode": "count",
        "sample": {"B": 2, "C": 2, "D": 2}, "team_size": 2, "max_per_team": 3,
    }
    body.update(overrides)
    return body


@pytest.fixture
def api_draw(draw_county):
    """A draft made through the API; returns (admin client, draw JSON)."""
    admin = _client(draw_county["admin"])
    created = _post(admin, "/api/draws", _draft_body(draw_county))
    assert created.status_code == 201, created.content
    return admin, created.json()


def test_r24_the_whole_flow_over_the_api(draw_county, api_draw, monkeypatch):
    county = draw_county
    admin, draw = api_draw
    assert draw["status"] == "draft" and draw["sample"] == {"B": 2, "C": 2, "D": 2} and draw["secret"] == ""
    base = f"/api/draws/{draw['id']}"

    committed = _post(admin, f"{base}/commit")
    assert committed.status_code == 200, committed.content
    secret = committed.json()["secret"]
    body = committed.json()["draw"]
    assert len(secret) == 64 and body["status"] == "committed" and body["secret"] == ""
    assert body["commitment"] == algorithm.commitment_of(secret) and body["frame_enterprises"] == 24
    assert body["excluded_at_cap"] == 2

    selected = _post(admin, f"{base}/select", {"secret": secret, "public_value": KENO})
    assert selected.status_code == 200, selected.content
    assert selected.json()["status"] == "selected" and selected.json()["picks"] == 6
    picks = admin.get(f"{base}/picks").json()["items"]
    assert [p["position"] for p in picks] == [1, 2, 3, 4, 5, 6]
    assert {p["team"] for p in picks} == {1, 2, 3} and all(p["task_ids"] == [] for p in picks)

    made = _post(admin, f"{base}/tasks")
    assert made.status_code == 201 and len(made.json()["task_ids"]) == 6
    approved = _post(_client(county["head"]), f"{base}/tasks/approve")
    assert approved.status_code == 200 and approved.json()["approved"] == 6
    picks = admin.get(f"{base}/picks").json()["items"]
    assert sorted(t for p in picks for t in p["task_ids"]) == sorted(made.json()["task_ids"])

    early = _post(admin, f"{base}/reveal", {"secret": secret})
    assert _problem(early, 409)["status"] == 409
    freeze(monkeypatch, dt.date.fromisoformat(draw["window_end"]) + dt.timedelta(days=1))
    revealed = _post(admin, f"{base}/reveal", {"secret": secret})
    assert revealed.status_code == 200 and revealed.json()["secret"] == secret
    document = _client().get(f"/api/public/draws/{draw['id']}.json")
    assert document.status_code == 200
    assert algorithm.verify_document(document.json()) == []


def test_r24_public_document_hides_frame_secret_and_selection_until_reveal(draw_county, api_draw, monkeypatch):
    admin, draw = api_draw
    public = _client()
    path = f"/api/public/draws/{draw['id']}.json"
    _problem(public.get(path), 404)  # a draft is not public

    secret = _post(admin, f"/api/draws/{draw['id']}/commit").json()["secret"]
    committed = public.get(path)
    assert committed.status_code == 200
    document = committed.json()
    assert document["algorithm"] == algorithm.ALGORITHM and document["draw"]["status"] == "committed"
    assert document["commitment"] == algorithm.commitment_of(secret) and len(document["frame_sha256"]) == 64
    assert document["parameters"]["public_value"]["source"] == "中国福利彩票快乐8 第2026301期"
    assert document["public_value"] is None
    assert not set(HIDDEN_BEFORE_REVEAL) & set(document)
    assert secret not in committed.content.decode()

    _post(admin, f"/api/draws/{draw['id']}/select", {"secret": secret, "public_value": KENO})
    selected = public.get(path)
    document = selected.json()
    assert document["public_value"] == KENO and document["draw"]["status"] == "selected"
    assert not set(HIDDEN_BEFORE_REVEAL) & set(document)
    text = selected.content.decode()
    assert secret not in text
    assert not any(uscc in text for uscc in Draw.objects.get(pk=draw["id"]).picks.values_list("uscc", flat=True))

    freeze(monkeypatch, dt.date.fromisoformat(draw["window_end"]) + dt.timedelta(days=1))
    _post(admin, f"/api/draws/{draw['id']}/reveal", {"secret": secret})
    document = public.get(path).json()
    assert set(HIDDEN_BEFORE_REVEAL) <= set(document)
    assert document["secret"] == secret and len(document["selection"]) == 6


def test_r24_the_secret_appears_only_in_the_commit_response(draw_county, api_draw):
    county = draw_county
    admin, draw = api_draw
    secret = _post(admin, f"/api/draws/{draw['id']}/commit").json()["secret"]
    _post(admin, f"/api/draws/{draw['id']}/select", {"secret": secret, "public_value": KENO})
    responses = [admin.get(f"/api/draws/{draw['id']}"), admin.get("/api/draws"),
                 admin.get(f"/api/draws/{draw['id']}/picks"), _client(county["bureau"]).get("/api/draws"),
                 _client().get(f"/api/public/draws/{draw['id']}.json")]
    for response in responses:
        assert response.status_code == 200
        assert secret not in response.content.decode()


def test_r24_a_sample_larger_than_the_pool_is_a_problem_document(draw_county):
    admin = _client(draw_county["admin"])
    draw = _post(admin, "/api/draws", _draft_body(draw_county, sample={"B": 9})).json()
    problem = _problem(_post(admin, f"/api/draws/{draw['id']}/commit"), 409, "R24")
    assert problem["errors"][0]["field"] == "sample"
    assert admin.get(f"/api/draws/{draw['id']}").json()["status"] == "draft"


def test_r24_team_size_larger_than_the_officers_is_a_problem_document(draw_county):
    admin = _client(draw_county["admin"])
    draw = _post(admin, "/api/draws", _draft_body(draw_county, team_size=7)).json()
    problem = _problem(_post(admin, f"/api/draws/{draw['id']}/commit"), 409, "R24")
    assert problem["errors"][0]["field"] == "team_size"


def test_r24_an_empty_pool_is_a_problem_document(draw_county):
    admin = _client(draw_county["admin"])
    pool = _post(admin, "/api/pools", {"name": "冠县空库", "filters": {"regions": ["371525"]}})
    assert pool.status_code == 201, pool.content
    draw = _post(admin, "/api/draws", _draft_body(draw_county, pool_ids=[pool.json()["id"]])).json()
    problem = _problem(_post(admin, f"/api/draws/{draw['id']}/commit"), 409, "R24")
    assert problem["errors"][0]["field"] == "pools"


def test_r24_wrong_secret_and_repeated_public_value_are_problem_documents(draw_county, api_draw):
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    secret = _post(admin, f"{base}/commit").json()["secret"]
    wrong = _problem(_post(admin, f"{base}/select", {"secret": "0f" * 32, "public_value": KENO}), 409, "R24")
    assert wrong["errors"][0]["field"] == "secret"
    malformed = _problem(_post(admin, f"{base}/select", {"secret": "xyz", "public_value": KENO}), 409, "R24")
    assert malformed["errors"][0]["field"] == "secret"
    assert _post(admin, f"{base}/select", {"secret": secret, "public_value": KENO}).status_code == 200
    again = _problem(_post(admin, f"{base}/select", {"secret": secret, "public_value": KENO_OTHER}), 409, "R24")
    assert again["errors"][0]["field"] == "public_value"
    assert admin.get(f"/api/public/draws/{draw['id']}.json").json()["public_value"] == KENO


def test_r24_wrong_secret_at_reveal_is_a_problem_document(draw_county, api_draw, monkeypatch):
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    secret = _post(admin, f"{base}/commit").json()["secret"]
    _post(admin, f"{base}/select", {"secret": secret, "public_value": KENO})
    freeze(monkeypatch, dt.date.fromisoformat(draw["window_end"]) + dt.timedelta(days=1))
    problem = _problem(_post(admin, f"{base}/reveal", {"secret": "0f" * 32}), 409, "R24")
    assert problem["errors"][0]["field"] == "secret"
    assert admin.get(base).json()["status"] == "selected"


def test_r24_a_reused_public_source_is_a_problem_document(draw_county, api_draw):
    admin, _ = api_draw
    problem = _problem(_post(admin, "/api/draws", _draft_body(draw_county, title="另一批")), 409, "R24")
    assert problem["errors"][0]["field"] == "public_source"


def test_r24_a_tampered_frame_is_a_problem_and_the_alert_survives(draw_county, api_draw):
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    committed = _post(admin, f"{base}/commit").json()
    path = blobs.blob_path(committed["draw"]["frame_sha256"])
    os.chmod(path, 0o644)
    path.write_bytes(b"clearcheck-draw-frame/1\n")
    problem = _problem(_post(admin, f"{base}/select", {"secret": committed["secret"], "public_value": KENO}), 409,
                       "R24")
    assert problem["errors"][0]["field"] == "frame"
    assert Alert.objects.filter(rule_id="R24", dedup_key=f"R24:frame-tampered:{draw['id']}").exists()
    assert admin.get(base).json()["status"] == "committed"


@pytest.mark.parametrize("overrides", [{"team_size": 1}, {"max_per_team": 0}, {"stratify": "sideways"},
                                       {"window_start": "soon"}, {"pool_ids": [0]}])
def test_r24_malformed_drafts_are_422_problems(draw_county, overrides):
    response = _post(_client(draw_county["admin"]), "/api/draws", _draft_body(draw_county, **overrides))
    _problem(response, 422)
    assert not Draw.objects.exists()


def test_r24_draft_field_errors_name_the_field(draw_county):
    response = _post(_client(draw_county["admin"]), "/api/draws", _draft_body(draw_county, sample={"E": 1}))
    problem = _problem(response, 422)
    assert problem["errors"][0]["field"] == "sample"


def test_r07_department_head_approving_draw_tasks_is_a_problem(draw_county, api_draw):
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    secret = _post(admin, f"{base}/commit").json()["secret"]
    _post(admin, f"{base}/select", {"secret": secret, "public_value": KENO})
    _post(admin, f"{base}/tasks")
    _problem(_post(_client(draw_county["department_head"]), f"{base}/tasks/approve"), 409, "R07")


def test_r24_scope_other_agency_404_officer_403_bureau_reads(draw_county, api_draw, make_agency, make_user_plain):
    county = draw_county
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    stranger = _client(make_user_plain("agency_admin", agency=make_agency()))
    _problem(stranger.get(base), 404)
    _problem(_post(stranger, f"{base}/commit"), 404)
    _problem(stranger.get(f"{base}/picks"), 404)
    assert stranger.get("/api/draws").json() == []
    assert stranger.get("/api/pools").json()["items"] == []
    _problem(stranger.patch(f"/api/pools/{county['pool'].pk}", {"name": "x"}, content_type="application/json"), 404)

    officer = _client(county["users"]["officer"])
    _problem(_post(officer, f"{base}/commit"), 403)
    _problem(_post(officer, "/api/draws", _draft_body(county, public_source="快乐8 第2026999期")), 403)

    bureau = _client(county["bureau"])
    assert [d["id"] for d in bureau.get("/api/draws").json()] == [draw["id"]]
    assert bureau.get(base).status_code == 200
    _problem(_post(bureau, f"{base}/commit"), 403)
    assert admin.get(base).json()["status"] == "draft"

    anonymous = _client()
    assert anonymous.get("/api/draws").status_code in (401, 403)
    assert anonymous.get(base).status_code in (401, 403)


def test_r24_pool_endpoints(draw_county):
    admin = _client(draw_county["admin"])
    created = _post(admin, "/api/pools", {"name": "零售对象库", "filters": {"industries": ["52"], "tiers": ["B"]},
                                          "officer_ids": [o.pk for o in draw_county["officers"][:3]]})
    assert created.status_code == 201, created.content
    pool = created.json()
    assert pool["filters"] == {"industries": ["52"], "tiers": ["B"]} and len(pool["officer_ids"]) == 3
    patched = admin.patch(f"/api/pools/{pool['id']}", {"active": False}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert patched.json()["filters"] == pool["filters"]  # fields not sent stay as they were
    listed = admin.get("/api/pools").json()["items"]
    assert {p["id"] for p in listed} == {pool["id"], draw_county["pool"].pk}
    bad = _problem(_post(admin, "/api/pools", {"name": "坏库", "filters": {"regions": ["999999"]}}), 422)
    assert bad["errors"][0]["field"] == "filters.regions"


def test_r24_cancel_over_the_api(draw_county, api_draw):
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    _problem(_post(admin, f"{base}/cancel", {"reason": " "}), 422)
    cancelled = _post(admin, f"{base}/cancel", {"reason": "抽查事项有误"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    _problem(_post(admin, f"{base}/commit"), 409)


def test_r24_a_draw_cancelled_after_commit_stays_public(draw_county, api_draw):
    """A re-roll (commit, cancel, draw again) must show: the cancelled commitment stays on the public side."""
    admin, draw = api_draw
    base = f"/api/draws/{draw['id']}"
    secret = _post(admin, f"{base}/commit").json()["secret"]
    assert _post(admin, f"{base}/cancel", {"reason": "对象库有误"}).status_code == 200
    document = _client().get(f"/api/public/draws/{draw['id']}.json")
    assert document.status_code == 200
    assert document.json()["draw"]["status"] == "cancelled" and document.json()["commitment"]
    assert not set(HIDDEN_BEFORE_REVEAL) & set(document.json()) and secret not in document.content.decode()
    reuse = _post(admin, "/api/draws", _draft_body(draw_county, title="重新抽取"))
    assert _problem(reuse, 409, "R24")["errors"][0]["field"] == "public_source"
