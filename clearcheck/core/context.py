"""Per-request context that services read without threading it through every call (request id)."""

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def request_id_get() -> str:
    """The current request id, or a fresh one for work outside a request (commands, jobs)."""
    return _request_id.get() or f"job-{uuid.uuid4().hex[:16]}"


def request_id_set(value: str) -> contextvars.Token:
    """Bind ``value`` as the current request id."""
    return _request_id.set(value)


def request_id_reset(token: contextvars.Token) -> None:
    """Restore the previous request id."""
    _request_id.reset(token)
