"""Pages of on-site work (mounted at /work/inspections/): recusals and refusals, visits, records,
evidence, dispositions and documents. Each area keeps its own route list.
"""

from django.urls import path

from .urlconf import documents, evidence, outcomes, records, visits
from .views import requests

app_name = "inspections"

urlpatterns = [
    path("recusals/", requests.recusal_list, name="recusal_list"),
    path("recusals/<int:request_id>/", requests.recusal_detail, name="recusal_detail"),
    path("refusals/", requests.entry_refusal_list, name="entry_refusal_list"),
    path("refusals/<int:refusal_id>/", requests.entry_refusal_detail, name="entry_refusal_detail"),
]

for area in (visits, records, evidence, outcomes, documents):
    urlpatterns += area.urlpatterns
