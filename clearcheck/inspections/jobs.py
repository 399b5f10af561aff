"""Periodic jobs of on-site work. R19: a correction order (责令限期改正) still open after its deadline raises
one alert per order.

A deadline is a day in Asia/Shanghai: the order is overdue from the day after it. The selection is one
query, the alerts already raised another (by dedup key); only new ones are raised, so a rerun writes
nothing, and two runs at once meet on the alert's unique key (``alert_raise`` counts the repeat).
"""

import datetime as dt

from clearcheck.alerts.choices import Severity
from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

from .selectors.outcomes import dispositions_open_overdue


def overdue_dedup_key(disposition_id: int) -> str:
    """The one alert an overdue correction order gets."""
    return f"R19:overdue:inspections.disposition:{disposition_id}"


def corrections_overdue_alert(*, today: dt.date | None = None) -> int:
    """Raise R19 for every correction order still open after its deadline; returns how many were raised now."""
    day = today or clock.local_today()
    overdue = {overdue_dedup_key(d.pk): d for d in dispositions_open_overdue(day)}
    done = alert_dedup_keys_existing(overdue)
    raised = 0
    for key, disposition in overdue.items():
        if key in done:
            continue
        finding = disposition.finding
        visit = finding.record.visit
        alert_raise(
            rule_id="R19", subject=disposition, agency=finding.agency, dedup_key=key, severity=Severity.MEDIUM,
            subject_label=f"{visit.enterprise.name} 责令限期改正逾期(检查发现 #{finding.pk})",
            facts={"disposition": disposition.pk, "finding": finding.pk, "visit": visit.pk,
                   "enterprise": visit.enterprise_id, "enterprise_name": visit.enterprise.name,
                   "description": finding.description, "deadline": disposition.deadline,
                   "recheck_task": disposition.recheck_task_id,
                   "recheck_task_status": disposition.recheck_task.status if disposition.recheck_task_id else None,
                   "days_overdue": (day - disposition.deadline).days, "today": day},
        )
        raised += 1
    return raised
