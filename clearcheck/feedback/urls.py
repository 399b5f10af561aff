"""Workspace pages of evaluations and complaints (bureau, agencies)."""

from .views import workspace

app_name = "feedback"

urlpatterns = workspace.urlpatterns
