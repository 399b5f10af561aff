"""Enumerations of the data exchange."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    """Which registry a spreadsheet fills."""

    ENTERPRISES = "enterprises", pgettext_lazy("import kind", "企业")
    OFFICERS = "officers", _("执法人员")
    AGENCIES = "agencies", _("行政检查主体")


class ImportMode(models.TextChoices):
    """What to do when some rows are bad (ARCHITECTURE.md principle 7)."""

    ALL_OR_NOTHING = "all_or_nothing", _("全部校验通过才导入(默认)")
    GOOD_ROWS = "good_rows", _("仅导入无误的行")


class ImportStatus(models.TextChoices):
    """Outcome of an import."""

    COMMITTED = "committed", _("已导入")
    REJECTED = "rejected", _("未导入(有错误)")
    PARTIALLY_COMMITTED = "partially_committed", _("部分导入")
