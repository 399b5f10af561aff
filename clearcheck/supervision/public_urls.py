"""Public supervision pages (mounted at /public/): published notices (通报)."""

from django.urls import path

from .views import public

app_name = "supervision_public"

urlpatterns = [
    path("notices/", public.notice_list, name="notice_list"),
    path("notices/<int:notice_id>/", public.notice_detail, name="notice_detail"),
]
