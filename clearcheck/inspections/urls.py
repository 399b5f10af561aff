"""Recusal pages (mounted at /work/inspections/)."""

from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("recusals/", views.recusal_list, name="recusal_list"),
    path("recusals/<int:request_id>/", views.recusal_detail, name="recusal_detail"),
]
