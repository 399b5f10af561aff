"""Public dashboard pages: the enterprise burden figures in aggregate."""

from django.urls import path

from .dashboards import views

app_name = "dashboards_public"

urlpatterns: list = [
    path("burden/", views.public_burden_page, name="burden"),
]
