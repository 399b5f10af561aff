"""The database down (issue 20, Deliver 5): the API answers 503 with Retry-After as a problem document, the
web the site's Chinese page, never a traceback; /healthz shows the driver's error only on the government
network or to the holder of the health token."""

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

DRIVER_ERROR = 'connection to server at "10.20.30.40", port 5432 failed: Connection refused'


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as it does when PostgreSQL is stopped (the test's own connection stays)."""

    def refuse(self, *args, **kwargs):
        raise OperationalError(DRIVER_ERROR)

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


def _client() -> Client:
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.mark.django_db
def test_the_api_answers_503_with_retry_after_as_a_problem(database_down):
    response = _client().get("/api/public/agencies")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 503 and body["title"] == "服务暂时不可用"
    assert "10.20.30.40" not in response.content.decode()


@pytest.mark.django_db
def test_a_public_page_shows_the_chinese_outage_page(database_down):
    response = _client().get("/public/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "系统暂时无法使用" in html and "错误代码" in html
    assert "Traceback" not in html and "10.20.30.40" not in html and "Server Error" not in html


@pytest.mark.django_db
def test_a_fault_that_is_not_an_outage_stays_500(monkeypatch):
    import importlib

    portal_module = importlib.import_module("clearcheck.disclosure.views.portal")

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(portal_module, "render", broken)
    response = _client().get("/public/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "系统暂时出错" in response.content.decode()


@pytest.mark.django_db
def test_healthz_hides_the_driver_error_on_the_internet(database_down, settings):
    settings.CLEARCHECK_ZONE = "internet"
    settings.CLEARCHECK = {**settings.CLEARCHECK, "HEALTH_TOKEN": "monitor-secret-1"}
    response = _client().get("/healthz")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json() == {"status": "error", "database": "unavailable"}
    assert "10.20.30.40" not in response.content.decode()
    wrong = _client().get("/healthz", HTTP_X_HEALTH_TOKEN="guess")
    assert "error" not in wrong.json()
    monitor = _client().get("/healthz", HTTP_X_HEALTH_TOKEN="monitor-secret-1")
    assert "10.20.30.40" in monitor.json()["error"]


@pytest.mark.django_db
def test_healthz_shows_details_on_the_government_network(database_down, settings):
    settings.CLEARCHECK_ZONE = "all"
    response = _client().get("/healthz")
    assert response.status_code == 503
    assert "10.20.30.40" in response.json()["error"]


@pytest.mark.django_db
def test_healthz_without_a_token_configured_shows_no_details_on_the_internet(settings):
    settings.CLEARCHECK_ZONE = "internet"
    settings.CLEARCHECK = {**settings.CLEARCHECK, "HEALTH_TOKEN": ""}
    response = _client().get("/healthz", HTTP_X_HEALTH_TOKEN="")
    assert response.json() == {"status": "ok", "database": "ok"}
