from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """Data exchange: spreadsheet imports (xlsx/csv) with row-level error reports."""

    name = "clearcheck.exchange"
    label = "exchange"
    verbose_name = "数据交换"
