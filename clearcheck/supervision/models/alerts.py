"""Alerts (预警 / 监督提示) raised by ALERT rules through ``alert_raise``."""

from django.conf import settings
from django.db import models

from ..choices import AlertRunStatus, AlertState, Severity


class Alert(models.Model):
    """One supervision alert. ``dedup_key`` makes raising the same alert twice a no-op."""

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
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["agency", "state"], name="alert_agency_state")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.subject_label or self.subject_id}"


class AlertRun(models.Model):
    """One run of the alert engine (``engine.alerts_run``): when, for which day, and how many each check raised."""

    today = models.DateField("检查日期")
    rule_filter = models.CharField("限定规则", max_length=8, blank=True)
    status = models.CharField("状态", max_length=12, choices=AlertRunStatus.choices, default=AlertRunStatus.RUNNING)
    started_at = models.DateTimeField("开始时间", db_index=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    counts = models.JSONField("各项检查新增预警数", default=dict)
    errors = models.JSONField("错误", default=dict)
    raised = models.PositiveIntegerField("新增预警", default=0)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "预警巡检"
        verbose_name_plural = "预警巡检"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.today} {self.status}"


class JobLock(models.Model):
    """A named lease that lets only one run of a periodic job proceed at a time (across processes and hosts).

    Taken by a conditional UPDATE (free, or lease expired → ours), which both databases apply atomically;
    a crashed run's lease expires instead of blocking the job forever.
    """

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=64, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "任务锁"
        verbose_name_plural = "任务锁"

    def __str__(self) -> str:
        return self.name
