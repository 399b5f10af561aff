"""Pages of the visits area of on-site work (included by ``inspections.urls``): the officer's tasks and
check-in (扫码入企 / 定位打卡, R11), the visit hub (confirmations, R14), and what the enterprise sees (R28).
"""

from django.urls import path
from django.views.generic import RedirectView

from ..views import visits

urlpatterns = [
    path("my-tasks/", visits.my_tasks, name="my_tasks"),
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/start/", visits.visit_start, name="visit_start"),
    path("visits/start-other/", visits.visit_start_other, name="visit_start_other"),
    path("check-in/<int:enterprise_id>/", visits.visit_checkin_location, name="visit_checkin_location"),
    path("visits/<int:visit_id>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:visit_id>/confirm/", visits.visit_confirm, name="visit_confirm"),
    path("visits/<int:visit_id>/cancel/", visits.visit_cancel, name="visit_cancel"),
    # The list moved to the enterprise portal (/enterprise/visits/, served by feedback with the evaluations
    # it invites); old bookmarks land there.
    path("enterprise/visits/", RedirectView.as_view(url="/enterprise/visits/", permanent=True),
         name="enterprise_visits_moved"),
    path("enterprise/visits/<int:visit_id>/", visits.enterprise_visit_detail, name="enterprise_visit_detail"),
]
