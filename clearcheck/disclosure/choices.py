"""Choices of the disclosure app: handbook version states and the public kinds of inspection outcome."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HandbookStatus(models.TextChoices):
    """A handbook version: edited as a draft, immutable once published, superseded by the next one."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("现行版本")
    SUPERSEDED = "superseded", _("历史版本")


class OutcomeKind(models.TextChoices):
    """What the public learns of a closed inspection (一公开): structured kinds only, never free text."""

    NO_FINDINGS = "no_findings", _("未发现问题")
    CORRECTED = "corrected", _("发现问题已整改")
    CORRECTING = "correcting", _("发现问题整改中")
    NO_PENALTY = "no_penalty", _("依法不予处罚")
    REFERRED = "referred", _("移送其他机关")
    CASE = "case", _("立案查处")
