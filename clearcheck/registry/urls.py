from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:officer_id>/", views.officer_detail, name="officer_detail"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
]
