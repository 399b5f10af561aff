"""Enumerations of on-site inspections."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RecusalStatus(models.TextChoices):
    """Where a recusal request stands (``workflows.RECUSAL``). A granted request is the recusal."""

    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("已同意回避")
    REFUSED = "refused", pgettext_lazy("recusal status", "不予回避")


# A request in one of these states stops the enterprise from filing again about the same officer.
RECUSAL_OPEN = (RecusalStatus.PENDING, RecusalStatus.GRANTED)
