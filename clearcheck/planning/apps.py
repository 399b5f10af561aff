from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Planning: risk tiers, annual and special plans, inspection tasks, approvals, caps, coordination."""

    name = "clearcheck.planning"
    label = "planning"
    verbose_name = "计划与任务"

    def ready(self):
        """Register planning's periodic alert checks (R05, R09, R10), the services that raise R05 and R21, and
        the urgent task's stored working-day deadline (recomputed when the calendar changes, issue 20).
        """
        from clearcheck.alerts.checks import event_raiser_register, periodic_check_register

        from .calendar import stored_deadline_register
        from .jobs.calendar import calendar_year_missing_alert
        from .jobs.coordination import overlapping_plans_alert
        from .jobs.plans import annual_plans_unfiled_alert
        from .jobs.urgent import urgent_approvals_overdue_alert
        from .models import InspectionTask
        from .services.caps import cap_place_take, cap_visit_take
        from .services.plans import annual_plan_file

        periodic_check_register(rule_id="R05", name="annual_plans_unfiled", function=annual_plans_unfiled_alert)
        periodic_check_register(rule_id="R09", name="overlapping_plans", function=overlapping_plans_alert)
        periodic_check_register(rule_id="R10", name="urgent_approvals_overdue", function=urgent_approvals_overdue_alert)
        periodic_check_register(rule_id="R10", name="work_calendar_missing", function=calendar_year_missing_alert)
        stored_deadline_register(label="planning.inspectiontask", model=InspectionTask,
                                 start_field="urgent_started_at", date_field="approval_deadline",
                                 flag_field="approval_deadline_provisional")
        event_raiser_register(rule_id="R05", function=annual_plan_file)  # a late filing
        event_raiser_register(rule_id="R21", function=cap_place_take)  # exempt sources over the cap
        event_raiser_register(rule_id="R21", function=cap_visit_take)
