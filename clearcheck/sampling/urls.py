"""Agency pages of draws (government zone, mounted at /work/sampling/): pools and draws."""

from django.urls import path

from .views import draws, pools

app_name = "sampling"

urlpatterns = [
    # pools
    path("pools/", pools.pool_list, name="pool_list"),
    path("pools/new/", pools.pool_create, name="pool_create"),
    path("pools/<int:pool_id>/", pools.pool_detail, name="pool_detail"),
    path("pools/<int:pool_id>/edit/", pools.pool_edit, name="pool_edit"),
    # draws (R24)
    path("draws/", draws.draw_list, name="draw_list"),
    path("draws/new/", draws.draw_create, name="draw_create"),
    path("draws/<int:draw_id>/", draws.draw_detail, name="draw_detail"),
    path("draws/<int:draw_id>/commit/", draws.draw_commit, name="draw_commit"),
    path("draws/<int:draw_id>/action/", draws.draw_action, name="draw_action"),
]
