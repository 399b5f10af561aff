from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:job_id>/", views.import_detail, name="import_detail"),
    path("<int:job_id>/errors.xlsx", views.import_errors_xlsx, name="import_errors_xlsx"),
    path("templates/<slug:kind>.<slug:fmt>", views.import_template, name="import_template"),
]
