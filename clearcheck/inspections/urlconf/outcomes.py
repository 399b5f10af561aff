"""Pages of the outcomes area of on-site work (included by ``inspections.urls``)."""

from django.urls import path

from ..views import outcomes

urlpatterns = [
    path("visits/<int:visit_id>/outcomes/", outcomes.outcomes_page, name="outcomes"),
    path("referrals/", outcomes.referral_inbox, name="referral_inbox"),
    path("referrals/<int:disposition_id>/", outcomes.referral_detail, name="referral_detail"),
]
