from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision: the alert inboxes and the engine that runs the periodic checks (alerts themselves are
    ``clearcheck.alerts``), special supervision (matters) and the dashboards.
    """

    name = "clearcheck.supervision"
    label = "supervision"
    verbose_name = "执法监督"

    def ready(self):
        """Register the security check S01 (sign-in lockouts, issue 20): accounts records them, alerts may not
        be imported below, so supervision registers the check.
        """
        from clearcheck.alerts.checks import periodic_check_register

        from .security import login_lockouts_alert

        periodic_check_register(rule_id="S01", name="login_lockouts", function=login_lockouts_alert)
        _monitoring_register()


def _monitoring_register() -> None:
    """The fold (every minute: stale after 10 minutes) and the alert run (daily: stale after 26 hours) report to
    /metrics and /healthz (issue 21).
    """
    from clearcheck.core.freshness import freshness_probe_register
    from clearcheck.core.metrics import metrics_source_register

    from .metrics import alerts_run_done_until, fold_done_until, supervision_metrics

    metrics_source_register("supervision", supervision_metrics)
    freshness_probe_register("rollups_fold", fold_done_until, stale_seconds=600)
    freshness_probe_register("alerts_run", alerts_run_done_until, stale_seconds=26 * 3600)
