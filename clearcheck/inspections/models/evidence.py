"""Evidence (R18): files stored content-addressed by SHA-256 with capture time, place, who captured them
and what they prove; large files arrive in resumable chunks (``EvidenceUpload``).
"""

import uuid

from django.db import models

from ..choices import EvidenceKind, EvidenceOrigin, UploadStatus


class Evidence(models.Model):
    """One file of evidence of a visit. The bytes live in the blob store under ``sha256`` and are never
    overwritten; reading them re-hashes and refuses a corrupted file.

    ``covers_from``/``covers_to``: for audio and video, the span of the visit the recording covers (R17).
    """

    visit = models.ForeignKey("inspections.Visit", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("证据类型", max_length=16, choices=EvidenceKind.choices)
    origin = models.CharField("来源", max_length=16, choices=EvidenceOrigin.choices, default=EvidenceOrigin.CAPTURED)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("大小(字节)")
    content_type = models.CharField("内容类型", max_length=100)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    captured_at = models.DateTimeField("采集时间")
    # None (both): the phone gave no position and the uploader stated so (采集时未取得位置); never a stand-in.
    latitude = models.DecimalField("纬度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    captured_by = models.ForeignKey("registry.Officer", verbose_name="采集人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="evidence_captured")
    captured_by_name = models.CharField("采集人姓名", max_length=64)
    proves = models.TextField("证明事项")
    covers_from = models.DateTimeField("录制开始", null=True, blank=True)
    covers_to = models.DateTimeField("录制结束", null=True, blank=True)
    uploaded_by = models.CharField("上传人", max_length=150)
    uploaded_at = models.DateTimeField("上传时间")
    # A mistaken upload (wrong file, wrong visit) is withdrawn, never deleted: the file and its hash stay,
    # marked, and no longer count as evidence of the visit (R17 coverage, the record's evidence list).
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.CharField("撤回人", max_length=150, blank=True)
    withdrawn_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        ordering = ["visit", "captured_at", "id"]
        indexes = [models.Index(fields=["visit", "kind"], name="evidence_visit_kind")]

    def __str__(self) -> str:
        return f"证据 #{self.pk}"


class EvidenceUpload(models.Model):
    """A resumable chunked upload (like tus): the client declares size, SHA-256 and the evidence metadata,
    then sends chunks at offsets; ``received`` is how far it got, so a dropped connection resumes there.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey("inspections.Visit", on_delete=models.PROTECT, related_name="uploads")
    created_by_user_id = models.PositiveIntegerField()
    declared_size = models.BigIntegerField()
    declared_sha256 = models.CharField(max_length=64)
    received = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, help_text="the evidence fields, checked when the upload starts")
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVING)
    evidence = models.OneToOneField(Evidence, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="upload")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "分片上传"
        verbose_name_plural = "分片上传"
        indexes = [models.Index(fields=["status", "updated_at"], name="upload_status_updated")]
