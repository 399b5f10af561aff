"""Published lists (清单之外无检查): inspection items, list versions, standards, checklists, no-penalty lists.

Published rows are immutable: a change is a withdrawal plus a new row, or a new version. Every
list publication is a ``PublishedList`` whose snapshot is canonical JSON text with its SHA-256,
so a version once published reads the same forever.
"""

from django.db import models
from django.db.models import Q

from .choices import ItemCategory, ItemStatus, ListKind, NoPenaltyKind, SpecialSector, VersionStatus


class InspectionItem(models.Model):
    """An inspection item (检查事项) of one agency.

    States (``workflows.ITEM``)::

        draft ──publish──► published ──withdraw──► withdrawn
          └────────────discard (withdraw)────────────┘

    A draft is editable; a published item never changes (withdraw it and add a new one).
    Only published items may be inspected (R02). ``licensing_onsite_allowed`` needs a recorded
    ``licensing_onsite_basis`` (R03); ``single_officer_basis`` is the legal basis R14 reads.
    """

    agency = models.ForeignKey(
        "registry.Agency", verbose_name="检查主体", on_delete=models.PROTECT, related_name="inspection_items"
    )
    code = models.CharField("事项编码", max_length=32)
    name = models.CharField("事项名称", max_length=200)
    legal_basis = models.TextField("设定依据")
    object_scope = models.TextField("检查对象")
    method = models.CharField("检查方式", max_length=200)
    category = models.CharField("事项类别", max_length=16, choices=ItemCategory.choices, default=ItemCategory.GENERAL)
    annual_cap = models.PositiveIntegerField("年度检查频次上限", null=True, blank=True)
    licensing_onsite_allowed = models.BooleanField("许可/给付可设现场检查", default=False)
    licensing_onsite_basis = models.TextField("许可/给付现场检查依据", blank=True)
    single_officer_basis = models.TextField("一人检查的法定依据", blank=True)
    special_sector = models.CharField(
        "特殊重点领域", max_length=16, choices=SpecialSector.choices, blank=True,
        help_text="R24: routine inspections of such items need no double-random draw",
    )
    status = models.CharField("状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检查事项"
        verbose_name_plural = "检查事项"
        ordering = ["agency_id", "code", "id"]
        constraints = [
            # A code names one live item of an agency; a withdrawn item frees its code for the replacement.
            models.UniqueConstraint(
                fields=["agency", "code"], condition=~Q(status="withdrawn"), name="item_code_unique_live"
            ),
            models.CheckConstraint(
                condition=Q(annual_cap__isnull=True) | Q(annual_cap__gte=1), name="item_annual_cap_positive"
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"], name="item_agency_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PublishedList(models.Model):
    """One published version of an agency's item list or no-penalty list; never changed once written."""

    agency = models.ForeignKey(
        "registry.Agency", verbose_name="检查主体", on_delete=models.PROTECT, related_name="published_lists"
    )
    kind = models.CharField("清单类别", max_length=16, choices=ListKind.choices)
    number = models.PositiveIntegerField("版本号")
    snapshot = models.TextField(help_text="canonical JSON (RFC 8785) of the list in this version")
    sha256 = models.CharField(max_length=64)
    reason = models.TextField("发布理由")
    published_by = models.CharField("发布人", max_length=150)
    published_at = models.DateTimeField("发布时间")

    class Meta:
        verbose_name = "清单版本"
        verbose_name_plural = "清单版本"
        ordering = ["agency_id", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "number"], name="published_list_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.number}版"


class Standard(models.Model):
    """An inspection standard (检查标准), versioned per agency and code.

    States (``workflows.STANDARD``): draft ──publish──► published ──(next version published)──► superseded.
    """

    agency = models.ForeignKey("registry.Agency", verbose_name="制定机关", on_delete=models.PROTECT,
                               related_name="standards")
    code = models.CharField("标准编码", max_length=32)
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("标准名称", max_length=200)
    content = models.TextField("标准内容")
    status = models.CharField("状态", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.CharField("发布人", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检查标准"
        verbose_name_plural = "检查标准"
        ordering = ["agency_id", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code", "version"], name="standard_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.title}"


class Checklist(models.Model):
    """An inspection checklist (检查表单), one row per version.

    States (``workflows.CHECKLIST``)::

        draft ──publish──► published ──(version n+1 published)──► superseded

    A published version never changes; on-site records point at its exact row id (R04).
    Entries may use items of several agencies: an integrated checklist (一表通查).
    """

    agency = models.ForeignKey("registry.Agency", verbose_name="制定机关", on_delete=models.PROTECT,
                               related_name="checklists")
    code = models.CharField("表单编码", max_length=32)
    version = models.PositiveIntegerField("版本", default=1)
    name = models.CharField("表单名称", max_length=200)
    object_type = models.CharField("检查对象类型", max_length=200)
    status = models.CharField("状态", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    previous = models.ForeignKey("self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="next_versions")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.CharField("发布人", max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "检查表单"
        verbose_name_plural = "检查表单"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_version_unique")]
        indexes = [models.Index(fields=["agency", "status"], name="checklist_agency_status")]

    def __str__(self) -> str:
        return f"{self.name}(v{self.version})"


class ChecklistEntry(models.Model):
    """One line of a checklist: the item checked, what is checked, and the standard it is judged by."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveIntegerField("序号")
    item = models.ForeignKey(InspectionItem, verbose_name="检查事项", on_delete=models.PROTECT,
                             related_name="checklist_entries")
    content = models.TextField("检查内容")
    standard = models.ForeignKey(Standard, verbose_name="检查标准", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="checklist_entries")
    standard_text = models.TextField("检查标准说明", blank=True)

    class Meta:
        verbose_name = "检查表单条目"
        verbose_name_plural = "检查表单条目"
        ordering = ["checklist_id", "order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "order"], name="checklist_entry_order_unique")]

    def __str__(self) -> str:
        return f"{self.checklist_id}#{self.order}"


class NoPenaltyEntry(models.Model):
    """An entry of an agency's no-penalty list (免罚清单): 首违不罚 or 轻微不罚.

    《行政处罚法》第三十三条 also exempts a party without subjective fault (无主观过错不罚); that ground
    applies by law and needs no list, so it has no entry here. States as ``InspectionItem``
    (``workflows.NO_PENALTY``); published and versioned through ``PublishedList(kind=no_penalty)``.
    """

    agency = models.ForeignKey("registry.Agency", verbose_name="检查主体", on_delete=models.PROTECT,
                               related_name="no_penalty_entries")
    kind = models.CharField("免罚类型", max_length=16, choices=NoPenaltyKind.choices)
    title = models.CharField("违法行为", max_length=300)
    legal_basis = models.TextField("法律依据")
    conditions = models.TextField("适用条件")
    status = models.CharField("状态", max_length=16, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "免罚清单事项"
        verbose_name_plural = "免罚清单事项"
        ordering = ["agency_id", "kind", "id"]
        indexes = [models.Index(fields=["agency", "status"], name="no_penalty_agency_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}:{self.title}"
