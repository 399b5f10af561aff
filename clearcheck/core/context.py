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


# The refusal a request answered with (rule ID and clause), for its log line (core.request_log). A dict bound
# per request by the log middleware; outside a request there is none and noting is a no-op.
_refusal: contextvars.ContextVar[dict | None] = contextvars.ContextVar("refusal", default=None)


def refusal_scope_open() -> contextvars.Token:
    """Start collecting the current request's refusal (the log middleware calls it)."""
    return _refusal.set({})


def refusal_scope_close(token: contextvars.Token) -> dict:
    """Stop collecting; the refusal noted during the request (``{}`` when none)."""
    noted = _refusal.get() or {}
    _refusal.reset(token)
    return noted


def refusal_note(*, rule: str, clause: str) -> None:
    """Record that the current request was refused by ``rule`` (its clause too), for the request's log line."""
    noted = _refusal.get()
    if noted is not None:
        noted["rule"], noted["clause"] = rule, clause
