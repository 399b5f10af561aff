"""Pools (检查对象库 / 执法人员库), draws (双随机抽取) with their teams and picks.

A draw freezes its pool as a canonical frame (stored content-addressed: the blob's address is the
frame hash), publishes a commitment to a secret the agency keeps, mixes in a public value nobody
knew at commit time, and selects by ``algorithm.py``. See ``docs/draws.md``.
"""

from django.db import models
from django.db.models import Q

from .choices import DrawStatus, PublicKind, SampleMode, Stratify


class Pool(models.Model):
    """An agency's pools, defined by filters over the registries (always current; frozen by a draw).

    ``filters``: ``regions`` and ``industries`` (codes, descendants included), ``entity_types``,
    ``tiers`` (codes in the agency's scheme), ``exclude_special_sectors``. The officer pool is the
    agency's qualified officers, or only ``officers`` when some are listed.
    """

    agency = models.ForeignKey("registry.Agency", verbose_name="所属机关", on_delete=models.PROTECT,
                               related_name="pools")
    name = models.CharField("名称", max_length=100)
    filters = models.JSONField("筛选条件", default=dict)
    officers = models.ManyToManyField("registry.Officer", verbose_name="限定执法人员", blank=True,
                                      related_name="pools")
    note = models.TextField("说明", blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "抽查对象库"
        verbose_name_plural = "抽查对象库"
        ordering = ["agency_id", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="pool_name_unique")]

    def __str__(self) -> str:
        return self.name


class Draw(models.Model):
    """One double-random draw (alone, or joint: one pool per participating agency).

    States (``workflows.DRAW``)::

        draft ──commit (frame hash + commitment published)──► committed
              ──select (secret + public value)──► selected ──reveal (after the window, secret)──► revealed
        draft / committed ──cancel──► cancelled
    """

    agency = models.ForeignKey("registry.Agency", verbose_name="牵头机关", on_delete=models.PROTECT,
                               related_name="draws")
    pools = models.ManyToManyField(Pool, verbose_name="抽查对象库", related_name="draws")
    items = models.ManyToManyField("catalog.InspectionItem", verbose_name="抽查事项", related_name="draws")
    title = models.CharField("抽查名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    window_start = models.DateField("检查开始日期")
    window_end = models.DateField("检查结束日期")
    stratify = models.CharField("分层", max_length=8, choices=Stratify.choices, default=Stratify.TIER)
    sample_mode = models.CharField("抽取方式", max_length=8, choices=SampleMode.choices, default=SampleMode.RATIO)
    sample = models.JSONField("抽取数量或比例", default=dict,
                              help_text='{"A": "0.02", …} for ratio, {"ALL": 20} for count')
    team_size = models.PositiveSmallIntegerField("每组人数", default=2)
    max_per_team = models.PositiveIntegerField("每组最多分配企业数", default=10)
    public_kind = models.CharField("公开随机数类型", max_length=8, choices=PublicKind.choices,
                                   default=PublicKind.KENO)
    public_source = models.CharField("公开随机数来源", max_length=200,
                                     help_text="e.g. 中国福利彩票快乐8 第2026318期")
    status = models.CharField("状态", max_length=12, choices=DrawStatus.choices, default=DrawStatus.DRAFT)
    parameters = models.JSONField("参数", null=True, blank=True, help_text="frozen at commit (algorithm input)")
    parameters_sha256 = models.CharField("参数哈希", max_length=64, blank=True,
                                         help_text="SHA-256 of the canonical parameters, published at commit")
    frame_sha256 = models.CharField("框架哈希", max_length=64, blank=True)
    frame_enterprises = models.PositiveIntegerField("框架企业数", default=0)
    frame_officers = models.PositiveIntegerField("框架执法人员数", default=0)
    frame_exclusions = models.PositiveIntegerField("回避与轮换限制数", default=0)
    excluded_at_cap = models.PositiveIntegerField("已达频次上限未入库企业数", default=0)
    excluded_unstaffed = models.PositiveIntegerField(
        "因回避、轮换无法组队未入库企业数", default=0,
        help_text="enterprises some agency cannot staff with team_size officers free of their exclusions",
    )
    frame_pseudonyms = models.PositiveIntegerField(
        "以化名列入框架的个体工商户数", default=0, help_text="individual businesses in the frame under a pseudonym")
    pseudonyms_sha256 = models.CharField(
        "化名对照表哈希", max_length=64, blank=True,
        help_text="address of the private pseudonym → USCC map in the blob store (never published; ADR 0017)")
    commitment = models.CharField("承诺值", max_length=64, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.CharField(max_length=150, blank=True)
    public_value = models.CharField("公开随机数", max_length=200, blank=True)
    seed = models.CharField("种子", max_length=64, blank=True, help_text="kept from the public until reveal")
    selected_at = models.DateTimeField(null=True, blank=True)
    selected_by = models.CharField(max_length=150, blank=True)
    secret = models.CharField("密钥", max_length=64, blank=True, help_text="entered at reveal; published then")
    revealed_at = models.DateTimeField(null=True, blank=True)
    revealed_by = models.CharField(max_length=150, blank=True)
    tasks_created_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField("作废理由", blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "双随机抽取"
        verbose_name_plural = "双随机抽取"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "window_end"], name="draw_status_window")]
        constraints = [
            models.CheckConstraint(condition=Q(window_end__gte=models.F("window_start")), name="draw_window_order"),
            models.CheckConstraint(condition=Q(team_size__gte=2), name="draw_team_size_min"),
            # R24: a public value serves one committed draw, ever. Were a cancelled draw's value free again, the
            # agency, knowing it by then, could commit a new draw and grind its secret until it liked the result.
            models.UniqueConstraint(fields=["public_source"], condition=Q(committed_at__isnull=False),
                                    name="draw_public_source_unique"),
        ]

    def __str__(self) -> str:
        return f"抽取 #{self.pk} {self.title}"

    @property
    def is_joint(self) -> bool:
        """Several agencies draw together (联合抽查)."""
        return bool(self.parameters and len(self.parameters.get("agencies", [])) > 1)


