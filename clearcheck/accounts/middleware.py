"""Sessions end after a time without use (issue 20: officers share phones)."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SEEN = "cc_seen"
# The last-seen time is written at most once a minute, so that a busy page does not save its session on
# every request.
SEEN_RESOLUTION = 60


def wall_seconds() -> float:
    """Seconds by the wall clock. Idleness is a person's real absence, not the platform's clock
    (``core.clock``), which tests and replays move across days without anyone having left the phone.
    """
    return time.time()


def idle_seconds() -> int:
    """``CLEARCHECK_SESSION_IDLE_MINUTES`` (default 30) in seconds; 0 turns the limit off."""
    return 60 * int(getattr(settings, "CLEARCHECK_SESSION_IDLE_MINUTES", 30))


class SessionIdleMiddleware:
    """Log a signed-in session out once it has not been used for the idle time, and send a page request to
    the login with ``next`` (the API then answers 401 as for any caller without a session). Runs after
    ``AuthenticationMiddleware``; bearer tokens have their own expiry and never reach this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = idle_seconds()
        user = getattr(request, "user", None)
        if limit and user is not None and user.is_authenticated:
            now = wall_seconds()
            seen = request.session.get(SEEN)
            if seen is not None and now - seen > limit:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
            elif seen is None or now - seen >= SEEN_RESOLUTION:
                request.session[SEEN] = now
        return self.get_response(request)


def session_seen_at_login(sender, request, user, **kwargs) -> None:
    """Signing in is use: the session starts its idle time at login, in the same save as the login itself, so
    the first page after it does not write the session again.
    """
    session = getattr(request, "session", None)
    if session is not None:
        session[SEEN] = wall_seconds()
