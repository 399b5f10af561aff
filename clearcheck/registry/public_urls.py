from django.urls import path

from . import code_views, views

app_name = "registry_public"

urlpatterns = [
    path("agencies/", views.public_agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.public_agency_detail, name="agency_detail"),
    path("agency-lists/", views.public_agency_list_history, name="agency_list_history"),
    # The keys that verify codes and e-credentials offline (R11, R15); the landing pages a scan opens
    # (/public/c/<token>/, /public/credential/<token>/) are check-in's (inspections.public_urls)
    path("keys/codes.json", code_views.code_keys_json, name="code_keys_json"),
]
