"""The dashboards' fold and the alert engine's runs, for ``/metrics`` and ``/healthz`` (issue 21, part 6)."""

from django.db.models import Max

from clearcheck.core.metrics import Metric

from .choices import AlertRunStatus
from .models import AlertRun
from .models.rollups import RollupWatermark


def fold_done_until():
    """When the dashboards' rollups were last folded (None: never)."""
    return RollupWatermark.objects.aggregate(last=Max("folded_at"))["last"]


def alerts_run_done_until():
    """When the last alert run finished (None: never)."""
    return AlertRun.objects.exclude(status=AlertRunStatus.RUNNING).aggregate(last=Max("finished_at"))["last"]


def supervision_metrics() -> list[Metric]:
    """Last fold per rollup, the last alert run's end and outcome, and runs by status."""
    folds = RollupWatermark.objects.order_by("name").values_list("name", "folded_at")
    last_run = (AlertRun.objects.exclude(status=AlertRunStatus.RUNNING).order_by("-started_at", "-id")
                .values("status", "finished_at", "raised").first())
    return [
        Metric("clearcheck_rollup_last_fold_timestamp_seconds", "gauge",
               "When each dashboard rollup was last folded (Unix time)",
               [({"rollup": name}, folded.timestamp()) for name, folded in folds if folded]),
        Metric("clearcheck_alert_run_last_finish_timestamp_seconds", "gauge",
               "When the last alert run ended (Unix time)",
               [({}, last_run["finished_at"].timestamp())] if last_run and last_run["finished_at"] else []),
        Metric("clearcheck_alert_run_last_failed", "gauge",
               "1 when a check of the last alert run failed, 0 when all ran",
               [({}, int(last_run["status"] == AlertRunStatus.FAILED))] if last_run else []),
        Metric("clearcheck_alert_run_last_raised", "gauge", "Alerts the last alert run raised",
               [({}, last_run["raised"])] if last_run else []),
    ]
