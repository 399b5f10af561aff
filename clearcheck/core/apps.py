from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel: errors, rules catalogue, clock, crypto, actors."""

    name = "clearcheck.core"
    label = "core"
