"""The alert engine's runs (``engine.alerts_run``) and the lease that keeps two runs apart; the alerts themselves
belong to ``clearcheck.alerts``.
"""

from django.db import models

from ..choices import AlertRunStatus


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
