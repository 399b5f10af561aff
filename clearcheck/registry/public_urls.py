from django.urls import path

from . import views

app_name = "registry_public"

urlpatterns = [
    path("agencies/", views.public_agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.public_agency_detail, name="agency_detail"),
    path("agency-lists/", views.public_agency_list_history, name="agency_list_history"),
]
