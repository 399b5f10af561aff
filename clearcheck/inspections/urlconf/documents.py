"""Pages of the documents area of on-site work (included by ``inspections.urls``)."""

urlpatterns: list = []
