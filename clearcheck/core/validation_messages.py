"""Pydantic's validation errors in the words of the platform (Chinese first): the API's 422 problem documents
name each field with a message an official can act on, instead of Pydantic's English ("Input should be less
than or equal to 9223372036854775807"). A type not listed keeps Pydantic's own message.
"""

from django.utils.translation import gettext as _


def _limit(ctx: dict, key: str):
    value = ctx[key]
    return value.isoformat() if hasattr(value, "isoformat") else value


# Pydantic's error type → the message (formatted with the error's ``ctx``).
_MESSAGES = {
    "missing": lambda ctx: _("必填"),
    "int_parsing": lambda ctx: _("须为整数"),
    "int_type": lambda ctx: _("须为整数"),
    "int_from_float": lambda ctx: _("须为整数"),
    "float_parsing": lambda ctx: _("须为数字"),
    "float_type": lambda ctx: _("须为数字"),
    "finite_number": lambda ctx: _("须为有限的数字"),
    "bool_parsing": lambda ctx: _("须为 true 或 false"),
    "bool_type": lambda ctx: _("须为 true 或 false"),
    "string_type": lambda ctx: _("须为文字"),
    "string_too_short": lambda ctx: _("至少 %(n)s 字") % {"n": ctx["min_length"]},
    "string_too_long": lambda ctx: _("不超过 %(n)s 字") % {"n": ctx["max_length"]},
    "string_pattern_mismatch": lambda ctx: _("格式不正确"),
    "too_short": lambda ctx: _("至少 %(n)s 项") % {"n": ctx["min_length"]},
    "too_long": lambda ctx: _("最多 %(n)s 项") % {"n": ctx["max_length"]},
    "greater_than": lambda ctx: _("须大于 %(v)s") % {"v": _limit(ctx, "gt")},
    "greater_than_equal": lambda ctx: _("不得小于 %(v)s") % {"v": _limit(ctx, "ge")},
    "less_than": lambda ctx: _("须小于 %(v)s") % {"v": _limit(ctx, "lt")},
    "less_than_equal": lambda ctx: _("不得大于 %(v)s") % {"v": _limit(ctx, "le")},
    "date_parsing": lambda ctx: _("须为日期(如 2026-03-31)"),
    "date_from_datetime_parsing": lambda ctx: _("须为日期(如 2026-03-31)"),
    "date_type": lambda ctx: _("须为日期(如 2026-03-31)"),
    "datetime_parsing": lambda ctx: _("须为带时区的时间(如 2026-03-31T09:30:00+08:00)"),
    "datetime_from_date_parsing": lambda ctx: _("须为带时区的时间(如 2026-03-31T09:30:00+08:00)"),
    "datetime_type": lambda ctx: _("须为带时区的时间(如 2026-03-31T09:30:00+08:00)"),
    "timezone_aware": lambda ctx: _("须带时区(如 +08:00)"),
    "uuid_parsing": lambda ctx: _("格式不正确"),
    "enum": lambda ctx: _("须为以下之一:%(v)s") % {"v": ctx["expected"]},
    "literal_error": lambda ctx: _("须为以下之一:%(v)s") % {"v": ctx["expected"]},
    "list_type": lambda ctx: _("须为列表"),
    "dict_type": lambda ctx: _("须为对象"),
    "model_type": lambda ctx: _("须为对象"),
    "model_attributes_type": lambda ctx: _("须为对象"),
    "json_invalid": lambda ctx: _("不是有效的 JSON"),
    "json_type": lambda ctx: _("不是有效的 JSON"),
    "extra_forbidden": lambda ctx: _("不接受此字段"),
}


def validation_message(error: dict) -> str:
    """The message of one Pydantic error (a dict of ``ValidationError.errors()``)."""
    build = _MESSAGES.get(error.get("type", ""))
    if build is None:
        return error.get("msg", "")
    try:
        return build(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return error.get("msg", "")
