"""Risk tiers (分级分类): each agency's scheme, and the grade of an enterprise in that agency's field."""

from django.db import models
from django.db.models import Q

from ..choices import CreditRating, TierMethod


class Tier(models.Model):
    """One tier of an agency's scheme (default A–D, A the lowest risk, rank 1)."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="tiers")
    code = models.CharField("等级", max_length=8)
    name = models.CharField("名称", max_length=64)
    rank = models.PositiveSmallIntegerField("风险序位", help_text="1 = lowest risk")
    annual_cap = models.PositiveSmallIntegerField("年度现场检查上限", help_text="0 = no proactive on-site inspection")
    sampling_ratio = models.DecimalField("抽查比例", max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = "风险等级"
        verbose_name_plural = "风险等级"
        ordering = ["agency_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="tier_code_unique"),
            models.UniqueConstraint(fields=["agency", "rank"], name="tier_rank_unique"),
            models.CheckConstraint(condition=Q(sampling_ratio__gte=0, sampling_ratio__lte=1), name="tier_ratio_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnterpriseCredit(models.Model):
    """The platform-wide credit-risk rating of an enterprise: one input to every agency's grading."""

    enterprise = models.OneToOneField("registry.Enterprise", on_delete=models.PROTECT, related_name="credit")
    rating = models.CharField("信用等级", max_length=1, choices=CreditRating.choices)
    source = models.CharField("来源", max_length=128)
    rated_at = models.DateTimeField("评定时间")

    class Meta:
        verbose_name = "企业信用等级"
        verbose_name_plural = "企业信用等级"

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.rating}"


class EnterpriseTier(models.Model):
    """An agency's grade of an enterprise. History is kept: only one row per pair is current."""

    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="enterprise_tiers")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="tiers")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="assignments")
    method = models.CharField("评定方式", max_length=16, choices=TierMethod.choices)
    score = models.IntegerField("评分", null=True, blank=True)
    explanation = models.TextField("评分说明", blank=True, help_text="canonical JSON: each factor and its points")
    reason = models.TextField("理由", blank=True)
    assigned_by = models.CharField(max_length=150)
    assigned_at = models.DateTimeField()
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = "企业风险等级"
        verbose_name_plural = "企业风险等级"
        ordering = ["-assigned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "enterprise"], condition=Q(is_current=True), name="enterprise_tier_one_current"
            ),
        ]
        indexes = [models.Index(fields=["agency", "tier"], condition=Q(is_current=True), name="enterprise_tier_cur")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.enterprise_id}: {self.tier_id}"
