"""Values from outside (API paths and bodies, query strings, forms, imports) as the platform accepts them.

One set of helpers for every path: ids are positive big integers (every primary key is a BigAutoField, so
1 … 2⁶³−1); other integers must fit a 64-bit column; text is stripped, and free text has a length limit and
no NUL (PostgreSQL refuses it; SQLite would store it). A value that cannot be what is asked for is "none"
(a filter that matches nothing, an id that is not found), never an overflow in the database.
"""

import re
from typing import Annotated

from pydantic import Field

from .errors import FieldError, NotFound, ValidationFailed

MAX_ID = 2**63 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# An id in an API path or query (Django Ninja / Pydantic): out of range answers 422 like any bad value.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


def int_or_none(value) -> int | None:
    """``value`` (an int or text) as an integer that fits a 64-bit column, or None (also for "" and bools)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if INT64_MIN <= number <= INT64_MAX else None


def id_or_none(value) -> int | None:
    """``value`` (a model instance, an int or text) as an id, or None when it cannot be one."""
    pk = int_or_none(getattr(value, "pk", value))
    return pk if pk is not None and 0 < pk <= MAX_ID else None


def id_or_404(value, label: str) -> int:
    """``value`` as an id, or :class:`NotFound` ("<label>不存在") when it cannot be one."""
    pk = id_or_none(value)
    if pk is None:
        raise NotFound(f"{label}不存在")
    return pk


def text_of(value) -> str:
    """``value`` as stripped text ("" for None); a CR LF line break (what browsers send from a textarea) is
    one break, so a limit counts what the person sees.
    """
    return "" if value is None else str(value).replace("\r\n", "\n").strip()


def search_term(value, limit: int = 100) -> str | None:
    """A search term as typed, without NUL and surrounding blanks, at most ``limit`` characters; None if empty."""
    term = text_of(value).replace("\x00", "").strip()[:limit]
    return term or None


def text_field(value, field: str, *, limit: int, missing: str | None = None) -> str:
    """Free text for ``field``: stripped; ``missing`` is the message when it is required and empty; refused
    when longer than ``limit`` or holding NUL (field errors, nothing written).
    """
    text = text_of(value)
    if not text and missing:
        raise ValidationFailed(FieldError(field, missing))
    if len(text) > limit:
        raise ValidationFailed(FieldError(field, f"不超过 {limit} 字(现为 {len(text)} 字)"))
    if "\x00" in text:
        raise ValidationFailed(FieldError(field, "含有无效字符"))
    return text


# Characters no person types on purpose and that can spoof what a page shows (issue 20): C0 controls but tab
# and line breaks, DEL, lone surrogates (not text at all: neither database stores them alike), the bidi
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C: "‮gpj.exe"), and the
# zero-width and byte-order marks (U+200B–U+200D, U+2060, U+FEFF: two names that look the same but differ).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be accepted (a Chinese field message), or None. One rule for the API (refused with
    422), forms (``text_invisible_strip`` removes what a person cannot see) and imports.
    """
    if _SURROGATE.search(text):
        return "含有无效的字符编码(孤立的代理项)"
    if _CONTROL.search(text):
        return "含有控制字符(如 NUL)"
    if _INVISIBLE.search(text):
        return "含有不可见的字符(方向控制符或零宽字符),可能被用于伪装显示内容"
    return None


def text_invisible_strip(text: str) -> str:
    """``text`` without control characters, lone surrogates and invisible formatting characters (forms: a
    person cannot have meant them, and removing them loses nothing that was shown).
    """
    return _INVISIBLE.sub("", _CONTROL.sub("", _SURROGATE.sub("", text)))
