"""Recusal and entry refusal pages (mounted at /work/inspections/)."""

from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("recusals/", views.recusal_list, name="recusal_list"),
    path("recusals/<int:request_id>/", views.recusal_detail, name="recusal_detail"),
    path("refusals/", views.entry_refusal_list, name="entry_refusal_list"),
    path("refusals/<int:refusal_id>/", views.entry_refusal_detail, name="entry_refusal_detail"),
]
