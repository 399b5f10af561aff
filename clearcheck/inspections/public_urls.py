"""Internet-zone pages of on-site work (mounted at /public/): the landing pages a scan opens, of an enterprise
code (short: /public/c/<token>/, R11) and of an officer's e-credential (R15).
"""

from django.urls import path

from .views import visits

app_name = "inspections_public"

urlpatterns = [
    path("c/<str:token>/", visits.code_landing, name="code_landing"),
    path("credential/<str:token>/", visits.credential_verify, name="credential_verify"),
]
