"""Evaluations of visits by enterprises (事后评价, R27) and complaints from every channel (投诉举报)."""

from django.db import models
from django.db.models import Q

from .choices import Channel, ComplaintStatus


class Evaluation(models.Model):
    """An enterprise's rating of one closed visit, given within the evaluation window (R27).

    One per visit and enterprise. The bureau and discipline read it in full; the inspecting agency only
    ever sees aggregates over at least ``choices.MIN_GROUP`` evaluations. ``agency`` is the visit's
    agency, kept here so aggregates need no join through visits.
    """

    visit = models.ForeignKey("inspections.Visit", verbose_name="入企记录", on_delete=models.PROTECT,
                              related_name="evaluations")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="evaluations")
    agency = models.ForeignKey("registry.Agency", verbose_name="检查机关", on_delete=models.PROTECT,
                               related_name="evaluations")
    score = models.PositiveSmallIntegerField("总体评分")
    conduct_yes = models.JSONField("存在的违规情形", default=list,
                                   help_text="codes of the conduct questions answered yes (choices.CONDUCT_QUESTIONS)")
    conduct_flag = models.BooleanField("反映违规情形", default=False, help_text="any conduct question answered yes")
    duration_minutes = models.PositiveIntegerField("企业估计的检查用时(分钟)")
    comment = models.TextField("意见建议", blank=True)
    submitted_at = models.DateTimeField("评价时间")
    submitted_by_user_id = models.PositiveIntegerField("评价账号")

    class Meta:
        verbose_name = "事后评价"
        verbose_name_plural = "事后评价"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "submitted_at"], name="evaluation_agency_time"),
            models.Index(fields=["enterprise", "submitted_at"], name="evaluation_enterprise_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["visit", "enterprise"], name="evaluation_one_per_visit"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_5"),
        ]

    def __str__(self) -> str:
        # No enterprise name: the label may appear where the agency reads (e.g. an alert's subject).
        return f"事后评价 #{self.pk}"


class Complaint(models.Model):
    """A complaint or report (投诉举报) from the portal, the 12345 hotline, 工商联, a contact point or a
    social supervisor. States in ``workflows.COMPLAINT``; every complaint is in the bureau's inbox, and
    in an agency's once the bureau forwards it there.

    ``external_ref`` is the channel's own number (the hotline's work-order no.), unique per channel;
    ``payload_hash`` fingerprints what the hotline sent under it, so a repeat is recognised and a
    changed payload under the same number refused.
    """

    channel = models.CharField("来源渠道", max_length=24, choices=Channel.choices)
    external_ref = models.CharField("外部编号(工单编号)", max_length=64, blank=True)
    payload_hash = models.CharField("来件摘要", max_length=64, blank=True)
    complainant_name = models.CharField("投诉人", max_length=100, blank=True)
    complainant_contact = models.CharField("联系方式", max_length=100, blank=True)
    complainant_enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="投诉企业(门户)", null=True, blank=True, on_delete=models.PROTECT,
        related_name="complaints_made")
    enterprise = models.ForeignKey("registry.Enterprise", verbose_name="涉及企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="complaints_about")
    agency = models.ForeignKey("registry.Agency", verbose_name="被投诉机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="complaints_about")
    officer_named = models.CharField("涉及执法人员", max_length=200, blank=True)
    subject = models.CharField("事项", max_length=200)
    content = models.TextField("内容")
    received_at = models.DateTimeField("收到时间")
    deadline = models.DateField("答复期限")
    # The deadline reaches into a year whose official calendar is not loaded (counted Monday–Friday for now);
    # loading the year recomputes it (planning.calendar, issue 20).
    deadline_provisional = models.BooleanField("答复期限待定", default=False)
    status = models.CharField("状态", max_length=16, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED)
    recorded_by = models.CharField("登记人", max_length=150)
    handling_agency = models.ForeignKey("registry.Agency", verbose_name="承办机关", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="complaints_handling")
    forwarded_at = models.DateTimeField("转办时间", null=True, blank=True)
    handling_result = models.TextField("办理结果", blank=True)
    handled_at = models.DateTimeField("办理结果填报时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    rejection_reason = models.TextField("不予受理理由", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "投诉举报"
        verbose_name_plural = "投诉举报"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="complaint_status_deadline"),
            models.Index(fields=["handling_agency", "status"], name="complaint_handling_status"),
            models.Index(fields=["complainant_enterprise", "received_at"], name="complaint_portal_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_ref"], condition=~Q(external_ref=""),
                                    name="complaint_external_ref_per_channel"),
        ]

    def __str__(self) -> str:
        return f"投诉举报 #{self.pk} {self.subject}"
