"""The platform runs: /healthz, OpenAPI, offline docs, RFC 9457 problems, request ids, language."""

import re
import uuid

import pytest
from django.test import Client

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    """The response is an RFC 9457 problem document with ``status``."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail"} <= body.keys(), body
    assert body["status"] == status
    assert body["type"].startswith(("https://", "about:blank"))
    return body


# --- health, OpenAPI, docs ------------------------------------------------------------------------

def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "no-cache" in response.get("Cache-Control", "") or "max-age=0" in response.get("Cache-Control", "")


def test_openapi_schema_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/token" in schema["paths"]
    assert "/api/alerts" in schema["paths"]
    assert "bearer" in str(schema.get("components", {}).get("securitySchemes", {})).lower()


def test_api_docs_render_without_any_external_asset(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower()
    external = re.findall(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", html, flags=re.I)
    assert not external, external
    for asset in re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)""", html):
        assert client.get(asset).status_code == 200, asset  # vendored, served by the platform itself


def test_pages_load_no_external_asset(client):
    html = client.get("/").content.decode()
    assert not re.findall(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", html, flags=re.I)
    for asset in re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)""", html):
        assert client.get(asset).status_code == 200, asset


# --- every API error is a problem document --------------------------------------------------------

def test_unknown_api_path_is_a_404_problem(client):
    body = assert_problem(client.get("/api/no-such-thing"), 404)
    assert body["instance"] == "/api/no-such-thing"


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.get("/api/auth/token")
    assert_problem(response, 405)
    assert "POST" in response["Allow"]


def test_missing_authentication_is_a_401_problem(client):
    assert_problem(client.get("/api/alerts"), 401)
    assert_problem(client.get("/api/alerts", HTTP_AUTHORIZATION="Bearer cc_not-a-token"), 401)
    assert_problem(client.get("/api/alerts", HTTP_AUTHORIZATION="Bearer something-else"), 401)


def test_validation_failure_is_a_422_problem_with_field_paths(client):
    body = assert_problem(client.post("/api/auth/token", {"username": "a"}, content_type="application/json"), 422)
    assert [e["field"] for e in body["errors"]] == ["password"]
    body = assert_problem(client.post("/api/auth/token", "not json", content_type="application/json"), 400)
    assert body["detail"]


def test_query_validation_failure_is_a_422_problem(client, bureau_user):
    client.force_login(bureau_user)
    body = assert_problem(client.get("/api/alerts", {"limit": "many"}), 422)
    assert body["errors"][0]["field"] == "limit"


def test_domain_validation_from_a_service_names_the_field(client, county):
    alert = alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    client.force_login(county["users"]["bureau"])
    response = client.post(f"/api/alerts/{alert.pk}/resolve", {"note": " "}, content_type="application/json")
    body = assert_problem(response, 422)
    assert body["errors"] == [{"field": "note", "message": "请填写办结说明"}]
    assert "rule" not in body


def test_domain_conflict_and_not_found_are_problems(client, county):
    alert = alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["other_agency"])
    client.force_login(county["users"]["bureau"])
    assert client.post(f"/api/alerts/{alert.pk}/acknowledge").status_code == 200
    assert_problem(client.post(f"/api/alerts/{alert.pk}/acknowledge"), 409)
    client.force_login(county["users"]["agency_admin"])  # another agency's alert: not yours = missing
    assert_problem(client.get(f"/api/alerts/{alert.pk}"), 404)
    assert_problem(client.get("/api/alerts/999999"), 404)


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_rule_violation_carries_rule_clause_and_field(client):
    body = assert_problem(
        client.post("/api/problem-test/rule", {"credential_no": "x", "officers": [1]}, content_type="application/json"),
        409,
    )
    assert (body["rule"], body["clause"]) == ("R14", "四(九)")
    assert body["errors"] == [{"field": "officers", "message": "至少两名执法人员"}]
    assert "R14" in body["detail"]


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_rule_violation_without_field_uses_the_catalogue_message(client):
    body = assert_problem(client.get("/api/problem-test/rule-plain"), 409)
    assert (body["rule"], body["clause"]) == ("R12", "四(八)")
    assert "执法证件" in body["detail"]
    assert "errors" not in body


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_service_validation_lists_every_field(client):
    body = assert_problem(client.get("/api/problem-test/validation"), 422)
    assert [e["field"] for e in body["errors"]] == ["rows[3].uscc", "valid_to"]


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_nested_payload_errors_name_the_path(client):
    body = assert_problem(
        client.post("/api/problem-test/rule", {"credential_no": "x", "officers": [1, "two"]},
                    content_type="application/json"),
        422,
    )
    assert body["errors"][0]["field"] == "officers[1]"


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_conflict_is_a_problem(client):
    body = assert_problem(client.get("/api/problem-test/conflict"), 409)
    assert "rule" not in body


@pytest.mark.urls("clearcheck.core.tests.problem_urls")
def test_unexpected_error_is_a_500_problem_without_internals():
    client = Client(raise_request_exception=False)
    body = assert_problem(client.get("/api/problem-test/crash"), 500)
    assert "boom" not in str(body) and "Traceback" not in str(body)


def test_session_post_without_csrf_is_refused_as_a_problem(county):
    alert = alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(county["users"]["bureau"])
    assert client.get("/api/alerts").status_code == 200  # reading needs no CSRF token
    body = assert_problem(client.post(f"/api/alerts/{alert.pk}/acknowledge"), 403)
    assert "csrf" in body["detail"].lower()
    # With the token the same call passes.
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(f"/api/alerts/{alert.pk}/acknowledge", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content


# --- request id -----------------------------------------------------------------------------------

def test_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="trace-abc.123")
    assert response["X-Request-ID"] == "trace-abc.123"


def test_request_id_is_generated_when_missing_or_unsafe(client):
    generated = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    unsafe = client.get("/healthz", HTTP_X_REQUEST_ID="bad id <script>")["X-Request-ID"]
    assert unsafe != "bad id <script>" and re.fullmatch(r"[0-9a-f]{32}", unsafe)
    assert client.get("/api/nope")["X-Request-ID"]  # problems carry it too


def test_request_id_reaches_the_audit_event(client, make_user):
    make_user("officer", username="li")
    rid = uuid.uuid4().hex
    response = client.post("/api/auth/token", {"username": "li", "password": "Qingjian-2025!"},
                           content_type="application/json", HTTP_X_REQUEST_ID=rid)
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="api_token.issue")
    assert event.request_id == rid


# --- language: Chinese first, English by switch ---------------------------------------------------

def test_default_language_is_simplified_chinese(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "检查主体" in html and "规则目录" in html


def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "检查主体" in client.get("/").content.decode()


def test_english_page_text_comes_from_the_catalogue(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    nav = html.split('<nav class="main"', 1)[1].split('<form class="lang-switch"', 1)[0]
    heading = re.search(r"<h1>(.*?)</h1>", html, flags=re.S).group(1)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert not cjk.search(nav), nav
    assert not cjk.search(heading), heading
    assert "href=\"/public/agencies/\"" in nav
