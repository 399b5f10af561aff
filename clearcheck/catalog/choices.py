"""Enumerations of the published lists."""

from django.db import models


class ItemCategory(models.TextChoices):
    """Whether an item is a general or a key inspection item."""

    GENERAL = "general", "一般检查事项"
    KEY = "key", "重点检查事项"


class ItemStatus(models.TextChoices):
    """draft → published → withdrawn (a draft may also be discarded as withdrawn)."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class VersionStatus(models.TextChoices):
    """Versioned documents (standards, checklists): draft → published → superseded."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被替代"


class ListKind(models.TextChoices):
    """The two kinds of published list an agency keeps."""

    ITEMS = "items", "涉企检查事项清单"
    NO_PENALTY = "no_penalty", "免罚清单"


class NoPenaltyKind(models.TextChoices):
    """The grounds of 《行政处罚法》第三十三条 that need a published list (无主观过错不罚 needs none)."""

    FIRST_VIOLATION = "first_violation", "首违不罚"
    MINOR = "minor", "轻微不罚"
