from django.urls import path

from . import public_views

app_name = "catalog_public"

urlpatterns = [
    path("agencies/<int:agency_id>/items/", public_views.item_list, name="item_list"),
    path("agencies/<int:agency_id>/items/versions/", public_views.item_list_versions, name="item_list_versions"),
    path("item-lists/<int:version_id>/", public_views.item_list_version, name="item_list_version"),
    path("agencies/<int:agency_id>/checklists/", public_views.checklist_list, name="checklist_list"),
    path("checklists/<int:checklist_id>/", public_views.checklist_detail, name="checklist_detail"),
    path("agencies/<int:agency_id>/no-penalty/", public_views.no_penalty_list, name="no_penalty_list"),
]
