from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Published lists: inspection items, standards, checklists and no-penalty lists (清单之外无检查)."""

    name = "clearcheck.catalog"
    label = "catalog"
    verbose_name = "清单与表单"
