"""Evaluation and complaint panels, read through ``clearcheck.feedback.selectors`` (scoped there by actor).

Evaluations are shown only as an aggregate of at least ``MIN_GROUP`` (the feedback app's anonymity rule);
a role the feedback app does not let read them gets a panel that says so.
"""

import datetime as dt

from django.db.models import Count
from django.utils.translation import gettext as _

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.core.errors import PermissionDenied

from .filters import Filters


def _period(filters: Filters) -> tuple[dt.date, dt.date]:
    last_year, last_month = (filters.year + 1, 1) if filters.month_to == 12 else (filters.year, filters.month_to + 1)
    return filters.first_month, dt.date(last_year, last_month, 1) - dt.timedelta(days=1)


def _note(title: str, text: str) -> dict:
    return {"title": title, "chart": None, "table": {"headers": [_("说明")], "rows": [[text]]}}


def evaluations_panel(*, actor, filters: Filters) -> dict:
    """Count, mean score, share reporting misconduct and the 1–5 distribution of the period's evaluations."""
    from clearcheck.feedback.selectors import evaluation_aggregate

    title = _("事后评价得分")
    start, end = _period(filters)
    try:
        totals = evaluation_aggregate(actor=actor, agency_id=filters.agency_id, date_from=start, date_to=end)
    except PermissionDenied:
        return _note(title, _("本角色不查看评价统计"))
    if totals is None:
        return _note(title, _("评价数量不足 5 条,为保护企业匿名不予显示"))
    scores = [str(n) for n in range(1, 6)]
    rows = [[_("评价数"), totals["count"]], [_("平均得分"), totals["mean_score"]],
            [_("反映违规情形占比(%)"), round(100 * totals["conduct_share"], 1)]]
    rows += [[_("%(n)s 分") % {"n": n}, totals["distribution"][int(n)]] for n in scores]
    return {
        "title": title,
        "chart": {"type": "bars", "x": [_("%(n)s 分") % {"n": n} for n in scores],
                  "data": [totals["distribution"][int(n)] for n in scores]},
        "table": {"headers": [_("指标"), _("数值")], "rows": rows},
    }


def complaints_panel(*, actor, filters: Filters) -> dict:
    """Complaints received in the period by state, and those past their reply deadline now."""
    from clearcheck.feedback.choices import ComplaintStatus
    from clearcheck.feedback.selectors import complaints_for_actor

    title = _("投诉举报")
    if actor_has_role(actor, Role.GOVERNMENT):
        return _note(title, _("本角色不查看投诉举报"))
    start, end = _period(filters)
    qs = complaints_for_actor(actor=actor).filter(received_at__date__gte=start, received_at__date__lte=end)
    if filters.agency_id:
        qs = qs.filter(handling_agency_id=filters.agency_id)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    overdue = complaints_for_actor(actor=actor, overdue=True)
    if filters.agency_id:
        overdue = overdue.filter(handling_agency_id=filters.agency_id)
    rows = [[str(label), counts.get(value, 0)] for value, label in ComplaintStatus.choices]
    rows.append([_("逾期未答复(当前)"), overdue.count()])
    return {
        "title": title,
        "chart": {"type": "pie", "data": [{"name": r[0], "value": r[1]} for r in rows[:-1]]},
        "table": {"headers": [_("状态"), _("件数")], "rows": rows},
    }
