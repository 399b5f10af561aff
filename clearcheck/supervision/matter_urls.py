"""Special supervision (专项监督, mounted at /work/supervision/): supervision matters, directed handling,
interviews, notices, referrals to discipline.
"""

from django.urls import path

from .views import matters

app_name = "supervision_matters"

urlpatterns = [
    path("", matters.matter_list, name="matter_list"),
    path("new/", matters.matter_create, name="matter_create"),
    path("<int:matter_id>/", matters.matter_detail, name="matter_detail"),
    path("<int:matter_id>/act/", matters.matter_action, name="matter_action"),
    path("directives/<int:directive_id>/reply/", matters.directive_reply, name="directive_reply"),
    path("notices/", matters.notice_list, name="notice_list"),
    path("notices/<int:notice_id>/", matters.notice_detail, name="notice_detail"),
    path("referrals/", matters.referral_list, name="referral_list"),
    path("referrals/<int:referral_id>/", matters.referral_detail, name="referral_detail"),
]
