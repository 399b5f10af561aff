"""Dashboard rollups (ADR 0014): visit counts folded incrementally by ``rollups_fold``.

Check-ins never touch these tables: a fold job reads visits past a floor id and adds them here, and a
panel adds the unfolded tail (visits from the floor on) read live. Only the fold locks the watermark.
"""

from django.db import models


class RollupWatermark(models.Model):
    """How far the fold has gone: every visit with ``id < floor_id`` is final and folded (if it counts).

    Visits at or past the floor that are already folded have a ``RollupFoldedVisit`` marker.
    ``generation`` grows with every fold that changed something: a panel that reads it before and after
    its queries and sees the same value read a consistent rollup + tail.
    """

    name = models.CharField(max_length=32, unique=True)
    floor_id = models.BigIntegerField(default=1)
    generation = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "汇总水位"
        verbose_name_plural = "汇总水位"

    def __str__(self) -> str:
        return f"{self.name}: floor {self.floor_id} gen {self.generation}"


class RollupFoldedVisit(models.Model):
    """A visit at or past the floor that is already folded (so a second fold skips it)."""

    visit_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = "已汇总入企记录"
        verbose_name_plural = "已汇总入企记录"

    def __str__(self) -> str:
        return str(self.visit_id)


class _MonthDims(models.Model):
    """The dimensions every monthly rollup shares (month in Asia/Shanghai of ``opened_at``)."""

    month = models.DateField("月份", help_text="first day of the month, Asia/Shanghai")
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    source = models.CharField("任务来源", max_length=32)
    joint = models.BooleanField("联合检查")
    drawn = models.BooleanField("双随机抽取")
    entry_method = models.CharField("入企方式", max_length=16)
    visits = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0, help_text="hours hosted × 3600 (closed visits)")

    class Meta:
        abstract = True


class VisitMonthRollup(_MonthDims):
    """Coarse grain (no region, industry, tier): what the unfiltered panels read."""

    class Meta:
        verbose_name = "月度检查汇总"
        verbose_name_plural = "月度检查汇总"
        constraints = [models.UniqueConstraint(
            fields=["month", "agency", "source", "joint", "drawn", "entry_method"], name="rollup_month_unique")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.source}: {self.visits}"


class VisitMonthDetailRollup(_MonthDims):
    """Finer grains for filtered panels. ``grain`` says which of region, industry section and tier the row
    keeps ("" in the others): ``region``, ``industry`` or ``tier`` alone (one filter: small slices), or
    ``all`` (any combination of filters).
    """

    grain = models.CharField(max_length=8)
    region = models.CharField("区划", max_length=6)
    industry = models.CharField("行业门类", max_length=5)
    tier = models.CharField("风险等级", max_length=8)

    class Meta:
        verbose_name = "月度检查明细汇总"
        verbose_name_plural = "月度检查明细汇总"
        constraints = [models.UniqueConstraint(
            fields=["grain", "month", "agency", "source", "joint", "drawn", "entry_method", "region", "industry", "tier"],
            name="rollup_month_detail_unique")]
        indexes = [
            models.Index(fields=["grain", "region", "month"], name="rollup_detail_region"),
            models.Index(fields=["grain", "industry", "month"], name="rollup_detail_industry"),
            models.Index(fields=["grain", "tier", "month"], name="rollup_detail_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.region}/{self.industry}/{self.tier}: {self.visits}"


class EnterpriseYearRollup(models.Model):
    """One enterprise's inspections in a year (all agencies): visits, hours, how many agencies."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=6)
    industry = models.CharField(max_length=5)
    visits = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)
    agencies = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "企业年度检查汇总"
        verbose_name_plural = "企业年度检查汇总"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="rollup_enterprise_year_unique")]
        indexes = [models.Index(fields=["year", "-visits", "enterprise"], name="rollup_enterprise_top"),
                   # The most-visited list filtered by region or industry section.
                   models.Index(fields=["year", "region", "-visits", "enterprise"], name="rollup_enterprise_top_region"),
                   models.Index(fields=["year", "industry", "-visits", "enterprise"],
                                name="rollup_enterprise_top_industry")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}: {self.visits}"


class EnterpriseAgencyYearRollup(models.Model):
    """One agency's inspections of one enterprise in a year ("distinct agencies" counts these rows)."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    year = models.PositiveSmallIntegerField()
    agency = models.ForeignKey("registry.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    region = models.CharField(max_length=6)
    industry = models.CharField(max_length=5)
    visits = models.BigIntegerField(default=0)
    seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "企业分机关年度检查汇总"
        verbose_name_plural = "企业分机关年度检查汇总"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "agency"],
                                               name="rollup_enterprise_agency_unique")]
        indexes = [models.Index(fields=["year", "agency", "-visits", "enterprise"], name="rollup_agency_top"),
                   models.Index(fields=["year", "agency", "region", "-visits", "enterprise"],
                                name="rollup_agency_top_region")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.year}/{self.agency_id}: {self.visits}"


class VisitsPerEnterpriseHistogram(models.Model):
    """How many enterprises had ``visits_n`` inspections in a year (``agency_key`` 0 = all agencies), per
    region and industry section, and in coarse rows with ``"*"`` in both (all places together).
    """

    year = models.PositiveSmallIntegerField()
    agency_key = models.BigIntegerField(help_text="agency id, or 0 for all agencies")
    region = models.CharField(max_length=6)
    industry = models.CharField(max_length=5)
    visits_n = models.PositiveIntegerField()
    enterprises = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "企业受检次数分布"
        verbose_name_plural = "企业受检次数分布"
        constraints = [models.UniqueConstraint(fields=["year", "agency_key", "region", "industry", "visits_n"],
                                               name="rollup_histogram_unique")]

    def __str__(self) -> str:
        return f"{self.year}/{self.agency_key} n={self.visits_n}: {self.enterprises}"


class EnterpriseCountRollup(models.Model):
    """How many registered enterprises each region and industry section has: the base of the distribution's
    0-visit bucket, instead of counting a million enterprises per panel.

    Refreshed in set-based SQL by the fold every few minutes and by the rebuild (``enterprise_counts.py``);
    it counts the enterprises with ``id`` below the ``enterprises`` watermark's floor, and a panel counts
    the ones registered since live (an id range).
    """

    region = models.CharField("区划", max_length=6)
    industry = models.CharField("行业门类", max_length=5)
    enterprises = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "企业数量汇总"
        verbose_name_plural = "企业数量汇总"
        constraints = [models.UniqueConstraint(fields=["region", "industry"], name="rollup_enterprise_count_unique")]

    def __str__(self) -> str:
        return f"{self.region}/{self.industry}: {self.enterprises}"
