"""Public pages of planning (mounted at /public/): published special plans."""

from django.urls import path

from . import public_views

app_name = "planning_public"

urlpatterns = [
    path("special-plans/", public_views.special_plan_list, name="special_plan_list"),
    path("special-plans/<int:plan_id>/", public_views.special_plan_detail, name="special_plan_detail"),
]
