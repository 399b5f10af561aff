"""Public supervision pages: published notices (通报)."""

from django.urls import path  # noqa: F401

app_name = "supervision_public"

urlpatterns: list = []
