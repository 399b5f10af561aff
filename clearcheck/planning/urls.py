"""Work pages of planning (government zone, mounted at /work/planning/)."""

from django.urls import path

from .views import calendar, coordination, plans, tasks, tiers

app_name = "planning"

urlpatterns = [
    # risk tiers (分级分类, R21)
    path("tiers/", tiers.tier_scheme, name="tier_scheme"),
    path("tiers/grades/", tiers.enterprise_tier_assign, name="enterprise_tier_assign"),
    # annual and special plans, filings (R05, R08)
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/file/", plans.plan_file, name="plan_file"),
    path("filings/", plans.filings_overview, name="filings_overview"),
    path("filings/<int:filing_id>/", plans.filing_detail, name="filing_detail"),
    path("special-plans/", plans.special_plan_list, name="special_plan_list"),
    path("special-plans/new/", plans.special_plan_create, name="special_plan_create"),
    path("special-plans/quotas/", plans.quotas, name="quotas"),
    path("special-plans/<int:special_plan_id>/", plans.special_plan_detail, name="special_plan_detail"),
    # tasks and the head's approvals (R06, R07, R10)
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/new/", tasks.task_create, name="task_create"),
    path("tasks/inbox/", tasks.approval_inbox, name="approval_inbox"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/action/", tasks.task_action, name="task_action"),
    # the working-day calendar (R10 deadlines, issue 20)
    path("calendar/", calendar.calendar_index, name="calendar_index"),
    path("calendar/<int:year>/", calendar.calendar_year, name="calendar_year"),
    path("calendar/load/", calendar.calendar_load, name="calendar_load"),
    path("calendar/day/", calendar.calendar_day, name="calendar_day"),
    # coordination and joint inspections (R09, R20)
    path("coordination/", coordination.coordination, name="coordination"),
    path("joint-inspections/", coordination.joint_inspection_list, name="joint_inspection_list"),
    path("joint-inspections/<int:joint_id>/", coordination.joint_inspection_detail, name="joint_inspection_detail"),
]
