from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.workspace, name="workspace"),
    path("public/", views.portal, name="portal"),
    path("public/rules/", views.rules, name="rules"),
    path("public/rights/", views.rights, name="rights"),
    path("public/outcomes/", views.outcome_list, name="outcome_list"),
    path("public/outcomes/<int:visit_id>/", views.outcome_detail, name="outcome_detail"),
    path("public/handbooks/", views.handbook_list, name="handbook_list"),
    path("public/handbooks/<slug:slug>/", views.handbook_detail, name="handbook_detail"),
    path("public/audit/", views.audit_head, name="audit_head"),
    path("public/audit/checkpoint.json", views.audit_checkpoint_json, name="audit_checkpoint_json"),
    path("public/audit/keys.json", views.audit_keys_json, name="audit_keys_json"),
    path("public/audit/heads.json", views.audit_heads_json, name="audit_heads_json"),
    path("public/audit/heads/<str:archive_day>.json", views.audit_archived_head, name="audit_archived_head"),
    # Workspace (government network): editing handbooks.
    path("work/handbooks/", views.handbook_work_list, name="handbook_work_list"),
    path("work/handbooks/new/", views.handbook_create, name="handbook_create"),
    path("work/handbooks/<int:handbook_id>/", views.handbook_work_detail, name="handbook_work_detail"),
    path("work/handbooks/<int:handbook_id>/draft/", views.handbook_draft_start, name="handbook_draft_start"),
    path("work/handbooks/versions/<int:version_id>/", views.handbook_version_edit, name="handbook_version_edit"),
    path("work/handbooks/versions/<int:version_id>/publish/", views.handbook_publish, name="handbook_publish"),
]
