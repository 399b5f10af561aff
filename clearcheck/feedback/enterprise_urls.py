"""Enterprise portal pages of evaluations and complaints (internet zone, /enterprise/)."""

from django.urls import path  # noqa: F401

app_name = "feedback_enterprise"

urlpatterns: list = []
