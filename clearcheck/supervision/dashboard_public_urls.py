"""Public dashboard pages: the enterprise burden figures in aggregate."""

from django.urls import path  # noqa: F401

app_name = "dashboards_public"

urlpatterns: list = []
