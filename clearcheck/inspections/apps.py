from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """On-site inspections: recusal requests (R13); check-in, records and dispositions follow."""

    name = "clearcheck.inspections"
    label = "inspections"
    verbose_name = "现场检查"

    def ready(self):
        """Register the periodic alert check of on-site work (R19) and the services that raise R17, R18, R29."""
        from clearcheck.alerts.checks import event_raiser_register, periodic_check_register

        from .jobs import corrections_overdue_alert
        from .services.evidence import evidence_corruption_report
        from .services.records import visit_close
        from .services.requests import entry_refusal_record

        periodic_check_register(rule_id="R19", name="corrections_overdue", function=corrections_overdue_alert)
        event_raiser_register(rule_id="R17", function=visit_close)  # closed without audio/video, with a reason
        event_raiser_register(rule_id="R18", function=evidence_corruption_report)
        event_raiser_register(rule_id="R29", function=entry_refusal_record)

        from clearcheck.core.metrics import metrics_source_register

        from .metrics import inspection_metrics

        metrics_source_register("inspections", inspection_metrics)  # open uploads on /metrics (issue 21)
