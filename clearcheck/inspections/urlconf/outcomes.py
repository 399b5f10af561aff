"""Pages of the outcomes area of on-site work (included by ``inspections.urls``)."""

urlpatterns: list = []
