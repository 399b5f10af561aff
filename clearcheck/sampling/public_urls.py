"""Public pages of draws (mounted at /public/): 双随机抽查公示, downloads and the verifier."""

from django.urls import path

from .views import public

app_name = "sampling_public"

urlpatterns = [
    path("draws/", public.draw_list, name="draw_list"),
    path(f"draws/{public.VERIFIER_NAME}", public.verifier_download, name="verifier"),
    path("draws/<int:draw_id>/", public.draw_detail, name="draw_detail"),
    path("draws/<int:draw_id>/verify/", public.draw_verify, name="draw_verify"),
    path("draws/<int:draw_id>/document.json", public.draw_document_download, name="draw_document"),
]
