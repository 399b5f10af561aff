"""Pages of the evidence area of on-site work (included by ``inspections.urls``)."""

urlpatterns: list = []
