from django.urls import path

from . import code_views, views

app_name = "registry"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/<int:officer_id>/", views.officer_detail, name="officer_detail"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:enterprise_id>/", views.enterprise_detail, name="enterprise_detail"),
    # Enterprise code (一企一码) and the officer's e-credential (R11, R15)
    path("enterprises/<int:enterprise_id>/code/", code_views.enterprise_code, name="enterprise_code"),
    path("enterprises/<int:enterprise_id>/code/v<int:version>.png", code_views.enterprise_code_png,
         name="enterprise_code_png"),
    path("enterprises/<int:enterprise_id>/code/v<int:version>.svg", code_views.enterprise_code_svg,
         name="enterprise_code_svg"),
    path("enterprises/<int:enterprise_id>/code/v<int:version>/poster/", code_views.enterprise_code_poster,
         name="enterprise_code_poster"),
    path("my-credential/", code_views.my_credential, name="my_credential"),
    path("my-credential/qr/", code_views.my_credential_qr, name="my_credential_qr"),
]
