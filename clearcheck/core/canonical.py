"""Canonical JSON (RFC 8785, JCS) for everything that is hashed or signed.

The bytes are kept as text in the database, never in a JSON column type, because such a type
may reorder keys or reformat numbers and the hash would no longer match.
"""

import datetime as dt
import decimal
import uuid
from typing import Any

import rfc8785


def utc_text(value: dt.datetime) -> str:
    """An aware datetime as the UTC text canonical JSON uses (``2025-06-05T01:02:03.456789Z``)."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    # JCS accepts only JSON types; dates, decimals and UUIDs are written as strings on purpose
    # (a float would lose a decimal's exact digits).
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, (dt.date, dt.time, decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of ``value`` (dates, decimals and UUIDs become strings first)."""
    return rfc8785.dumps(_plain(value))


def canonical_text(value: Any) -> str:
    """RFC 8785 canonical JSON as text."""
    return canonical_bytes(value).decode("utf-8")
