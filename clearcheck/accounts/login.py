"""Signing in, the one path of the web form and ``POST /api/auth/token``: the throttle, the password, and
(for the roles that need it) the second factor (issue 20).
"""

from django.contrib.auth import authenticate

from clearcheck.core.errors import PermissionDenied

from .devices import device_known
from .models import User
from .throttle import Keys, failure_record, success_record, throttle_check

WRONG_CREDENTIALS = "用户名或密码错误"


def attempt_keys(*, username: str, address: str, request=None) -> Keys:
    """The throttle keys of an attempt. An unknown username has no account key (no row is made for names
    an attacker invents); its failures still count against the address. A browser that signed in as the
    account before (``accounts.devices``) is not held by the account's lock.
    """
    user_id = User.objects.filter(**{User.USERNAME_FIELD: username}).values_list("pk", flat=True).first()
    return Keys(user_id, address, known_device=device_known(request, user_id))


def password_check(*, username: str, password: str, address: str, request=None) -> tuple[User, Keys]:
    """The active user of a correct username and password, unless the account or the address is locked
    (``LoginThrottled``, 429). A wrong one is counted and refused (``PermissionDenied``), the same for an
    unknown name, a wrong password and an inactive account.
    """
    keys = attempt_keys(username=username, address=address, request=request)
    throttle_check(keys)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        failure_record(keys, username=username)
        raise PermissionDenied(WRONG_CREDENTIALS)
    return user, keys


def login_succeeded(keys: Keys) -> None:
    """Every step passed: the account's failures are forgotten."""
    success_record(keys)
