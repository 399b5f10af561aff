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
