from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles and API tokens."""

    name = "clearcheck.accounts"
    label = "accounts"
    verbose_name = "账户与角色"

    def ready(self):
        """Start a session's idle time when its user signs in."""
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_seen_at_login

        user_logged_in.connect(session_seen_at_login, dispatch_uid="accounts.session_seen_at_login")

        from clearcheck.core.metrics import metrics_source_register

        from .metrics import account_metrics

        metrics_source_register("accounts", account_metrics)  # sign-in lockouts on /metrics (issue 21)
