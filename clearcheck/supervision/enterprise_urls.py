"""The enterprise's own burden meter (internet zone, /enterprise/)."""

from django.urls import path

from .dashboards import views

app_name = "dashboards_enterprise"

urlpatterns: list = [
    path("burden/", views.enterprise_burden_page, name="burden"),
]
