from django.urls import path

from clearcheck.core.views import placeholder

app_name = "exchange"

urlpatterns = [
    path("", placeholder, name="import_list"),
]
