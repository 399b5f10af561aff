from django.apps import AppConfig


class AlertsConfig(AppConfig):
    """Alerts: raising an ALERT rule (model, severity, deduplication), handling an alert, and the registry of
    periodic checks that every app above fills when it loads.
    """

    name = "clearcheck.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        """Report alert counts to /metrics (issue 21)."""
        from clearcheck.core.metrics import metrics_source_register

        from .metrics import alert_metrics

        metrics_source_register("alerts", alert_metrics)
