"""Concurrent writers keep list numbers gapless and unique; the admin never writes around services."""

import json
import threading

import pytest
from django.contrib import admin as django_admin
from django.db import connection
from django.test import RequestFactory

from clearcheck.catalog import services
from clearcheck.catalog.models import Checklist, InspectionItem, NoPenaltyEntry, PublishedList, Standard

from .factories import agency_make, items_publish, user_make


@pytest.mark.django_db(transaction=True)
def test_concurrent_withdrawals_get_distinct_version_numbers():
    admin = user_make("agency_admin", agency_make())
    items, _ = items_publish(admin, *[{"code": f"C-{i}"} for i in range(4)])
    errors: list[Exception] = []
    barrier = threading.Barrier(len(items))

    def withdraw(item_id: int) -> None:
        try:
            barrier.wait()
            services.item_withdraw(actor=admin, item_id=item_id, reason="并发撤回")
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw, args=(i.pk,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(PublishedList.objects.filter(agency=admin.agency).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    last = PublishedList.objects.get(agency=admin.agency, number=5)
    assert json.loads(last.snapshot)["entries"] == []


@pytest.mark.django_db
def test_admin_is_read_only(admin):
    request = RequestFactory().get("/admin/")
    request.user = admin
    for model in (InspectionItem, PublishedList, Standard, Checklist, NoPenaltyEntry):
        model_admin = django_admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
