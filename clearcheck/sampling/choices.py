"""Enumerations of draws: states, stratification, the public value's kind, exclusion reasons."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DrawStatus(models.TextChoices):
    """draft → committed → selected → revealed (``workflows.DRAW``); a draft or committed draw may be cancelled."""

    DRAFT = "draft", _("草稿")
    COMMITTED = "committed", _("已固化承诺")
    SELECTED = "selected", _("已抽取")
    REVEALED = "revealed", _("已公开")
    CANCELLED = "cancelled", _("已作废")


class Stratify(models.TextChoices):
    """How the pool is divided into strata: one stratum, or the lead agency's risk tiers."""

    NONE = "none", _("不分层")
    TIER = "tier", _("按风险等级分层")


class SampleMode(models.TextChoices):
    """A stated number of enterprises per stratum, or a ratio per stratum (from the tier scheme)."""

    COUNT = "count", _("按数量")
    RATIO = "ratio", _("按比例")


class PublicKind(models.TextChoices):
    """The public value mixed into the seed, unknown to anyone at commit time."""

    KENO = "keno", _("福彩快乐8开奖号码(约 62 位熵)")
    WITNESS = "witness", _("现场见证人抽取的随机数(较弱,见说明)")


class ExclusionReason(models.TextChoices):
    """Why an officer may not be given an enterprise."""

    RECUSED = "recused", _("已决定回避")
    ROTATION = "rotation", _("上次检查该企业(轮换)")


ALL_STRATUM = "ALL"
