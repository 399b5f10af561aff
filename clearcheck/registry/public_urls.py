from django.urls import path

from . import code_views, views

app_name = "registry_public"

urlpatterns = [
    path("agencies/", views.public_agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.public_agency_detail, name="agency_detail"),
    path("agency-lists/", views.public_agency_list_history, name="agency_list_history"),
    # Scan landing pages (short: /public/c/<token>/) and the keys that verify them offline (R11, R15)
    path("c/<str:token>/", code_views.code_landing, name="code_landing"),
    path("credential/<str:token>/", code_views.credential_verify, name="credential_verify"),
    path("keys/codes.json", code_views.code_keys_json, name="code_keys_json"),
]
