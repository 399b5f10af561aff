"""Permissions that apps below accounts ask (``user.has_perm``) are granted by role alone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clearcheck.accounts.choices import ROLE_PERMISSIONS, Role
from clearcheck.audit.permissions import READ_TRAIL
from clearcheck.core.middleware import INTERNET_PORTAL

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role.values))
def test_each_platform_permission_is_held_by_its_roles_only(make_user, role):
    user = make_user(role)
    assert user.has_perm(READ_TRAIL) is (role in ("bureau", "discipline"))
    assert user.has_perm(INTERNET_PORTAL) is (role == "enterprise")


def test_an_inactive_account_holds_no_platform_permission(make_user):
    user = make_user("bureau")
    user.is_active = False
    assert not any(user.has_perm(permission) for permission in ROLE_PERMISSIONS)


def test_a_superuser_without_the_role_holds_no_platform_permission(django_user_model):
    """A Django superuser (an operator's account) keeps Django's permissions, not the roles' ones."""
    root = django_user_model.objects.create_superuser("root", password="Qingjian-2025!")
    assert root.has_perm("audit.view_auditevent")
    assert not root.has_perm(READ_TRAIL) and not root.has_perm(INTERNET_PORTAL)


def test_an_anonymous_visitor_holds_no_platform_permission():
    assert not any(AnonymousUser().has_perm(permission) for permission in ROLE_PERMISSIONS)
