"""Special supervision (专项监督): supervision matters, directed handling, interviews, notices, referrals."""

from django.urls import path  # noqa: F401

app_name = "supervision_matters"

urlpatterns: list = []
