"""Throttling of sign-in attempts (issue 20): per account and per client address, progressive and bounded.

The same functions guard the web login form, ``POST /api/auth/token`` and the second step (a wrong one-time
code counts as a wrong password). The state lives in the database (``LoginThrottle``), so every worker of
every process sees the same counts; every change is one set-based UPDATE.

The schedule (settings, ``docs/deployment.md``): an account may fail ``LOGIN_ACCOUNT_FREE`` times (5), an
address ``LOGIN_ADDRESS_FREE`` times (20); each failure from then on locks for ``LOGIN_DELAY_SECONDS`` (30 s)
doubled per further failure, at most ``LOGIN_DELAY_MAX_SECONDS`` (15 min). Attempts during a lock are refused
(429, ``Retry-After``) without checking the password and without counting, so an attacker cannot lock a
real user out for longer than the cap at a time. A success clears the account's count (not the address's:
one good account must not wipe a spraying address's record); counts are forgotten ``LOGIN_FORGET_HOURS``
(24) after the last failure. Each lock is the audit event ``login.locked``.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import DomainError

from .models import LoginThrottle


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, f"CLEARCHECK_{name}", default))


def client_address(request) -> str:
    """The client's address, the one place that decides it: ``REMOTE_ADDR``, or the header named by
    ``CLEARCHECK_CLIENT_ADDRESS_HEADER`` (e.g. ``HTTP_X_REAL_IP``) when a reverse proxy that overwrites it
    stands in front (docs/deployment.md). Never a header a client can set unchecked.
    """
    header = getattr(settings, "CLEARCHECK_CLIENT_ADDRESS_HEADER", "")
    value = (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[0].strip()[:45] or "unknown"


class LoginThrottled(DomainError):
    """Too many failed sign-ins: refused until ``retry_after`` seconds have passed."""

    status = 429
    title = "登录尝试过于频繁"
    type_slug = "too-many-requests"

    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        self.until = clock.local_now().replace(microsecond=0) + _seconds(self.retry_after)
        super().__init__(f"登录失败次数过多,请于 {self.until:%H:%M:%S} 后再试(约 {_wait_text(self.retry_after)})")


def _seconds(value: int) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"


@dataclass(frozen=True)
class Keys:
    """The throttle keys of one attempt: the account's (None for an unknown username) and the address's."""

    user_id: int | None
    address: str
    # The browser signed in as this account before (``accounts.devices``): the account's lock does not hold it.
    known_device: bool = False

    @property
    def account(self) -> str | None:
        return f"user:{self.user_id}" if self.user_id is not None else None

    @property
    def address_key(self) -> str:
        return f"address:{self.address}"

    def all(self) -> list[str]:
        return [k for k in (self.account, self.address_key) if k]


def delay_seconds(failures: int, free: int) -> int:
    """The lock after the ``failures``-th failure (0 while within ``free``): the base doubled per failure
    beyond, capped.
    """
    if failures < free:
        return 0
    base, cap = _setting("LOGIN_DELAY_SECONDS", 30), _setting("LOGIN_DELAY_MAX_SECONDS", 900)
    return min(cap, base * 2 ** min(failures - free, 20))


def throttle_check(keys: Keys) -> None:
    """Raise ``LoginThrottled`` while the account or the address is locked (a known device: the address only)."""
    now = clock.now()
    checked = [keys.address_key] if keys.known_device else keys.all()
    until = [u for u in LoginThrottle.objects.filter(key__in=checked, locked_until__gt=now)
             .values_list("locked_until", flat=True)]
    if until:
        raise LoginThrottled(math.ceil((max(until) - now).total_seconds()))


def failure_record(keys: Keys, *, username: str = "") -> None:
    """Count one failed attempt for the account and the address (own transaction: the refusal that follows
    must not undo it), locking each that passed its allowance; each lock is audited (``login.locked``).
    """
    with transaction.atomic():
        for key, free in ((keys.account, _setting("LOGIN_ACCOUNT_FREE", 5)),
                          (keys.address_key, _setting("LOGIN_ADDRESS_FREE", 20))):
            if key:
                _failure_count(key, free, keys=keys, username=username)


def _failure_count(key: str, free: int, *, keys: Keys, username: str) -> None:
    now = clock.now()
    forget = now - _seconds(3600 * _setting("LOGIN_FORGET_HOURS", 24))
    LoginThrottle.objects.get_or_create(key=key)
    LoginThrottle.objects.filter(key=key, last_failure_at__lt=forget).update(failures=0)
    LoginThrottle.objects.filter(key=key).update(failures=F("failures") + 1, last_failure_at=now)
    row = LoginThrottle.objects.select_for_update().get(key=key)
    delay = delay_seconds(row.failures, free)
    if not delay:
        return
    until = now + _seconds(delay)
    LoginThrottle.objects.filter(pk=row.pk).update(locked_until=until, lockouts=F("lockouts") + 1)
    scope = "account" if key == keys.account else "address"
    audit_record(
        actor=None, action="login.locked", subject=row,
        after={"scope": scope, "user": keys.user_id if scope == "account" else None,
               "username": username if scope == "account" else "", "address": keys.address,
               "failures": row.failures, "seconds": delay, "locked_until": until},
    )


def success_record(keys: Keys) -> None:
    """A correct sign-in: the account's count starts again (the address keeps its own)."""
    if keys.account:
        LoginThrottle.objects.filter(key=keys.account).exclude(failures=0, locked_until=None).update(
            failures=0, locked_until=None)
