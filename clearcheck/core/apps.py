from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel: errors, rules catalogue, clock, crypto, actors."""

    name = "clearcheck.core"
    label = "core"

    def ready(self):
        """Connect the text guard: no text column is written too long or unstorable (issue 20)."""
        from django.db.models.signals import pre_save

        from .inputs import text_guard

        pre_save.connect(text_guard, dispatch_uid="clearcheck.core.text_guard")
