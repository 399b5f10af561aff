"""Values from outside (API paths and bodies, query strings, forms, imports) as the platform accepts them.

One set of helpers for every path: ids are positive big integers (every primary key is a BigAutoField, so
1 … 2⁶³−1); other integers must fit a 64-bit column; text is stripped, and free text has a length limit and
no NUL (PostgreSQL refuses it; SQLite would store it). A value that cannot be what is asked for is "none"
(a filter that matches nothing, an id that is not found), never an overflow in the database.
"""

import datetime as dt
import re
from typing import Annotated

from pydantic import AwareDatetime, Field

from .errors import FieldError, NotFound, ValidationFailed

MAX_ID = 2**63 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# An id in an API path or query (Django Ninja / Pydantic): out of range answers 422 like any bad value.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
# Any other integer from outside fits a 64-bit column (SQLite raises OverflowError beyond it, issue 20).
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
# A keyset cursor is the last id seen (0: before the first); a page holds 1 … 200 rows (``core.api.keyset_page``).
Cursor = Annotated[int, Field(ge=0, le=MAX_ID)]
PageSize = Annotated[int, Field(ge=1, le=200)]
# A count or position kept in a PositiveIntegerField (PostgreSQL's 32-bit integer).
INT32_MAX = 2**31 - 1
PositiveInt32 = Annotated[int, Field(ge=1, le=INT32_MAX)]

# Dates and instants from outside lie in a sane range: a plan, a visit or a hotline call before 2000 or after
# 2100 is a typing error, and year 1 or 9999 overflows what the audit snapshot and the databases can hold
# (issue 20: 0001-01-01T00:00:00+08:00 answered 500). An instant must say its time zone: "09:30" alone is
# not a moment. The bounds of an instant are in UTC.
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
INSTANT_MIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
INSTANT_MAX = dt.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
Day = Annotated[dt.date, Field(ge=DATE_MIN, le=DATE_MAX, description="2000-01-01 … 2100-12-31")]
Instant = Annotated[AwareDatetime, Field(ge=INSTANT_MIN, le=INSTANT_MAX,
                                         description="ISO 8601 with time zone, 2000-01-01 … 2100-12-31 (UTC)")]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]


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
    if problem := text_length_problem(text, limit):
        raise ValidationFailed(FieldError(field, problem))
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


# --- Text that reaches a model (issue 20: never truncated, refused with a field error) --------------------

# What no column can hold alike on both databases: NUL (PostgreSQL refuses it, SQLite stores it) and lone
# surrogates (neither can encode them). Other control and invisible characters are a policy of the input
# paths (``text_problem``); these two would be a 500 or a disagreement between the engines.
_UNSTORABLE_NUL = "\x00"


def text_length_problem(text: str, limit: int) -> str | None:
    """"不超过 N 字(现为 M 字)" when ``text`` is longer than ``limit``, else None (the one wording)."""
    return f"不超过 {limit} 字(现为 {len(text)} 字)" if len(text) > limit else None


def model_text_limit(model, name: str) -> int:
    """The ``max_length`` of ``model``'s field ``name``: a limit read from the model cannot drift from it."""
    return model._meta.get_field(name).max_length


def model_text(value, model, name: str, *, field: str | None = None, missing: str | None = None) -> str:
    """``text_field`` for a value bound for ``model.name``, with the column's own ``max_length`` as the
    limit; ``field`` is the input's name for the error when it differs from the model field's.
    """
    return text_field(value, field or name, limit=model_text_limit(model, name), missing=missing)


def instance_text_errors(instance, *, fields=None, names: dict | None = None) -> list[FieldError]:
    """Field errors for every text column of ``instance`` that cannot be stored as it is: longer than the
    CharField's ``max_length``, or holding NUL or a lone surrogate. ``fields`` limits the check to those
    field names (``save(update_fields=…)``); ``names`` maps a model field to the input's name.
    """
    from django.db.models import CharField, TextField

    errors = []
    for model_field in instance._meta.concrete_fields:
        if not isinstance(model_field, (CharField, TextField)):
            continue
        if fields is not None and model_field.name not in fields and model_field.attname not in fields:
            continue
        # A deferred field (``only()``) is not loaded, so not changed: reading it would cost a query.
        value = instance.__dict__.get(model_field.attname)
        if not isinstance(value, str):
            continue
        label = (names or {}).get(model_field.name, model_field.name)
        if _SURROGATE.search(value):
            errors.append(FieldError(label, "含有无效的字符编码(孤立的代理项)"))
        elif _UNSTORABLE_NUL in value:
            errors.append(FieldError(label, "含有控制字符(如 NUL)"))
        elif isinstance(model_field, CharField) and (
                problem := text_length_problem(value, model_field.max_length or len(value))):
            errors.append(FieldError(label, problem))
    return errors


def instance_text_check(instance, *, fields=None, names: dict | None = None) -> None:
    """Raise :class:`ValidationFailed` with ``instance_text_errors`` (nothing is written)."""
    if errors := instance_text_errors(instance, fields=fields, names=names):
        raise ValidationFailed(errors)


def text_guard(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """``pre_save`` receiver (connected by ``CoreConfig.ready`` for every model of the platform): the last
    gate before any column, whichever path (API, form, import, job) got the value there, so a value too long
    for its column is a field error on both databases instead of a silent over-long value on SQLite and a
    500 on PostgreSQL. Services check earlier with their own field names where the input's differ.
    """
    if raw or not sender.__module__.startswith("clearcheck."):
        return  # fixtures load what they hold; historical models in migrations are not the platform's
    instance_text_check(instance, fields=update_fields)


def row_text_errors(row: dict) -> list[FieldError]:
    """``text_problem`` for every text cell of an imported row (``{field: value}``), as field errors: an
    import reports them with the row's line and the column, as the API refuses them with the field's path.
    """
    return [FieldError(str(key), problem) for key, value in row.items()
            if isinstance(value, str) and (problem := text_problem(value))]
