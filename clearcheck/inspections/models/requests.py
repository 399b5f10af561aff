"""Entry refusals (拒绝入企记录, R29): an enterprise records that it refused an entry that did not scan.
(Recusal requests, R13, are registry's: ``registry.models.RecusalRequest``.)
"""

from django.db import models


class EntryRefusal(models.Model):
    """An enterprise refused an entry whose visitors did not scan or check in, and says so (R29, 四(八)).

    ``agency`` is the agency the visitors said they came from (optional: they may not have said);
    ``people`` is what they gave as names or credential numbers, as written by the enterprise.
    Recording one raises an R29 alert (``services.entry_refusal_record``).
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="entry_refusals"
    )
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="自称所属机关", on_delete=models.PROTECT, related_name="entry_refusals",
        null=True, blank=True,
    )
    people = models.TextField("来访人员")
    occurred_at = models.DateTimeField("发生时间")
    place = models.CharField("地点", max_length=200, blank=True)
    feedback = models.TextField("反馈意见")
    filed_by = models.CharField("记录人", max_length=150)
    filed_by_user_id = models.PositiveIntegerField("记录人账号", null=True, blank=True)
    filed_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "拒绝入企记录"
        verbose_name_plural = "拒绝入企记录"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["enterprise", "occurred_at"], name="refusal_enterprise_time"),
            models.Index(fields=["agency", "occurred_at"], name="refusal_agency_time"),
        ]

    def __str__(self) -> str:
        return f"拒绝入企记录 #{self.pk}"
