from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles and API tokens."""

    name = "clearcheck.accounts"
    label = "accounts"
    verbose_name = "账户与角色"
