"""Enumerations of on-site inspections."""

from django.db import models


class RecusalStatus(models.TextChoices):
    """Where a recusal request stands (``workflows.RECUSAL``). A granted request is the recusal."""

    PENDING = "pending", "待决定"
    GRANTED = "granted", "已同意回避"
    REFUSED = "refused", "不予回避"


# A request in one of these states stops the enterprise from filing again about the same officer.
RECUSAL_OPEN = (RecusalStatus.PENDING, RecusalStatus.GRANTED)
