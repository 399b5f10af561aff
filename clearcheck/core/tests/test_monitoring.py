"""Operation that reports (issue 21, part 6): a JSON log line per request, /metrics, /healthz freshness."""

import io
import json
import logging
import re
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent
from clearcheck.catalog.tests.factories import item_fields
from clearcheck.core import clock
from clearcheck.core.errors import RuleViolation
from clearcheck.core.log_format import JsonFormatter
from clearcheck.core.metrics import exposition, metrics_collect
from clearcheck.core.request_log import RequestLogMiddleware
from clearcheck.core.web import error_text
from clearcheck.supervision.models import AlertRun
from clearcheck.supervision.models.rollups import RollupWatermark

pytestmark = pytest.mark.django_db

LINE_FIELDS = {"time", "level", "logger", "message", "request_id", "method", "route", "status", "duration_ms",
               "user_id", "role", "zone"}


@pytest.fixture
def request_log():
    """The lines ``clearcheck.request`` writes, through the production JSON formatter, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("clearcheck.request")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]  # each line is one JSON object

    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


# --- the request log ----------------------------------------------------------------------------------------

def test_a_request_logs_one_json_line_with_route_pattern_user_id_and_role_and_no_name(client, make_user,
                                                                                     request_log):
    """Issue 21 part 6: one JSON line per request with the request id (as answered in X-Request-ID), the route
    pattern (not the path with the id), the user's id and role, status, duration and zone; no username or
    display name (personal data).
    """
    user = make_user("agency_admin", username="wang.xiaoming")
    client.force_login(user)
    response = client.get(f"/work/registry/agencies/{user.agency_id}/")
    assert response.status_code == 200
    [line] = request_log()
    assert line.keys() >= LINE_FIELDS, line
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET" and line["status"] == 200 and line["level"] == "INFO"
    assert line["route"] == "work/registry/agencies/<int:agency_id>/", line["route"]
    assert str(user.agency_id) not in line["route"]
    assert line["user_id"] == user.pk and line["role"] == "agency_admin"
    assert line["zone"] == "all" and isinstance(line["duration_ms"], float)
    text = json.dumps(line, ensure_ascii=False)
    assert "wang.xiaoming" not in text and user.display_name not in text
    assert "rule" not in line  # nothing was refused


def test_an_anonymous_request_logs_no_user(client, request_log):
    client.get("/healthz")
    [line] = request_log()
    assert line["user_id"] is None and line["role"] is None and line["route"] == "healthz"


def test_an_api_refusal_logs_its_rule_id_and_clause(client, make_user, request_log):
    """A refusal answered as a problem document logs the rule that refused it (issue 21 part 6; R03)."""
    client.force_login(make_user("agency_admin"))
    response = client.post("/api/items", item_fields(licensing_onsite_allowed=True), content_type="application/json")
    assert response.status_code == 409 and response.json()["rule"] == "R03"
    [line] = request_log()
    assert line["status"] == 409 and line["rule"] == "R03" and line["clause"] == "二(二)"
    assert line["route"].startswith("api/") and line["method"] == "POST"


def test_a_page_refusal_logs_its_rule_id(request_log):
    """A page that shows a rule's refusal (``core.web.error_text``) logs the rule too."""
    def view(request):
        return HttpResponse(error_text(RuleViolation("R14")), status=200)

    request = RequestFactory().post("/work/x")
    RequestLogMiddleware(view)(request)
    [line] = request_log()
    assert line["rule"] == "R14" and line["clause"] == "四(九)"


def test_a_refusal_noted_outside_a_request_leaks_into_no_later_line(request_log):
    error_text(RuleViolation("R14"))  # a command or a job: no request, nothing to note
    RequestLogMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/x"))
    [line] = request_log()
    assert "rule" not in line


def test_the_log_line_adds_no_query(client, make_user, request_log, settings):
    """/ping (the check-in benchmark's baseline) costs a signed-in caller the same queries with the request log
    as without it: the log never loads the session or the user only to name them.
    """
    client.force_login(make_user("officer"))
    client.get("/ping")
    with CaptureQueriesContext(connection) as logged:
        assert client.get("/ping").status_code == 200
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RequestLogMiddleware")]
    unlogged_client = Client()  # a client builds its middleware chain once
    unlogged_client.cookies = client.cookies
    with CaptureQueriesContext(connection) as unlogged:
        assert unlogged_client.get("/ping").status_code == 200
    assert len(logged.captured_queries) == len(unlogged.captured_queries)
    assert [line["route"] for line in request_log()] == ["ping", "ping"]  # the second client logged nothing


def test_a_server_error_logs_at_error_level(request_log):
    RequestLogMiddleware(lambda request: HttpResponse(status=500))(RequestFactory().get("/x"))
    [line] = request_log()
    assert line["level"] == "ERROR" and line["status"] == 500 and line["route"] is None


def test_json_formatter_keeps_the_traceback_in_the_one_line():
    try:
        raise ValueError("坏了")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "失败", (), sys.exc_info())
    text = JsonFormatter().format(record)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["message"] == "失败" and "ValueError: 坏了" in entry["exc"]


