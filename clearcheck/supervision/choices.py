"""Alert enumerations."""

from django.db import models


class Severity(models.TextChoices):
    """How urgent an alert is."""

    LOW = "low", "提示"
    MEDIUM = "medium", "一般"
    HIGH = "high", "严重"


class AlertState(models.TextChoices):
    """open → acknowledged → resolved (with a note)."""

    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    RESOLVED = "resolved", "已办结"
