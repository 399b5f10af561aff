"""Annual plans (年度检查计划, R05) with immutable filings, and special plans (专项检查, R08)."""

from django.db import models
from django.db.models import F, Q

from ..choices import ApproverKind, PlanStatus, SpecialPlanStatus


class AnnualPlan(models.Model):
    """An agency's working copy of its plan for one year. Filing freezes it into a ``PlanFiling``."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="annual_plans")
    year = models.PositiveSmallIntegerField("年度")
    basis = models.TextField("编制依据")
    goals = models.TextField("目标任务")
    forms = models.TextField("检查形式")
    scope = models.TextField("检查范围")
    content = models.TextField("检查内容")
    status = models.CharField("状态", max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    filed_version = models.PositiveIntegerField("已备案版本", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "年度检查计划"
        verbose_name_plural = "年度检查计划"
        ordering = ["-year", "agency_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="annual_plan_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.agency_id}"


class AnnualPlanEntry(models.Model):
    """The monthly schedule: an item, a month, a target count."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey("catalog.InspectionItem", on_delete=models.PROTECT, related_name="plan_entries")
    month = models.PositiveSmallIntegerField("月份")
    target_count = models.PositiveIntegerField("计划户次")
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "计划月度安排"
        verbose_name_plural = "计划月度安排"
        ordering = ["month", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "item", "month"], name="plan_entry_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_entry_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month}月 {self.item_id}×{self.target_count}"


class PlanFiling(models.Model):
    """An immutable filed version of an annual plan (备案), visible to the bureau and discipline roles."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="filings")
    version = models.PositiveIntegerField("版本")
    snapshot = models.TextField(help_text="canonical JSON of the plan and its schedule")
    sha256 = models.CharField(max_length=64)
    reason = models.TextField("备案说明/修订理由")
    filed_by = models.CharField(max_length=150)
    filed_at = models.DateTimeField("备案时间")
    on_time = models.BooleanField("按时备案", help_text="filed by 31 March of the plan year, Asia/Shanghai (R05)")

    class Meta:
        verbose_name = "计划备案"
        verbose_name_plural = "计划备案"
        ordering = ["plan_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="plan_filing_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version}"


class SpecialPlan(models.Model):
    """A special inspection campaign (专项检查): assessed, reviewed, discussed, approved, published (R08)."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    scope = models.TextField("检查范围")
    content = models.TextField("检查内容")
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    lead_agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="special_plans_led")
    co_agencies = models.ManyToManyField("registry.Agency", blank=True, related_name="special_plans_joined")
    assessment = models.TextField("必要性评估(经过评估确需开展)")
    legal_review = models.TextField("法制审核意见", blank=True)
    legal_reviewed_at = models.DateTimeField(null=True, blank=True)
    collective_discussion = models.TextField("集体讨论记录", blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    approver_kind = models.CharField("批准机关", max_length=32, choices=ApproverKind.choices,
                                     default=ApproverKind.GOVERNMENT)
    status = models.CharField("状态", max_length=16, choices=SpecialPlanStatus.choices,
                              default=SpecialPlanStatus.DRAFT)
    approval_note = models.TextField("批准意见", blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "专项检查计划"
        verbose_name_plural = "专项检查计划"
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="special_plan_period_order"),
        ]

    def __str__(self) -> str:
        return self.title


class SpecialPlanAmendment(models.Model):
    """An urgent amendment of an approved special plan (确需紧急部署的, 及时修改并备案)."""

    plan = models.ForeignKey(SpecialPlan, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveIntegerField()
    reason = models.TextField("修改理由")
    changes = models.TextField(help_text="canonical JSON: field → [before, after]")
    filed_by = models.CharField(max_length=150)
    filed_at = models.DateTimeField()

    class Meta:
        verbose_name = "专项检查计划修改备案"
        verbose_name_plural = "专项检查计划修改备案"
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="special_plan_amendment_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} amendment {self.number}"
