from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """Registries: agencies (检查主体), officers (执法人员), enterprises (一企一档) and reference codes."""

    name = "clearcheck.registry"
    label = "registry"
    verbose_name = "基础名录"
