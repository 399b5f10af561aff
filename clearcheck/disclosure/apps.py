from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    """Public disclosure (一公开) and the signed-in workspace entry page."""

    name = "clearcheck.disclosure"
    label = "disclosure"
    verbose_name = "信息公开"
