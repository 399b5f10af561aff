from django.apps import AppConfig


class SamplingConfig(AppConfig):
    """Double-random draws (双随机、一公开): pools, draws that anyone can re-verify, tasks from draws."""

    name = "clearcheck.sampling"
    label = "sampling"
    verbose_name = "双随机抽查"
