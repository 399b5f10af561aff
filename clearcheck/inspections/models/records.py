"""On-site records (现场检查笔录, R16, R17): per checklist entry a result, the findings, the enterprise's
opinion (or its refusal to give one) and the signatures (or refusals to sign).
"""

import json

from django.db import models
from django.db.models import Q

from clearcheck.planning.rules import LimitLine

from ..choices import EntryResult, RecordStatus, RecusalAnswer, SignerKind


class OnSiteRecord(models.Model):
    """The record of one visit; it closes only when complete (R16) and, for an R17 task, covered by
    audio/video evidence from check-in to close or with a stated reason why not (then an alert).

    ``frequency_limits`` keeps, as canonical JSON, the limit lines the record shows (R21: the tier cap of
    each agency of the visit and the own yearly frequency of each item with one, with this year's counts,
    ``planning.selectors.limits``), taken when the record is created: a record is a legal document, so its
    figures never move afterwards. ``frequency_count`` / ``frequency_cap`` repeat the visit agency's tier
    line (places counted, tier cap). Records made before ``frequency_limits`` existed keep it empty and
    show ``frequency_count`` / ``frequency_cap`` as they were signed.
    """

    visit = models.OneToOneField("inspections.Visit", on_delete=models.PROTECT, related_name="record")
    status = models.CharField("状态", max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFTING)
    place = models.CharField("检查地点", max_length=255, blank=True)
    recorder = models.ForeignKey("registry.Officer", verbose_name="记录人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="records_kept")
    findings_summary = models.TextField("检查情况", blank=True)
    enterprise_representative = models.CharField("企业在场人员", max_length=64, blank=True)
    representative_title = models.CharField("职务", max_length=64, blank=True)
    enterprise_opinion = models.TextField("企业意见", blank=True)
    opinion_refused = models.BooleanField("企业拒绝发表意见", default=False)
    # What the officers confirmed as steps of the record (告知事项); the record prints only what was confirmed.
    credentials_shown = models.BooleanField("已出示行政执法证件", default=False)
    rights_told = models.BooleanField("已告知检查依据、事项和企业权利", default=False)
    recusal_answer = models.CharField("被检查单位是否申请回避", max_length=8, blank=True,
                                      choices=RecusalAnswer.choices)
    av_required = models.BooleanField("须全过程音像记录", default=False)
    av_missing_reason = models.TextField("未能全过程音像记录的理由", blank=True)
    frequency_count = models.PositiveIntegerField("本年度检查次数", default=0)
    frequency_cap = models.PositiveIntegerField("年度频次上限", null=True, blank=True)
    frequency_limits = models.TextField(
        "年度频次上限及计入次数", blank=True, default="",
        help_text="canonical JSON list of the limit lines shown when the record was created (R21)",
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.CharField("结束人", max_length=150, blank=True)

    class Meta:
        verbose_name = "现场检查笔录"
        verbose_name_plural = "现场检查笔录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"现场检查笔录 #{self.pk}"

    @property
    def limit_lines(self) -> list | None:
        """The limit lines kept when the record was created (``LimitLine``), or None for an older record."""
        if not self.frequency_limits:
            return None
        return [LimitLine.from_dict(data) for data in json.loads(self.frequency_limits)]

    @property
    def limits_several_agencies(self) -> bool:
        """Whether the kept lines are of more than one agency (a joint inspection: each names its agency)."""
        return len({line.agency_id for line in self.limit_lines or ()}) > 1


class RecordEntry(models.Model):
    """One checklist entry checked on site (copied from the checklist when the record is created, or, on a
    re-check, from the failed entries of the finding it re-checks).
    """

    record = models.ForeignKey(OnSiteRecord, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveIntegerField("序号")
    checklist_entry = models.ForeignKey("catalog.ChecklistEntry", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="record_entries")
    item = models.ForeignKey("catalog.InspectionItem", verbose_name="检查事项", on_delete=models.PROTECT,
                             related_name="record_entries")
    content = models.TextField("检查内容")
    standard_text = models.TextField("检查标准", blank=True)
    rechecks = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="rechecked_by", help_text="the failed entry this one re-checks")
    result = models.CharField("检查结果", max_length=16, choices=EntryResult.choices, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey("registry.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="record_entries")
    recorded_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField("inspections.Evidence", blank=True, related_name="record_entries")

    class Meta:
        verbose_name = "检查内容记录"
        verbose_name_plural = "检查内容记录"
        ordering = ["record", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "order"], name="record_entry_order")]


class Signature(models.Model):
    """A signature on a record: an officer's, or the enterprise representative's drawn signature (PNG,
    stored content-addressed like evidence), or the recorded refusal to sign.
    """

    record = models.ForeignKey(OnSiteRecord, on_delete=models.CASCADE, related_name="signatures")
    signer_kind = models.CharField("签名人类别", max_length=16, choices=SignerKind.choices)
    officer = models.ForeignKey("registry.Officer", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="signatures")
    signer_name = models.CharField("签名人", max_length=64)
    image_sha256 = models.CharField("签名图像 SHA-256", max_length=64, blank=True)
    refused = models.BooleanField("拒绝签名", default=False)
    refusal_note = models.TextField("拒签情况", blank=True)
    signed_at = models.DateTimeField("签名时间")

    class Meta:
        verbose_name = "签名"
        verbose_name_plural = "签名"
        ordering = ["record", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "officer"], condition=Q(signer_kind="officer"),
                                    name="signature_officer_once"),
            models.UniqueConstraint(fields=["record"], condition=Q(signer_kind="enterprise"),
                                    name="signature_enterprise_once"),
        ]
