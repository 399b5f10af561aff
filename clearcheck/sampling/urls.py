"""Agency pages of draws (mounted at /work/sampling/): pools and draws."""

from .views import draws, pools

app_name = "sampling"

urlpatterns = [*pools.urlpatterns, *draws.urlpatterns]
