from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision: the alert inboxes and the engine that runs the periodic checks (alerts themselves are
    ``clearcheck.alerts``), special supervision (matters) and the dashboards.
    """

    name = "clearcheck.supervision"
    label = "supervision"
    verbose_name = "执法监督"
