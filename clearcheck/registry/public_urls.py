from django.urls import path

from clearcheck.core.views import placeholder

app_name = "registry_public"

urlpatterns = [
    path("agencies/", placeholder, name="agency_list"),
    path("agencies/<int:agency_id>/", placeholder, name="agency_detail"),
]
