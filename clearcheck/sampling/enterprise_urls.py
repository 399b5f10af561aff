"""The enterprise portal's page of draws (internet zone, /enterprise/): its own entry and place (ADR 0017)."""

from django.urls import path

from .views import enterprise

app_name = "sampling_enterprise"

urlpatterns = [
    path("draws/", enterprise.draw_list, name="draw_list"),
]
