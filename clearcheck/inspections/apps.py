from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    """On-site inspections: recusal requests (R13); check-in, records and dispositions follow."""

    name = "clearcheck.inspections"
    label = "inspections"
    verbose_name = "现场检查"
