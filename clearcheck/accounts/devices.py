"""Known devices (issue 20: an attacker must not be able to keep a real user locked out).

A browser that has signed in as a user keeps a signed cookie naming that user (several users on a shared
phone). While guesses from elsewhere have locked the account, a sign-in from such a browser is not held by
the account's lock: only its own address's lock applies. This is OWASP's "device cookie" defence; the API's
token path has no cookie and waits out the lock.
"""

from django.core import signing

COOKIE = "cc_device"
_SALT = "clearcheck.accounts.known_device"
MAX_AGE = 180 * 24 * 3600  # half a year without signing in forgets the device
MAX_USERS = 10  # a phone shared by a team


def _users(request) -> list[int]:
    raw = request.COOKIES.get(COOKIE) if request is not None else None
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    return [int(v) for v in value if isinstance(v, int)] if isinstance(value, list) else []


def device_known(request, user_id: int | None) -> bool:
    """Whether this browser has signed in as ``user_id`` before (a valid, unexpired signed cookie)."""
    return user_id is not None and user_id in _users(request)


def device_remember(request, response, user) -> None:
    """After a complete sign-in: the browser is known for ``user`` (most recent first, at most MAX_USERS)."""
    users = [user.pk] + [pk for pk in _users(request) if pk != user.pk]
    response.set_cookie(COOKIE, signing.dumps(users[:MAX_USERS], salt=_SALT), max_age=MAX_AGE, httponly=True,
                        samesite="Lax", secure=request.is_secure(), path="/accounts/")
