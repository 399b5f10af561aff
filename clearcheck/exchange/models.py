"""Import jobs: one row per uploaded spreadsheet, with its counts and its row-level error report."""

import json

from django.db import models

from .choices import ImportKind, ImportMode, ImportStatus


class ImportJob(models.Model):
    """One import of one file. The file itself stays in the content-addressed store (``stored_path``).

    Not unique by file: the same file may be imported again, which changes nothing the second time.
    """

    kind = models.CharField("导入类型", max_length=16, choices=ImportKind.choices)
    filename = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64, db_index=True)
    file_size = models.BigIntegerField("文件大小(字节)", default=0)
    stored_path = models.CharField("存储位置", max_length=255, help_text="relative to MEDIA_ROOT")
    mode = models.CharField("导入方式", max_length=16, choices=ImportMode.choices, default=ImportMode.ALL_OR_NOTHING)
    status = models.CharField("结果", max_length=24, choices=ImportStatus.choices)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_created = models.PositiveIntegerField("新增", default=0)
    rows_updated = models.PositiveIntegerField("更新", default=0)
    rows_unchanged = models.PositiveIntegerField("未变化", default=0)
    rows_failed = models.PositiveIntegerField("有错误的行", default=0)
    errors = models.TextField("错误明细", default="[]", help_text="canonical JSON list of {line, field, message}")
    actor_id = models.BigIntegerField("操作人 ID", null=True, blank=True)
    actor_label = models.CharField("操作人", max_length=150)
    agency = models.ForeignKey(
        "registry.Agency", verbose_name="所属机关", null=True, blank=True, on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    duration_ms = models.PositiveIntegerField("耗时(毫秒)", default=0)
    created_at = models.DateTimeField("导入时间", db_index=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename} ({self.get_status_display()})"

    @property
    def error_list(self) -> list[dict]:
        """The error report as a list of ``{"line", "field", "message"}``."""
        return json.loads(self.errors or "[]")

    def counts(self) -> dict:
        """The row counts, as recorded in the audit event."""
        return {
            "total": self.rows_total,
            "created": self.rows_created,
            "updated": self.rows_updated,
            "unchanged": self.rows_unchanged,
            "failed": self.rows_failed,
        }
