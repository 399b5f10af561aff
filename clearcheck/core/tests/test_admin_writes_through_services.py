"""The admin site never writes past the services (and so never past the rules or the audit chain)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

DOMAIN_APPS = {"accounts", "audit", "registry", "alerts", "catalog", "supervision", "exchange"}


def _domain_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
    ]


def test_every_domain_model_of_the_admin_is_covered():
    labels = {model._meta.app_label for model, _ in _domain_admins()}
    assert {"registry", "catalog", "audit", "accounts"} <= labels


@pytest.mark.django_db
@pytest.mark.parametrize("model,model_admin", _domain_admins(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_admin_cannot_add_change_or_delete(model, model_admin, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)  # not even "delete selected"
