"""Prometheus metrics (text exposition format 0.0.4) served at ``/metrics`` on the government network only.

Two kinds, said plainly in each metric's help:

* **From the database, at scrape time** — the same for every worker: each app registers a *source*
  (``metrics_source_register``) that reads its tables with a few set-based queries (GROUP BY, MIN, MAX, COUNT)
  and returns ``Metric`` values: alert counts, audit-seal lag, the last fold, the last alert run, open uploads,
  sign-in lockouts. Core knows no app (ARCHITECTURE.md "Layers"), so the apps fill the registry when they load.
* **Per process** — the request latency histogram and request counter of the worker that answers the scrape
  (labelled ``pid``). Under gunicorn each worker keeps its own, and a scrape reaches one of them: sum the
  series over ``pid`` with ``rate()``; a recycled worker starts again from zero (a counter reset, which
  ``rate()`` handles). No multiprocess directory, no new dependency.
"""

import hmac
import logging
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
logger = logging.getLogger(__name__)


@dataclass
class Metric:
    """One metric family: name, type (``gauge``/``counter``/``histogram``), help and its samples.

    A sample is ``(labels, value)``, or ``(suffix, labels, value)`` for a histogram's ``_bucket``/``_sum``/
    ``_count`` lines.
    """

    name: str
    kind: str
    help: str
    samples: list = field(default_factory=list)


_SOURCES: dict[str, Callable[[], list[Metric]]] = {}


def metrics_source_register(name: str, source: Callable[[], list[Metric]]) -> None:
    """Let an app add metrics read at scrape time (registering the same name again replaces it)."""
    _SOURCES[name] = source


def metrics_sources() -> dict[str, Callable[[], list[Metric]]]:
    """The registered sources by name."""
    return dict(_SOURCES)


# --- per process: request latency ---------------------------------------------------------------------------
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_lock = threading.Lock()
# (route, method) → [bucket counts..., +Inf count, sum]
_latency: dict[tuple[str, str], list[float]] = {}
_requests: dict[tuple[str, str], int] = {}  # (route, status class "2xx") → count


def request_observe(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request of this process in the latency histogram and the request counter."""
    with _lock:
        row = _latency.setdefault((route, method), [0.0] * (len(BUCKETS) + 2))
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
        row[len(BUCKETS)] += 1
        row[-1] += seconds
        key = (route, f"{status // 100}xx")
        _requests[key] = _requests.get(key, 0) + 1


def process_metrics() -> list[Metric]:
    """The answering process's request metrics (labelled with its pid)."""
    pid = str(os.getpid())
    latency = Metric("clearcheck_http_request_duration_seconds", "histogram",
                     "Time to answer a request, by route pattern and method (per worker process, label pid)")
    requests = Metric("clearcheck_http_requests_total", "counter",
                      "Requests answered, by route pattern and status class (per worker process, label pid)")
    with _lock:
        latency_rows = {key: list(row) for key, row in _latency.items()}
        request_rows = dict(_requests)
    for (route, method), row in sorted(latency_rows.items()):
        labels = {"route": route, "method": method, "pid": pid}
        for i, bound in enumerate(BUCKETS):
            latency.samples.append(("_bucket", {**labels, "le": _number(bound)}, row[i]))
        latency.samples.append(("_bucket", {**labels, "le": "+Inf"}, row[len(BUCKETS)]))
        latency.samples.append(("_sum", labels, row[-1]))
        latency.samples.append(("_count", labels, row[len(BUCKETS)]))
    for (route, status), count in sorted(request_rows.items()):
        requests.samples.append(({"route": route, "status": status, "pid": pid}, count))
    return [latency, requests]


# --- exposition -------------------------------------------------------------------------------------------
def _number(value) -> str:
    if value is None:
        return "NaN"
    value = float(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _label_value(value) -> str:
    return str(value).replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _labels(labels: dict) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_label_value(value)}"' for key, value in labels.items()) + "}"


def exposition(metrics: list[Metric]) -> str:
    """The Prometheus text format of ``metrics`` (HELP and TYPE once per family)."""
    lines = []
    for metric in metrics:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        for sample in metric.samples:
            suffix, labels, value = sample if len(sample) == 3 else ("", *sample)
            lines.append(f"{metric.name}{suffix}{_labels(labels)} {_number(value)}")
    return "\n".join(lines) + "\n"


def metrics_collect() -> list[Metric]:
    """Every registered source's metrics, then this process's; a source that fails is reported, not raised."""
    collected: list[Metric] = []
    failed = Metric("clearcheck_metrics_source_up", "gauge", "1 when a metrics source could be read, 0 when it failed")
    for name, source in sorted(_SOURCES.items()):
        try:
            collected.extend(source())
            failed.samples.append(({"source": name}, 1))
        except Exception:  # noqa: BLE001 — one broken source must not hide the others
            logger.exception("metrics source %s failed", name)
            failed.samples.append(({"source": name}, 0))
    return [*collected, failed, *process_metrics()]


def _token_ok(request) -> bool:
    token = getattr(settings, "CLEARCHECK_METRICS_TOKEN", "") or ""
    if not token:
        return True
    sent = request.headers.get("Authorization", "")
    return hmac.compare_digest(f"Bearer {token}".encode(), sent.encode())


@never_cache
@require_GET
def metrics_view(request):
    """``/metrics``: the government zone's Prometheus endpoint; 404 in the internet zone (ADR 0006), and 404
    without ``Authorization: Bearer <CLEARCHECK_METRICS_TOKEN>`` when a token is set.
    """
    if getattr(settings, "CLEARCHECK_ZONE", "all") == "internet" or not _token_ok(request):
        raise Http404
    return HttpResponse(exposition(metrics_collect()), content_type=CONTENT_TYPE)
