from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (东阿县) and its commands ``demo_load`` and ``demo_accounts``; installed only when
    ``CLEARCHECK_DEMO=1``.
    """

    name = "clearcheck.demo"
    label = "demo"
    verbose_name = "演示县"
