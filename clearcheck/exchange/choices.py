"""Enumerations of the data exchange."""

from django.db import models


class ImportKind(models.TextChoices):
    """Which registry a spreadsheet fills."""

    ENTERPRISES = "enterprises", "企业"
    OFFICERS = "officers", "执法人员"
    AGENCIES = "agencies", "行政检查主体"


class ImportMode(models.TextChoices):
    """What to do when some rows are bad (ARCHITECTURE.md principle 7)."""

    ALL_OR_NOTHING = "all_or_nothing", "全部校验通过才导入(默认)"
    GOOD_ROWS = "good_rows", "仅导入无误的行"


class ImportStatus(models.TextChoices):
    """Outcome of an import."""

    COMMITTED = "committed", "已导入"
    REJECTED = "rejected", "未导入(有错误)"
    PARTIALLY_COMMITTED = "partially_committed", "部分导入"
