"""Inspection tasks (检查任务/检查方案, R06, R07, R10), cap usage (R21) and joint inspections (R09, R20)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import AvGround, InspectionType, JointStatus, TaskSource, TaskStatus


class CapPlace(models.TextChoices):
    """Which CapUsage counter a task holds (R21); empty while it holds none."""

    PROACTIVE = "proactive", _("计入频次上限")
    EXEMPT = "exempt", _("不计入上限(单独统计)")


class JointInspection(models.Model):
    """Several agencies' tasks at one enterprise merged into one visit (进一次门、查多项事)."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="joint_inspections")
    lead_agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="joint_inspections_led")
    window_start = models.DateField("开始日期")
    window_end = models.DateField("结束日期")
    checklist = models.ForeignKey(
        "catalog.Checklist", null=True, blank=True, on_delete=models.PROTECT, related_name="joint_inspections",
        help_text="the combined checklist (一表通查)",
    )
    status = models.CharField("状态", max_length=16, choices=JointStatus.choices, default=JointStatus.PLANNED)
    note = models.TextField("说明", blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "联合检查"
        verbose_name_plural = "联合检查"
        ordering = ["-window_start", "-id"]

    def __str__(self) -> str:
        return f"联合检查 #{self.pk}"


class InspectionTask(models.Model):
    """One planned inspection of one enterprise by one agency.

    States (``workflows.TASK``)::

        draft ──submit (事前备案, R06)──► submitted ──approve (head, R07, R21)──► approved ──► completed
          │                                 └──reject──► rejected
          └──start_urgent (R10: urgent sources)──► urgent_started ──approve (补办, deadline)──► approved
        draft/submitted/approved/urgent_started ──cancel──► cancelled
    """

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="tasks")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="tasks")
    inspection_type = models.CharField("检查类型", max_length=16, choices=InspectionType.choices)
    source = models.CharField("任务来源", max_length=32, choices=TaskSource.choices)
    plan_entry = models.ForeignKey(
        "planning.AnnualPlanEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    special_plan = models.ForeignKey(
        "planning.SpecialPlan", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    source_reference = models.CharField("来源文号/编号", max_length=128, blank=True)
    items = models.ManyToManyField("catalog.InspectionItem", related_name="tasks")
    checklist = models.ForeignKey(
        "catalog.Checklist", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    window_start = models.DateField("检查开始日期")
    window_end = models.DateField("检查结束日期")
    year = models.PositiveSmallIntegerField("年度", help_text="year of window_start (caps count per year)")
    notice = models.TextField("告知企业事项", blank=True)
    officers = models.ManyToManyField("registry.Officer", related_name="tasks")
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    urgent = models.BooleanField("紧急检查", default=False)
    urgent_reason = models.TextField("紧急事由", blank=True)
    urgent_started_at = models.DateTimeField(null=True, blank=True)
    approval_deadline = models.DateField("补办审批期限", null=True, blank=True)
    # The deadline reaches into a year whose official calendar is not loaded yet (counted Monday–Friday for
    # now); loading that year recomputes it (planning.calendar, issue 20).
    approval_deadline_provisional = models.BooleanField("补办期限待定", default=False)
    counts_against_cap = models.BooleanField("计入频次上限", default=True)
    cap_place = models.CharField(
        "占用频次名额", max_length=16, choices=CapPlace.choices, blank=True,
        help_text="which CapUsage counter this task holds (released on cancel, R21)",
    )
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_by_id = models.BigIntegerField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)
    joint_inspection = models.ForeignKey(
        JointInspection, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    av_required = models.BooleanField(
        "须全过程音像记录", default=False,
        help_text="R17: contentious, or touching personal liberty, life and health or major property",
    )
    av_ground = models.CharField("音像记录事由", max_length=24, choices=AvGround.choices, blank=True,
                                 help_text="set → av_required (R17)")
    reduction_flag = models.BooleanField("提示核减合并", default=False)
    reduction_note = models.TextField("核减合并提示", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检查任务"
        verbose_name_plural = "检查任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "enterprise", "year", "status"], name="task_cap_lookup"),
            models.Index(fields=["window_start", "window_end"], name="task_window"),
            models.Index(fields=["enterprise", "window_start"], name="task_enterprise_window"),
            models.Index(fields=["status", "approval_deadline"], name="task_urgent_deadline"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=F("window_start")), name="task_window_order"),
        ]

    def __str__(self) -> str:
        return f"任务 #{self.pk}"


class CapUsage(models.Model):
    """How many places under the cap an agency has used at an enterprise in a year (R21).

    The row that carries the limit: approvals (``proactive_count``) and check-ins (``visited_count``) lock it (``select_for_update``) so two approvals racing
    for the last place cannot both succeed. ``exempt_count`` counts exempt sources for reporting.
    """

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="cap_usages")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="cap_usages")
    year = models.PositiveSmallIntegerField()
    proactive_count = models.PositiveIntegerField(default=0)
    exempt_count = models.PositiveIntegerField(default=0)
    visited_count = models.PositiveIntegerField(
        default=0, help_text="proactive inspection visits opened this year (R21 enforced again at check-in)",
    )

    class Meta:
        verbose_name = "频次使用"
        verbose_name_plural = "频次使用"
        constraints = [
            models.UniqueConstraint(fields=["agency", "enterprise", "year"], name="cap_usage_unique"),
        ]
        indexes = [models.Index(fields=["year", "enterprise"], name="cap_usage_year_enterprise")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.enterprise_id}/{self.year}: {self.proactive_count}+{self.exempt_count}"
