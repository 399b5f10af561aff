"""Alert enumerations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    """How urgent an alert is."""

    LOW = "low", _("提示")
    MEDIUM = "medium", pgettext_lazy("severity", "一般")
    HIGH = "high", _("严重")


class AlertState(models.TextChoices):
    """open → acknowledged → resolved (with a note)."""

    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    RESOLVED = "resolved", _("已办结")


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
