"""Special supervision (专项监督, 八(二十三)): supervision matters (督办事项, not 立案 cases) and their actions.

A matter is opened by the bureau from an alert, a complaint (generic ``source_type``/``source_id``) or on its
own initiative. Its actions are one model each, because each carries different facts:

- ``Directive`` (督办): an instruction to an agency with a deadline; the agency replies with its handling result.
- ``Interview`` (约谈): who was interviewed, when, where, and a summary of the record.
- ``Notice`` (通报): a good or bad example; once published it is public and immutable (a correction is a new
  notice that ``corrects`` it).
- ``Referral`` (移送纪检监察): a clue of officer misconduct with its evidence, for the discipline role.
"""

from django.db import models

from ..choices import MatterSource, MatterStatus, NoticeKind


class SupervisionMatter(models.Model):
    """One supervision matter (督办事项).

    States (``workflows.MATTER``)::

        open ──handle (first directive issued)──► handling ──conclude──► concluded
        open ──conclude──► concluded
    """

    title = models.CharField("事项名称", max_length=200)
    agency = models.ForeignKey("registry.Agency", verbose_name="涉及机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="supervision_matters")
    summary = models.TextField("事项概要")
    source = models.CharField("来源", max_length=16, choices=MatterSource.choices, default=MatterSource.INITIATIVE)
    alert = models.ForeignKey("alerts.Alert", verbose_name="来源预警", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="matters")
    source_type = models.CharField("来源类型", max_length=64, blank=True, help_text='e.g. "feedback.complaint"')
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    status = models.CharField("状态", max_length=12, choices=MatterStatus.choices, default=MatterStatus.OPEN)
    deadline = models.DateField("办结期限", null=True, blank=True)
    conclusion = models.TextField("办结情况", blank=True)
    opened_by = models.CharField(max_length=150)
    opened_at = models.DateTimeField("立项时间", db_index=True)
    concluded_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"], name="matter_agency_status"),
                   models.Index(fields=["source_type", "source_id"], name="matter_source")]

    def __str__(self) -> str:
        return self.title


class Directive(models.Model):
    """督办: the bureau instructs an agency to handle something by a deadline; the agency replies."""

    matter = models.ForeignKey(SupervisionMatter, on_delete=models.PROTECT, related_name="directives")
    agency = models.ForeignKey("registry.Agency", verbose_name="承办机关", on_delete=models.PROTECT,
                               related_name="directives")
    instruction = models.TextField("督办要求")
    deadline = models.DateField("办理期限")
    issued_by = models.CharField(max_length=150)
    issued_at = models.DateTimeField("督办时间")
    reply = models.TextField("办理结果", blank=True)
    replied_by = models.CharField(max_length=150, blank=True)
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["agency", "replied_at"], name="directive_agency_reply")]

    def __str__(self) -> str:
        return f"督办 {self.agency_id} {self.deadline}"


class Interview(models.Model):
    """约谈: an interview of an agency (its head) or an officer, with the record's summary."""

    matter = models.ForeignKey(SupervisionMatter, on_delete=models.PROTECT, related_name="interviews")
    agency = models.ForeignKey("registry.Agency", verbose_name="被约谈机关", on_delete=models.PROTECT,
                               related_name="interviews")
    officer = models.ForeignKey("registry.Officer", verbose_name="被约谈执法人员", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="interviews")
    interviewees = models.CharField("被约谈人", max_length=200, help_text="职务与姓名")
    held_at = models.DateTimeField("约谈时间")
    place = models.CharField("约谈地点", max_length=200)
    record_summary = models.TextField("约谈记录摘要")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"约谈 {self.interviewees}"


class Notice(models.Model):
    """通报: a good (表扬) or bad (批评) example; public and immutable once published."""

    matter = models.ForeignKey(SupervisionMatter, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="notices")
    agency = models.ForeignKey("registry.Agency", verbose_name="涉及机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField("类别", max_length=12, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", help_text="no personal data of enterprises' staff")
    corrects = models.ForeignKey("self", verbose_name="更正的通报", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    published = models.BooleanField("已公开", default=False)
    published_by = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["published", "published_at"], name="notice_published")]

    def __str__(self) -> str:
        return self.title


class Referral(models.Model):
    """移送纪检监察: a clue of officer misconduct with its evidence; discipline records receipt."""

    matter = models.ForeignKey(SupervisionMatter, on_delete=models.PROTECT, related_name="referrals")
    agency = models.ForeignKey("registry.Agency", verbose_name="涉及机关", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="referrals")
    officers = models.ManyToManyField("registry.Officer", verbose_name="涉及执法人员", blank=True,
                                      related_name="referrals")
    alerts = models.ManyToManyField("alerts.Alert", verbose_name="关联预警", blank=True,
                                    related_name="referrals")
    clue = models.TextField("问题线索")
    evidence = models.TextField("证据说明", blank=True)
    referred_by = models.CharField(max_length=150)
    referred_at = models.DateTimeField("移送时间", db_index=True)
    received_by = models.CharField(max_length=150, blank=True)
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    receipt_note = models.TextField("接收说明", blank=True)

    class Meta:
        verbose_name = "移送纪检监察"
        verbose_name_plural = "移送纪检监察"
        ordering = ["-referred_at", "-id"]

    def __str__(self) -> str:
        return f"移送 {self.pk}"