# --- /metrics -------------------------------------------------------------------------------------------------

_SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? '
                     r'(-?[0-9.e+-]+|NaN|[+-]Inf)$')


def _families(text: str) -> dict[str, str]:
    types = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            types[name] = kind
        elif not line.startswith("# HELP "):
            assert _SAMPLE.match(line), line  # every sample line is valid exposition format
    return types


def test_metrics_answer_on_the_government_network_in_prometheus_format(client, county, settings):
    settings.CLEARCHECK_ZONE = "government"
    alert_raise(rule_id="R05", subject=("x", 1), facts={}, agency=county["agency"])
    client.get("/healthz")  # one request observed by this process
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    types = _families(text)
    for name in ("clearcheck_alerts", "clearcheck_audit_unsealed_events", "clearcheck_audit_unsealed_oldest_age_seconds",
                 "clearcheck_rollup_last_fold_timestamp_seconds", "clearcheck_alert_run_last_finish_timestamp_seconds",
                 "clearcheck_evidence_uploads_open", "clearcheck_login_locked", "clearcheck_metrics_source_up"):
        assert types.get(name) == "gauge", name
    assert types["clearcheck_http_request_duration_seconds"] == "histogram"
    assert 'clearcheck_alerts{state="open",rule="R05"} 1' in text
    assert 'clearcheck_http_request_duration_seconds_bucket{route="healthz",method="GET"' in text
    assert 'clearcheck_metrics_source_up{source="audit"} 1' in text
    assert "demo-" not in text  # no username anywhere


def test_metrics_do_not_exist_in_the_internet_zone(client, settings):
    """ADR 0006: the internet zone serves no government-network route; /metrics is one (issue 21)."""
    settings.CLEARCHECK_ZONE = "internet"
    assert client.get("/metrics").status_code == 404


def test_metrics_ask_for_the_token_when_one_is_set(client, settings):
    settings.CLEARCHECK_METRICS_TOKEN = "s3cret-scrape"
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape").status_code == 200


def test_metrics_cost_a_fixed_number_of_queries_however_much_data(county):
    """Set-based reads: the scrape's query count does not grow with alerts, runs or rollups (issue 21)."""
    with CaptureQueriesContext(connection) as before:
        exposition(metrics_collect())
    for n in range(6):
        alert_raise(rule_id=("R05", "R09", "R19")[n % 3], subject=("x", n), facts={}, agency=county["agency"])
    now = clock.now()
    AlertRun.objects.create(today=now.date(), status="finished", started_at=now, finished_at=now)
    AlertRun.objects.create(today=now.date(), status="failed", started_at=now, finished_at=now)
    RollupWatermark.objects.create(name="visits", folded_at=now)
    RollupWatermark.objects.create(name="other", folded_at=now)
    with CaptureQueriesContext(connection) as after:
        text = exposition(metrics_collect())
    assert len(after.captured_queries) == len(before.captured_queries) <= 10, after.captured_queries
    assert "clearcheck_alert_run_last_failed 1" in text  # the later run failed
    assert 'clearcheck_rollup_last_fold_timestamp_seconds{rollup="other"}' in text


# --- /healthz: freshness of the periodic jobs ----------------------------------------------------------------

def test_healthz_reports_jobs_that_never_ran_without_degrading(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["jobs"]["rollups_fold"]["state"] == "never"
    assert body["jobs"]["alerts_run"]["state"] == "never"
    assert body["jobs"]["audit_seal"]["state"] == "ok"


def test_healthz_is_degraded_when_the_fold_is_stale_and_ok_when_fresh(client):
    """A fold older than its threshold (10 minutes) degrades /healthz; still 200, the database is up."""
    watermark = RollupWatermark.objects.create(name="visits", folded_at=clock.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded" and body["stale"] == ["rollups_fold"]
    assert body["jobs"]["rollups_fold"]["state"] == "stale" and body["jobs"]["rollups_fold"]["age_seconds"] >= 3600
    watermark.folded_at = clock.now()
    watermark.save()
    assert client.get("/healthz").json()["status"] == "ok"


def test_healthz_is_degraded_when_an_event_waits_for_the_seal_too_long(client, settings):
    AuditEvent.objects.create(occurred_at=clock.now() - timedelta(minutes=30), actor_label="x", action="t.x",
                              subject_type="t", subject_id="1", body="{}")
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and "audit_seal" in body["stale"]
    settings.CLEARCHECK_STALE_AUDIT_SEAL_SECONDS = 3600  # the threshold is a setting
    assert client.get("/healthz").json()["status"] == "ok"


def test_healthz_in_the_internet_zone_names_stale_jobs_but_not_their_details(client, settings):
    settings.CLEARCHECK_ZONE = "internet"
    RollupWatermark.objects.create(name="visits", folded_at=clock.now() - timedelta(days=1))
    body = client.get("/healthz").json()
    assert body == {"status": "degraded", "database": "ok", "stale": ["rollups_fold"]}


def test_healthz_query_count_is_bounded(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/healthz")
    assert len(queries.captured_queries) <= 5
