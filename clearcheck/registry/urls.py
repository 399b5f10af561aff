from django.urls import path

from clearcheck.core.views import placeholder

app_name = "registry"

urlpatterns = [
    path("agencies/", placeholder, name="agency_list"),
    path("officers/", placeholder, name="officer_list"),
    path("enterprises/", placeholder, name="enterprise_list"),
    path("enterprises/<int:enterprise_id>/", placeholder, name="enterprise_detail"),
]
