"""Industry handbooks (一业一册, clause 六(十六)): one per industry, in immutable published versions.

A handbook tells the enterprises of one industry what licences, inspections, penalties, no-penalty
lists and credit repair apply to them. Sections are plain text (rendered with line breaks, never as
HTML); the inspection section links published catalog items and the no-penalty section published
no-penalty entries. Publishing freezes a version and stores its canonical snapshot and SHA-256, so a
published version shows exactly what it said even after an item is withdrawn.
"""

from django.db import models
from django.db.models import Q

from .choices import HandbookStatus

SECTION_FIELDS = ("summary", "licences", "inspection_notes", "penalties", "no_penalty_notes", "credit_repair")


class Handbook(models.Model):
    """The handbook of one industry (GB/T 4754 class); its content lives in ``versions``."""

    industry = models.OneToOneField("registry.Industry", verbose_name="行业", on_delete=models.PROTECT,
                                    related_name="handbook")
    slug = models.SlugField("网址标识", max_length=64, unique=True)
    title = models.CharField("名称", max_length=200)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "一业一册"
        verbose_name_plural = "一业一册"
        ordering = ["industry_id"]

    def __str__(self) -> str:
        return self.title


class HandbookVersion(models.Model):
    """One version of a handbook.

    States (``workflows.HANDBOOK_VERSION``)::

        draft ──publish (bureau)──► published ──(next version published)──► superseded

    Only a draft may be edited (by the bureau or an agency admin); at most one draft per handbook.
    """

    handbook = models.ForeignKey(Handbook, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=16, choices=HandbookStatus.choices, default=HandbookStatus.DRAFT)
    summary = models.TextField("概述", blank=True)
    licences = models.TextField("行政许可", blank=True)
    inspection_notes = models.TextField("行政检查说明", blank=True)
    penalties = models.TextField("常见违法行为与处罚依据", blank=True)
    no_penalty_notes = models.TextField("免罚说明", blank=True)
    credit_repair = models.TextField("信用修复", blank=True)
    change_note = models.TextField("修订说明", blank=True)
    items = models.ManyToManyField("catalog.InspectionItem", verbose_name="检查事项", blank=True,
                                   related_name="handbook_versions")
    no_penalty_entries = models.ManyToManyField("catalog.NoPenaltyEntry", verbose_name="免罚清单事项", blank=True,
                                                related_name="handbook_versions")
    snapshot = models.TextField(blank=True, help_text="canonical JSON (RFC 8785) of the version, set on publish")
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    updated_by = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "一业一册版本"
        verbose_name_plural = "一业一册版本"
        ordering = ["handbook_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["handbook", "number"], name="handbook_version_unique"),
            # One draft at a time, on either database (two editors never fork a handbook).
            models.UniqueConstraint(fields=["handbook"], condition=Q(status=HandbookStatus.DRAFT),
                                    name="handbook_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.handbook_id} v{self.number}"