class DrawTeam(models.Model):
    """One officer team of a draw (its number in the algorithm's output, from 1)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveIntegerField("组号")
    officers = models.ManyToManyField("registry.Officer", through="DrawTeamMember", related_name="draw_teams")

    class Meta:
        verbose_name = "检查组"
        verbose_name_plural = "检查组"
        ordering = ["draw_id", "number"]
        constraints = [models.UniqueConstraint(fields=["draw", "number"], name="draw_team_unique")]

    def __str__(self) -> str:
        return f"第 {self.number} 组"


class DrawTeamMember(models.Model):
    """An officer of a team, in the algorithm's order."""

    team = models.ForeignKey(DrawTeam, on_delete=models.CASCADE, related_name="members")
    officer = models.ForeignKey("registry.Officer", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["team_id", "position"]
        constraints = [models.UniqueConstraint(fields=["team", "officer"], name="draw_team_member_unique")]


class DrawPick(models.Model):
    """One selected enterprise: its frame entry, stratum, rank hash, team, and the tasks made from it."""

    # No database constraints on the pick's three references: picks are written only by
    # ``services.picks.outcome_store``, by one INSERT … SELECT inside the select's transaction, which holds
    # the draw's row lock, has just created the draw's teams and joins the registry by USCC, so every id is
    # valid when written; draws, teams and enterprises are never deleted, and Django still applies CASCADE
    # and PROTECT. PostgreSQL's deferred checks of 50,000 picks, each locking its referenced row, cost
    # 2.2 s (enterprise) and 0.5–0.9 s (draw and team) at COMMIT (performance §5).
    # No index of its own on draw either: (draw, position) and (draw, enterprise) lead with it.
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="picks", db_constraint=False,
                             db_index=False)
    position = models.PositiveIntegerField("序号", help_text="1 = smallest rank hash")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="draw_picks",
                                   db_constraint=False)
    uscc = models.CharField(max_length=18)
    entry = models.CharField("框架条目", max_length=40,
                             help_text="the enterprise's entry in the frame: its USCC, or its pseudonym (ADR 0017)")
    stratum = models.CharField("层", max_length=8)
    rank = models.CharField("排序哈希", max_length=64)
    team = models.ForeignKey(DrawTeam, on_delete=models.PROTECT, related_name="picks", db_constraint=False)
    tasks = models.ManyToManyField("planning.InspectionTask", blank=True, related_name="draw_picks",
                                   help_text="one per participating agency (a joint draw's tasks share a joint inspection)")

    class Meta:
        verbose_name = "抽中企业"
        verbose_name_plural = "抽中企业"
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="draw_pick_position_unique"),
            models.UniqueConstraint(fields=["draw", "enterprise"], name="draw_pick_enterprise_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} → 第 {self.team_id} 组"
