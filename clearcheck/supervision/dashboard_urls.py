"""Dashboards of the bureau and of each agency, with Excel export of every table."""

from django.urls import path  # noqa: F401

app_name = "dashboards"

urlpatterns: list = []
