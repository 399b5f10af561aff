"""Work pages of supervision (government zone, mounted at /work/): the alert inbox (/work/alerts/), special
supervision (专项监督: matters, directed handling, interviews, notices, referrals to discipline; /work/supervision/)
and the dashboards of the bureau and of each agency (/work/dashboards/), each under its own namespace.
"""

from django.urls import include, path

from .dashboards import views as dashboard_views
from .views import alerts, matters

alert_patterns = [
    path("", alerts.alert_list, name="alert_list"),
    path("run/", alerts.alert_run_now, name="alert_run"),
    path("<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
]

matter_patterns = [
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

dashboard_patterns = [
    path("", dashboard_views.overview, name="overview"),
    path("regions/", dashboard_views.regions, name="regions"),
]

urlpatterns = [
    path("alerts/", include((alert_patterns, "supervision"))),
    path("supervision/", include((matter_patterns, "supervision_matters"))),
    path("dashboards/", include((dashboard_patterns, "dashboards"))),
]
