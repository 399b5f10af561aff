from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/publish/", views.item_list_publish, name="item_list_publish"),
    path("items/<int:item_id>/", views.item_detail, name="item_detail"),
    path("items/<int:item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("versions/", views.list_versions, name="list_versions"),
    path("versions/<int:version_id>/", views.list_version_detail, name="list_version_detail"),
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/<int:standard_id>/", views.standard_detail, name="standard_detail"),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/<int:checklist_id>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:checklist_id>/entries/", views.checklist_entry_add, name="checklist_entry_add"),
    path("checklists/<int:checklist_id>/entries/<int:entry_id>/remove/", views.checklist_entry_remove,
         name="checklist_entry_remove"),
    path("checklists/<int:checklist_id>/publish/", views.checklist_publish, name="checklist_publish"),
    path("checklists/<int:checklist_id>/new-version/", views.checklist_new_version, name="checklist_new_version"),
    path("no-penalty/", views.no_penalty_list, name="no_penalty_list"),
    path("no-penalty/publish/", views.no_penalty_list_publish, name="no_penalty_list_publish"),
    path("no-penalty/<int:entry_id>/", views.no_penalty_detail, name="no_penalty_detail"),
]
