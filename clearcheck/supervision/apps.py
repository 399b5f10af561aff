from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Supervision: alerts raised by ALERT rules (the engine and dashboards build on this)."""

    name = "clearcheck.supervision"
    label = "supervision"
    verbose_name = "执法监督"
