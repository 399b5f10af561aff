from django.apps import AppConfig


class AuditConfig(AppConfig):
    """全程留痕: the tamper-evident audit chain (R30)."""

    name = "clearcheck.audit"
    label = "audit"
    verbose_name = "审计留痕"
