from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Planning: risk tiers, annual and special plans, inspection tasks, approvals, caps, coordination."""

    name = "clearcheck.planning"
    label = "planning"
    verbose_name = "计划与任务"
