"""Alerts (预警 / 监督提示) raised by ALERT rules through ``services.alert_raise``.

The table keeps the name it had when supervision owned the model (``supervision_alert``), and the audit chain
keeps naming an alert ``supervision.alert`` (ADR 0019): moving the model between apps moved no row and rewrote
no event.
"""

from django.conf import settings
from django.db import models

from .choices import AlertState, Severity


class Alert(models.Model):
    """One supervision alert. ``dedup_key`` makes raising the same alert twice one alert.

    States (``workflows.ALERT``)::

        open ──acknowledge──► acknowledged ──resolve (note required)──► resolved
        open ──resolve──► resolved ──reopen (bureau)──► open
    """

    # The subject type of an alert's audit events, as the chain has recorded it since it began (ADR 0019).
    audit_subject_type = "supervision.alert"

    rule_id = models.CharField("规则", max_length=8, db_index=True)
    clause = models.CharField("条款", max_length=16)
    subject_type = models.CharField(max_length=64)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField("对象", max_length=200, blank=True)
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="涉及机关", null=True, blank=True, on_delete=models.PROTECT,
        related_name="alerts",
    )
    facts = models.TextField("触发事实", help_text="canonical JSON")
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    state = models.CharField("状态", max_length=16, choices=AlertState.choices, default=AlertState.OPEN)
    dedup_key = models.CharField(max_length=200, unique=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="assigned_alerts",
    )
    raised_at = models.DateTimeField("预警时间", db_index=True)
    occurrences = models.PositiveIntegerField("触发次数", default=1)
    resolution_note = models.TextField("办结说明", blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "supervision_alert"  # created by supervision's 0001 migration; no row moved (ADR 0019)
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["agency", "state"], name="alert_agency_state")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_label or self.subject_id}"
