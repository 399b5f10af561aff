"""Work pages of planning (mounted at /work/planning/), one module per area."""

from .views import coordination, plans, tasks, tiers

app_name = "planning"

urlpatterns = [*tiers.urlpatterns, *plans.urlpatterns, *tasks.urlpatterns, *coordination.urlpatterns]
