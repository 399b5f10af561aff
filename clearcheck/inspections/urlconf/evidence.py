"""Pages of the evidence area of on-site work (included by ``inspections.urls``)."""

from django.urls import path

from ..views import evidence

urlpatterns: list = [
    path("visits/<int:visit_id>/evidence/", evidence.evidence_list, name="evidence_list"),
    path("evidence/<int:evidence_id>/file/", evidence.evidence_file, name="evidence_file"),
    path("evidence/<int:evidence_id>/withdraw/", evidence.evidence_withdraw, name="evidence_withdraw"),
]
