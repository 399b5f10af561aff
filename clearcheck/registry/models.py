"""Registries: reference codes, agencies with their versions and published list, officers, enterprises."""

from django.db import models
from django.db.models import F, Q

from .choices import (
    RECUSAL_OPEN,
    AgencyKind,
    AgencyListStatus,
    AgencyStatus,
    CredentialStatus,
    Datum,
    EnterpriseStatus,
    EntityType,
    IndustryLevel,
    PersonnelType,
    RecusalStatus,
    RegionLevel,
)


class Region(models.Model):
    """An administrative division (GB/T 2260), loaded by a data migration."""

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """An industry class (GB/T 4754-2017), loaded by a data migration."""

    code = models.CharField("行业代码", max_length=5, primary_key=True)
    name = models.CharField("名称", max_length=128)
    level = models.CharField("级别", max_length=16, choices=IndustryLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Agency(models.Model):
    """An inspection body (行政检查主体, R01). ``listed`` is true while the published agency list names it."""

    code = models.CharField("主体编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128, unique=True)
    kind = models.CharField("主体类别", max_length=32, choices=AgencyKind.choices)
    legal_basis = models.TextField("法定依据")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name="上级机关", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    status = models.CharField("状态", max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE)
    listed = models.BooleanField("已公布", default=False)
    register_authorities = models.CharField(
        "所管企业登记", max_length=16, blank=True,
        help_text="RegisterAuthority codes (USCC first character) of the registers this agency keeps; their "
                  "entities' registered data are this agency's to change (ADR 0018)",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "行政检查主体"
        verbose_name_plural = "行政检查主体"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AgencyVersion(models.Model):
    """Every change to an agency, with who, when and why (R01)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.TextField(help_text="canonical JSON of the agency after the change")
    reason = models.TextField("变更理由")
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "主体变更版本"
        verbose_name_plural = "主体变更版本"
        ordering = ["agency_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="agency_version_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} v{self.number}"


class AgencyList(models.Model):
    """A version of the county's agency list: bureau review, county-government approval, publication."""

    number = models.PositiveIntegerField("版本号", unique=True)
    status = models.CharField("状态", max_length=16, choices=AgencyListStatus.choices, default=AgencyListStatus.DRAFT)
    snapshot = models.TextField(help_text="canonical JSON list of the agencies this version confirms")
    sha256 = models.CharField(max_length=64)
    note = models.TextField("说明", blank=True)
    drafted_by = models.CharField(max_length=150)
    drafted_at = models.DateTimeField()
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.CharField(max_length=150, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "行政检查主体清单"
        verbose_name_plural = "行政检查主体清单"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"主体清单第{self.number}版"


class Officer(models.Model):
    """A person of an agency who may hold an enforcement credential (执法证)."""

    agency = models.ForeignKey(Agency, verbose_name="所属机关", on_delete=models.PROTECT, related_name="officers")
    name = models.CharField("姓名", max_length=64)
    credential_no = models.CharField("执法证号", max_length=32, unique=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    status = models.CharField("证件状态", max_length=16, choices=CredentialStatus.choices, default=CredentialStatus.VALID)
    personnel_type = models.CharField(
        "人员类别", max_length=16, choices=PersonnelType.choices, default=PersonnelType.ENFORCEMENT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "执法人员"
        verbose_name_plural = "执法人员"
        ordering = ["agency_id", "credential_no"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="officer_validity_order"),
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.credential_no})"


class Enterprise(models.Model):
    """A market entity keyed by its USCC (GB 32100-2015). Coordinates are WGS-84."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200, db_index=True)
    entity_type = models.CharField("主体类型", max_length=32, choices=EntityType.choices)
    legal_representative = models.CharField("法定代表人/经营者", max_length=64, blank=True)
    address = models.CharField("住所", max_length=255, blank=True)
    # Indexed by the composite (region, industry) and the industry index below, not once more each.
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, db_index=False)
    industry = models.ForeignKey(Industry, verbose_name="所属行业", on_delete=models.PROTECT, db_index=False)
    latitude = models.DecimalField("纬度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度(WGS-84)", max_digits=9, decimal_places=6, null=True, blank=True)
    coordinate_datum = models.CharField("坐标来源基准", max_length=8, choices=Datum.choices, blank=True)
    status = models.CharField("登记状态", max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["region", "industry"], name="enterprise_region_industry"),
            models.Index(fields=["industry"], name="enterprise_industry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="enterprise_lat_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="enterprise_lng_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseCode(models.Model):
    """One version of an enterprise's code (一企一码). A reissue adds a version; older versions stay
    valid until revoked (R11: officers scan it to enter).
    """

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="codes")
    version = models.PositiveIntegerField("版本")
    reason = models.TextField("签发理由", blank=True)
    issued_at = models.DateTimeField("签发时间")
    issued_by = models.CharField("签发人", max_length=150)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    revoked_by = models.CharField("作废人", max_length=150, blank=True)
    revoke_reason = models.TextField("作废理由", blank=True)

    class Meta:
        verbose_name = "企业码"
        verbose_name_plural = "企业码"
        ordering = ["enterprise_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "version"], name="enterprise_code_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} 企业码 v{self.version}"

    @property
    def is_current(self) -> bool:
        """Whether this version still opens the door (not revoked)."""
        return self.revoked_at is None


class EnterpriseNote(models.Model):
    """An agency's own note on an enterprise (本机关备注): what it knows that is not registered data, e.g. a
    site contact, a gate to use, or a registered fact it believes wrong (for the register's keeper or the
    bureau to correct). Seen by the agency that wrote it and by the bureau; never by the enterprise or the
    public. Notes are kept, not edited (ADR 0018).
    """

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT, related_name="notes")
    agency = models.ForeignKey(Agency, verbose_name="记录机关", on_delete=models.PROTECT, related_name="enterprise_notes")
    text = models.TextField("备注")
    correction_requested = models.BooleanField("建议更正登记信息", default=False)
    created_by = models.CharField("记录人", max_length=150)
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "企业备注"
        verbose_name_plural = "企业备注"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "agency", "-created_at"], name="enterprise_note_by_agency")]

    def __str__(self) -> str:
        return f"{self.agency_id} 对企业 {self.enterprise_id} 的备注"


class RecusalRequest(models.Model):
    """An enterprise's request that an officer be excluded (R13); a granted request is the recusal.

    States (``workflows.RECUSAL``)::

        pending ──grant (agency head, with reasons)──► granted
                └─refuse (agency head, with reasons)─► refused

    ``notified_at`` is when the result reached the enterprise (it reads it on its recusal page).
    """

    # The audit chain first recorded these under inspections (ADR 0021); one subject keeps one name.
    audit_subject_type = "inspections.recusalrequest"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="申请企业", on_delete=models.PROTECT, related_name="recusal_requests"
    )
    officer = models.ForeignKey(
        Officer, verbose_name="申请回避的执法人员", on_delete=models.PROTECT, related_name="recusal_requests"
    )
    agency = models.ForeignKey(
        Agency, verbose_name="所属机关", on_delete=models.PROTECT, related_name="recusal_requests"
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
        # The table keeps the name it was created with in inspections (ADR 0021): no row moved.
        db_table = "inspections_recusalrequest"
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
