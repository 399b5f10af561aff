"""Internet-zone pages of on-site work (mounted at /public/): the landing page a scan of an enterprise code
opens (short: /public/c/<token>/, R11).
"""

from django.urls import path

from .views import visits

app_name = "inspections_public"

urlpatterns = [
    path("c/<str:token>/", visits.code_landing, name="code_landing"),
]
