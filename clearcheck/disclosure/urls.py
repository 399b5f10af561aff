from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.workspace, name="workspace"),
    path("public/rules/", views.rules, name="rules"),
    path("public/audit/", views.audit_head, name="audit_head"),
    path("public/audit/checkpoint.json", views.audit_checkpoint_json, name="audit_checkpoint_json"),
    path("public/audit/keys.json", views.audit_keys_json, name="audit_keys_json"),
]
