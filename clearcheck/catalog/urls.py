from django.urls import path

from clearcheck.core.views import placeholder

app_name = "catalog"

urlpatterns = [
    path("items/", placeholder, name="item_list"),
    path("checklists/", placeholder, name="checklist_list"),
    path("no-penalty/", placeholder, name="no_penalty_list"),
]
