"""Enterprise portal pages of evaluations and complaints (internet zone, /enterprise/)."""

from .views import enterprise

app_name = "feedback_enterprise"

urlpatterns = enterprise.urlpatterns
