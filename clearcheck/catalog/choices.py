"""Enumerations of the published lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemCategory(models.TextChoices):
    """Whether an item is a general or a key inspection item."""

    GENERAL = "general", _("一般检查事项")
    KEY = "key", _("重点检查事项")


class SpecialSector(models.TextChoices):
    """R24: items of a listed special sector (直接涉及公共安全和人民群众生命健康的特殊重点领域) need no draw."""

    PUBLIC_SAFETY = "public_safety", _("公共安全")
    LIFE_HEALTH = "life_health", _("人民群众生命健康")


class ItemStatus(models.TextChoices):
    """draft → published → withdrawn (a draft may also be discarded as withdrawn)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class VersionStatus(models.TextChoices):
    """Versioned documents (standards, checklists): draft → published → superseded."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


class ListKind(models.TextChoices):
    """The two kinds of published list an agency keeps."""

    ITEMS = "items", _("涉企检查事项清单")
    NO_PENALTY = "no_penalty", _("免罚清单")


class NoPenaltyKind(models.TextChoices):
    """The grounds of 《行政处罚法》第三十三条 that need a published list (无主观过错不罚 needs none)."""

    FIRST_VIOLATION = "first_violation", _("首违不罚")
    MINOR = "minor", _("轻微不罚")
