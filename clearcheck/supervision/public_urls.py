"""Public pages of supervision (internet zone, mounted at /public/): published notices (通报) and the enterprise
burden figures in aggregate, each under its own namespace.
"""

from django.urls import include, path

from .dashboards import views as dashboard_views
from .views import public

notice_patterns = [
    path("notices/", public.notice_list, name="notice_list"),
    path("notices/<int:notice_id>/", public.notice_detail, name="notice_detail"),
]

burden_patterns = [
    path("burden/", dashboard_views.public_burden_page, name="burden"),
]

urlpatterns = [
    path("", include((notice_patterns, "supervision_public"))),
    path("", include((burden_patterns, "dashboards_public"))),
]
