"""Public pages of planning (mounted at /public/): published special plans."""

app_name = "planning_public"

urlpatterns: list = []
