"""Pages of the visits area of on-site work (included by ``inspections.urls``)."""

urlpatterns: list = []
