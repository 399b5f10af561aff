"""Database ids as the platform accepts them: positive big integers (every primary key is a BigAutoField).

One bound for every path that takes an id from outside (API paths and queries, form fields, imports): an
id outside 1 … 2⁶³−1 is simply not found, never an overflow in the database.
"""

from typing import Annotated

from pydantic import Field

from .errors import NotFound

MAX_ID = 2**63 - 1

# An id in an API path or query (Django Ninja / Pydantic): out of range answers 422 like any bad value.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


def id_or_none(value) -> int | None:
    """``value`` (a model instance, an int or text) as an id, or None when it is not one."""
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk <= MAX_ID else None


def id_or_404(value, label: str) -> int:
    """``value`` as an id, or :class:`NotFound` ("<label>不存在") when it cannot be one."""
    pk = id_or_none(value)
    if pk is None:
        raise NotFound(f"{label}不存在")
    return pk
