"""Pages of the records area of on-site work (included by ``inspections.urls``)."""

urlpatterns: list = []
