"""Outcome panels read live (findings and dispositions are orders of magnitude fewer than visits):
closed-loop rate and overdue corrections (R19).
"""

import datetime as dt

from django.utils.translation import gettext as _

from clearcheck.core import clock
from clearcheck.inspections.choices import FindingStatus, VisitStatus
from clearcheck.inspections.models import Finding
from clearcheck.inspections.selectors.outcomes import dispositions_open_overdue

from .dimensions import _SECTIONS, industry_section
from .filters import Filters


def _period(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(filters.year, filters.month_from, 1, tzinfo=clock.LOCAL_TZ)
    end_year, end_month = (filters.year + 1, 1) if filters.month_to == 12 else (filters.year, filters.month_to + 1)
    return start, dt.datetime(end_year, end_month, 1, tzinfo=clock.LOCAL_TZ)


def closed_loop(filters: Filters) -> dict:
    """Closed visits of the period whose findings are all closed / closed visits with findings; and
    correction orders open past their deadline (R19) now.
    """
    start, end = _period(filters)
    findings = Finding.objects.filter(record__visit__status=VisitStatus.CLOSED, record__visit__opened_at__gte=start,
                                      record__visit__opened_at__lt=end)
    overdue = dispositions_open_overdue(clock.local_today())
    if filters.agency_id:
        findings = findings.filter(record__visit__agency_id=filters.agency_id)
        overdue = overdue.filter(finding__agency_id=filters.agency_id)
    if filters.region:
        findings = findings.filter(record__visit__enterprise__region_id__in=filters.region_codes)
        overdue = overdue.filter(finding__record__visit__enterprise__region_id__in=filters.region_codes)
    if filters.industry:
        industry_section(filters.industry)
        codes = [c for c, s in _SECTIONS.items() if s == filters.industry]
        findings = findings.filter(record__visit__enterprise__industry_id__in=codes)
        overdue = overdue.filter(finding__record__visit__enterprise__industry_id__in=codes)
    with_findings = findings.values("record__visit_id").distinct().count()
    still_open = findings.filter(status=FindingStatus.OPEN).values("record__visit_id").distinct().count()
    closed = with_findings - still_open
    rate = round(100 * closed / with_findings, 1) if with_findings else 0.0
    overdue_n = overdue.count()
    rows = [[_("有问题发现的已结束检查"), with_findings], [_("问题全部办结"), closed], [_("闭环率(%)"), rate],
            [_("逾期未整改(R19)"), overdue_n]]
    return {
        "title": _("闭环率与逾期整改"),
        "chart": {"type": "gauge", "value": rate, "name": _("闭环率")},
        "table": {"headers": [_("指标"), _("数值")], "rows": rows},
        "rate": rate, "overdue": overdue_n,
    }
