"""The enterprise portal's pages of feedback (internet zone, mounted at /enterprise/)."""

from django.urls import path

from .views import enterprise

app_name = "feedback_enterprise"

urlpatterns = [
    # its visits, evaluations and complaints
    path("visits/", enterprise.visits, name="visits"),
    path("visits/<int:visit_id>/", enterprise.visit_detail, name="visit_detail"),
    path("evaluations/", enterprise.evaluation_list, name="evaluation_list"),
    path("evaluations/visits/<int:visit_id>/", enterprise.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:evaluation_id>/", enterprise.evaluation_detail, name="evaluation_detail"),
    path("complaints/", enterprise.complaint_list, name="complaint_list"),
    path("complaints/new/", enterprise.complaint_create, name="complaint_create"),
    path("complaints/<int:complaint_id>/", enterprise.complaint_detail, name="complaint_detail"),
]
