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
    """open → acknowledged → resolved (with a note) (``workflows.ALERT``)."""

    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已知悉")
    RESOLVED = "resolved", _("已办结")
