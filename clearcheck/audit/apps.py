from django.apps import AppConfig


class AuditConfig(AppConfig):
    """全程留痕: the tamper-evident audit chain (R30)."""

    name = "clearcheck.audit"
    label = "audit"
    verbose_name = "审计留痕"

    def ready(self):
        """Report the seal's lag to /metrics and /healthz (issue 21): stale when an event waits over 10 minutes."""
        from clearcheck.core.freshness import freshness_probe_register
        from clearcheck.core.metrics import metrics_source_register

        from .metrics import audit_metrics, seal_done_until

        metrics_source_register("audit", audit_metrics)
        freshness_probe_register("audit_seal", seal_done_until, stale_seconds=600)
