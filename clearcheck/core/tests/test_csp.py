"""Issue 20, Deliver 4: a Content-Security-Policy on every HTML response, without 'unsafe-inline' for scripts.

The role × route crawl checks every page and every 403/404 page of every role (``tests/test_route_access.py``);
these tests cover what it does not reach: the 400, CSRF-failure, 500 and 503 pages, ``/api/docs``, the login
page, a response that brings its own policy, and the nonce (fresh per request, given to templates).
"""

import json
import re

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.test import Client, RequestFactory

from clearcheck.core.csp import HEADER, ContentSecurityPolicyMiddleware, csp_policy
from tests.support.csp import directives, policy_problem

pytestmark = pytest.mark.django_db


def _nonce(response) -> str:
    return re.search(r"'nonce-([^']+)'", response[HEADER]).group(1)


def test_issue20_the_policy_is_strict_and_allows_no_inline_script():
    policy = csp_policy("abcdefghijklmnopqrstuvwx")
    assert policy_problem(policy) is None
    found = directives(policy)
    assert found["script-src"] == "'self' 'nonce-abcdefghijklmnopqrstuvwx'"
    assert "unsafe" not in policy


def test_issue20_the_check_refuses_what_a_loose_policy_allows():
    """The crawl's check (tests.support.csp) would catch a regression, not only pass the policy it knows."""
    good = csp_policy("abcdefghijklmnopqrstuvwx")
    assert policy_problem(None) == "no Content-Security-Policy"
    assert "unsafe-inline" in policy_problem(good.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"))
    assert "object-src" in policy_problem(good.replace("object-src 'none'", "object-src 'self'"))
    assert "frame-ancestors" in policy_problem(good.replace("; frame-ancestors 'none'", ""))


def test_issue20_the_report_uri_comes_from_the_settings(settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "CSP_REPORT_URI": "https://jc.example.gov.cn/csp-report"}
    assert directives(csp_policy("n" * 24))["report-uri"] == "https://jc.example.gov.cn/csp-report"


@pytest.mark.parametrize("path", ["/", "/public/", "/accounts/login/", "/no-such-page/", "/api/docs"])
def test_issue20_public_pages_carry_the_policy(client, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html")
    assert policy_problem(response.get(HEADER)) is None, path


def test_issue20_each_request_has_its_own_nonce_and_templates_get_it(client):
    first, second = client.get("/api/docs"), client.get("/api/docs")
    assert _nonce(first) != _nonce(second)
    # The docs page's scripts carry this request's nonce (core/templates/core/api_docs.html).
    assert f'nonce="{_nonce(first)}"' in first.content.decode()


def test_issue20_api_docs_has_no_inline_script_and_fetches_nothing_from_outside(client):
    body = client.get("/api/docs").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert '"validatorUrl": null' in body  # Swagger UI's badge would load an image from validator.swagger.io
    assert "cdn" not in body.lower() and "https://" not in body


def test_issue20_the_csrf_failure_and_bad_request_pages_carry_the_policy():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert policy_problem(response.get(HEADER)) is None
    body = response.content.decode()
    assert "javascript:" not in body and "data-back" in body  # 返回上一页 without an inline URL

    response = Client().get("/public/", HTTP_HOST="not-allowed.example")  # DisallowedHost → 400 page
    assert response.status_code == 400
    assert policy_problem(response.get(HEADER)) is None


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


def test_issue20_the_outage_page_carries_the_policy(database_down):
    response = Client(raise_request_exception=False).get("/public/")
    assert response.status_code == 503
    assert policy_problem(response.get(HEADER)) is None


def test_issue20_the_server_error_page_carries_the_policy(monkeypatch):
    import importlib

    portal_module = importlib.import_module("clearcheck.disclosure.views.portal")

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(portal_module, "render", broken)
    response = Client(raise_request_exception=False).get("/public/")
    assert response.status_code == 500
    assert policy_problem(response.get(HEADER)) is None


def test_issue20_a_response_with_its_own_policy_keeps_it():
    """An evidence file is served with a sandbox policy (inspections.views.evidence): the page policy must not
    replace it, nor be added beside it."""
    own = "sandbox; default-src 'none'"

    def view(request):
        response = HttpResponse("<p>x</p>", content_type="text/html")
        response[HEADER] = own
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response[HEADER] == own


def test_issue20_json_answers_are_left_alone(client):
    response = client.get("/api/openapi.json")
    assert response["Content-Type"].startswith("application/json") and HEADER not in response


def test_issue20_htmx_is_configured_without_eval_or_injected_styles(client):
    """htmx 2 reads <meta name="htmx-config">: no eval (hx-on, js: values, filters), no <style> of its own."""
    body = client.get("/public/").content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)
    assert meta, "base.html lacks the htmx-config meta"
    config = json.loads(meta.group(1))
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False
