"""Workspace pages of evaluations and complaints (government zone, mounted at /work/feedback/)."""

from django.urls import path

from .views import workspace

app_name = "feedback"

urlpatterns = [
    # evaluations and complaints
    path("evaluations/", workspace.evaluation_list, name="evaluation_list"),
    path("evaluations/summary/", workspace.evaluation_summary, name="evaluation_summary"),
    path("evaluations/<int:evaluation_id>/", workspace.evaluation_detail, name="evaluation_detail"),
    path("complaints/", workspace.complaint_list, name="complaint_list"),
    path("complaints/new/", workspace.complaint_create, name="complaint_create"),
    path("complaints/import/", workspace.complaint_import, name="complaint_import"),
    path("complaints/import/template.xlsx", workspace.complaint_import_template, name="complaint_import_template"),
    path("complaints/<int:complaint_id>/", workspace.complaint_detail, name="complaint_detail"),
    path("complaints/<int:complaint_id>/action/", workspace.complaint_action, name="complaint_action"),
]
