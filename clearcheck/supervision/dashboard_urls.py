"""Dashboards of the bureau and of each agency, with Excel export of every table."""

from django.urls import path

from .dashboards import views

app_name = "dashboards"

urlpatterns: list = [
    path("", views.overview, name="overview"),
]
