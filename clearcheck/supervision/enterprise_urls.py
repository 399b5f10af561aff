"""The enterprise's own burden meter (internet zone, /enterprise/)."""

from django.urls import path  # noqa: F401

app_name = "dashboards_enterprise"

urlpatterns: list = []
