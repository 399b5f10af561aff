"""``{% load rule_names %}{{ rule_id|rule_title }}``: a rule as lists, alerts and charts show it, its ID with its
name («R05 年度计划备案»), from the one catalogue ``clearcheck.core.rules`` (issue 19).
"""

from django import template
from django.utils.translation import gettext_lazy as _lazy

from clearcheck.core.rules import rule_title as _rule_title

register = template.Library()


@register.filter
def rule_title(rule_id) -> str:
    """«R05 年度计划备案» for a rule ID; anything else as given."""
    return _rule_title(str(rule_id or ""))


# The periodic checks by name (``PeriodicCheck.name``), as a run's counts and errors show them.
CHECK_NAMES = {
    "annual_plans_unfiled": _lazy("年度计划未备案"), "overlapping_plans": _lazy("重叠计划"),
    "urgent_approvals_overdue": _lazy("紧急检查逾期未补办"), "corrections_overdue": _lazy("整改逾期"),
    "draws_unselected": _lazy("抽取未执行"), "draws_unrevealed": _lazy("抽取结果未公开"),
    "login_lockouts": _lazy("登录失败暂停"), "work_calendar_missing": _lazy("工作日历待载入"),
}


@register.filter
def check_title(key) -> str:
    """A periodic check's key (``R05:annual_plans_unfiled``) as «R05 年度计划备案 · 年度计划未备案»."""
    rule_id, _sep, name = str(key or "").partition(":")
    label = CHECK_NAMES.get(name)
    return f"{_rule_title(rule_id)} · {label}" if label else _rule_title(rule_id)


@register.filter
def user_person(user) -> str:
    """An account read with its officer and enterprise (``select_related``) as 姓名(角色), without a query:
    the same words as ``{{ username|person }}`` for a list of many rows.
    """
    if user is None:
        return "—"
    name = user.display_name or (user.officer.name if user.officer_id else "") or (
        user.enterprise.name if user.enterprise_id else "")
    role = user.get_role_display()
    return f"{name}({role})" if name and role else (name or str(role) or "—")
