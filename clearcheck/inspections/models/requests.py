"""Recusal requests (回避申请, R13): an enterprise asks that an officer be excluded from its inspections.
Entry refusals (拒绝入企记录, R29): an enterprise records that it refused an entry that did not scan.
"""

from django.db import models
from django.db.models import Q

from ..choices import RECUSAL_OPEN, RecusalStatus


class RecusalRequest(models.Model):
    """An enterprise's request that an officer be excluded (R13); a granted request is the recusal.

    States (``workflows.RECUSAL``)::

        pending ──grant (agency head, with reasons)──► granted
                └─refuse (agency head, with reasons)─► refused

    ``notified_at`` is when the result reached the enterprise (it reads it on its recusal page).
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="申请企业", on_delete=models.PROTECT, related_name="recusal_requests"
    )
    officer = models.ForeignKey(
        "registry.Officer", verbose_name="申请回避的执法人员", on_delete=models.PROTECT, related_name="recusal_requests"
    )
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="所属机关", on_delete=models.PROTECT, related_name="recusal_requests"
    )
    reason = models.TextField("申请理由")
    status = models.CharField("状态", max_length=16, choices=RecusalStatus.choices, default=RecusalStatus.PENDING)
    filed_by = models.CharField("申请人", max_length=150)
    filed_by_user_id = models.PositiveIntegerField("申请人账号", null=True, blank=True)
    filed_at = models.DateTimeField("申请时间")
    decision_reason = models.TextField("决定理由", blank=True)
    decided_by = models.CharField("决定人", max_length=150, blank=True)
    decided_by_user_id = models.PositiveIntegerField("决定人账号", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    notified_at = models.DateTimeField("告知企业时间", null=True, blank=True)

    class Meta:
        verbose_name = "回避申请"
        verbose_name_plural = "回避申请"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["enterprise", "officer", "status"], name="recusal_enterprise_officer"),
            models.Index(fields=["agency", "status"], name="recusal_agency_status"),
        ]
        constraints = [
            # One open (pending or granted) request per enterprise and officer, on either database.
            models.UniqueConstraint(
                fields=["enterprise", "officer"], condition=Q(status__in=[s.value for s in RECUSAL_OPEN]),
                name="recusal_open_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"回避申请 #{self.pk}"


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
