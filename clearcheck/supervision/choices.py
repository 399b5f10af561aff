"""Supervision enumerations: the alert engine's runs, supervision matters and notices (an alert's severity and
state are ``clearcheck.alerts.choices``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertRunStatus(models.TextChoices):
    """One run of the alert engine: running → finished (or failed when a check raised an error)."""

    RUNNING = "running", _("运行中")
    FINISHED = "finished", _("已完成")
    FAILED = "failed", _("部分失败")


class MatterStatus(models.TextChoices):
    """open → handling → concluded (``workflows.MATTER``)."""

    OPEN = "open", _("已立项")
    HANDLING = "handling", _("督办中")
    CONCLUDED = "concluded", _("已办结")


class MatterSource(models.TextChoices):
    """Where a supervision matter came from."""

    ALERT = "alert", _("监督预警")
    COMPLAINT = "complaint", _("投诉举报")
    INITIATIVE = "initiative", _("主动监督")


class NoticeKind(models.TextChoices):
    """A notice (通报) holds up a good example or criticises a bad one."""

    PRAISE = "praise", _("表扬")
    CRITICISM = "criticism", _("批评")
