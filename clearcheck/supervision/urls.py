"""Alert inboxes (mounted at /work/alerts/)."""

from django.urls import path

from .views import alerts

app_name = "supervision"

urlpatterns = [
    path("", alerts.alert_list, name="alert_list"),
    path("run/", alerts.alert_run_now, name="alert_run"),
    path("<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
]
