"""Per-agency planning settings: cap exemptions, special-plan quota, urgent approval deadline."""

from django.db import models


class AgencyPlanningSettings(models.Model):
    """Configuration one agency may differ in. Missing row = platform defaults (``planning.settings``)."""

    agency = models.OneToOneField("registry.Agency", on_delete=models.PROTECT, related_name="planning_settings")
    exempt_sources = models.CharField(
        "不计入频次上限的任务来源", max_length=255, help_text="comma-separated TaskSource values"
    )
    special_plan_quota = models.PositiveSmallIntegerField("年度专项检查数量上限", default=2)
    urgent_approval_working_days = models.PositiveSmallIntegerField("紧急检查补办审批时限(工作日)", default=3)
    ungraded_tier_code = models.CharField("未评级企业适用等级", max_length=8, default="B")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "机关计划设置"
        verbose_name_plural = "机关计划设置"

    def __str__(self) -> str:
        return f"{self.agency_id} settings"
