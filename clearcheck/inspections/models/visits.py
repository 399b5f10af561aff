"""Visits (扫码入企): an entry into an enterprise, started by a scan (or a geolocated check-in, R11),
opened when at least two qualified officers of the team have confirmed on their own accounts (R14).
"""

from django.db import models
from django.db.models import Q

from ..choices import EntryMethod, VisitKind, VisitStatus


class Visit(models.Model):
    """One entry of officers into an enterprise: an inspection (tasks) or another kind of visit (R26).

    States (``workflows.VISIT``)::

        pending ──(≥2 qualified officers confirmed within 10 min, R14)──► open ──close──► closed
           ├──(10 min passed)──► expired
           └──cancel──► cancelled

    ``idempotency_key`` is the client's key for the start request: a retry with the same key by the
    same user returns the same visit instead of opening a second one.
    """

    kind = models.CharField("入企类型", max_length=24, choices=VisitKind.choices, default=VisitKind.INSPECTION)
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="visits")
    agency = models.ForeignKey("registry.Agency", verbose_name="发起机关", on_delete=models.PROTECT,
                               related_name="visits")
    tasks = models.ManyToManyField("planning.InspectionTask", through="VisitTask", related_name="visits")
    joint_inspection = models.ForeignKey("planning.JointInspection", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="visits")
    # Kept at check-in (a visit's tasks never change afterwards) so that the dashboards read them from the
    # visit itself, not from a task look-up per visit (ADR 0014).
    source = models.CharField("任务来源", max_length=32, blank=True, default="", db_default="",
                              help_text="the source of its lowest-id task")
    drawn = models.BooleanField("双随机抽取", default=False, db_default=False,
                                help_text="any of its tasks came from a draw")
    # The dashboards' tier dimension: the initiating agency's tier of the enterprise when the visit started
    # (its grade, or the scheme's tier for the ungraded). Kept so that a regrading does not move past visits
    # and a panel's tier filter reads the visit, not a grade look-up per visit (ADR 0014).
    tier = models.CharField("风险等级", max_length=8, blank=True, default="", db_default="",
                            help_text="the agency's tier of the enterprise at check-in")
    purpose = models.TextField("入企事由", blank=True, help_text="non-inspection visits: what for (R26)")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=VisitStatus.choices, default=VisitStatus.PENDING)
    entry_method = models.CharField("入企方式", max_length=16, choices=EntryMethod.choices)
    code_version = models.PositiveIntegerField("企业码版本", null=True, blank=True)
    latitude = models.DecimalField("纬度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField("定位精度(米)", null=True, blank=True)
    distance_m = models.PositiveIntegerField("距登记位置(米)", null=True, blank=True)
    single_officer_basis = models.TextField("一人检查的法定依据", blank=True)
    urgent = models.BooleanField("紧急检查", default=False)
    urgent_reason = models.TextField("紧急事由", blank=True)
    cap_counted = models.BooleanField("计入频次上限", default=False,
                                      help_text="this visit took a place in CapUsage.visited_count (R21)")
    started_by = models.CharField("发起人", max_length=150)
    started_by_user_id = models.PositiveIntegerField("发起人账号")
    idempotency_key = models.CharField("请求幂等键", max_length=64)
    started_at = models.DateTimeField("扫码时间")
    confirm_deadline = models.DateTimeField("确认截止时间")
    opened_at = models.DateTimeField("开始检查时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    ended_reason = models.TextField("撤销/超时说明", blank=True)
    summary = models.TextField("入企情况", blank=True, help_text="non-inspection visits: what was done (R26)")

    class Meta:
        verbose_name = "入企记录"
        verbose_name_plural = "入企记录"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="visit_enterprise_status"),
            models.Index(fields=["agency", "started_at"], name="visit_agency_started"),
            models.Index(fields=["enterprise", "year", "kind"], name="visit_enterprise_year"),
            models.Index(fields=["status", "confirm_deadline"], name="visit_pending_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["started_by_user_id", "idempotency_key"], name="visit_idempotency"),
        ]

    def __str__(self) -> str:
        return f"入企记录 #{self.pk}"


class VisitTask(models.Model):
    """A task done in a visit; ``active`` while the visit is pending or open (one active visit per task)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="visit_tasks")
    task = models.ForeignKey("planning.InspectionTask", on_delete=models.PROTECT, related_name="visit_tasks")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "入企检查任务"
        verbose_name_plural = "入企检查任务"
        constraints = [
            models.UniqueConstraint(fields=["visit", "task"], name="visit_task_unique"),
            # A task is in at most one pending or open visit, on either database.
            models.UniqueConstraint(fields=["task"], condition=Q(active=True), name="visit_task_one_active"),
        ]


class VisitOfficer(models.Model):
    """An officer of the visit's team; ``confirmed_at`` once they confirmed on their own account (R14)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="visit_officers")
    officer = models.ForeignKey("registry.Officer", verbose_name="执法人员", on_delete=models.PROTECT,
                                related_name="visit_officers")
    credential_no = models.CharField("执法证号", max_length=32)
    initiator = models.BooleanField("扫码发起人", default=False)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by_user_id = models.PositiveIntegerField("确认账号", null=True, blank=True)

    class Meta:
        verbose_name = "入企执法人员"
        verbose_name_plural = "入企执法人员"
        ordering = ["visit", "-initiator", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "officer"], name="visit_officer_unique")]
        indexes = [models.Index(fields=["officer", "confirmed_at"], name="visit_officer_confirmed")]

