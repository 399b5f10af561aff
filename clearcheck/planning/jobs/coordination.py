"""R09 job: report tasks of different agencies that hit one enterprise in overlapping windows, for merging.

Idempotent: one alert per enterprise and set of tasks (the dedup key names them); a run that finds the
same group again writes nothing. A group that changes (a task added or merged away) is a new set, so it
gets its own alert.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

from ..selectors.coordination import Group, coordination_groups

ALERT_KEY_LIMIT = 200  # alerts.Alert.dedup_key max_length


def overlap_alert_key(group: Group) -> str:
    """``R09:<enterprise>:<sorted task ids>``, hashed when too long for the alert's key column."""
    ids = "-".join(str(i) for i in group.task_ids)
    key = f"R09:{group.enterprise_id}:{ids}"
    if len(key) > ALERT_KEY_LIMIT:
        key = f"R09:{group.enterprise_id}:sha256:{hashlib.sha256(ids.encode()).hexdigest()}"
    return key


def overlap_alert_facts(group: Group) -> dict:
    """What the alert tells the bureau: the tasks, agencies, windows and the merge suggestion."""
    return {
        "enterprise": {"id": group.enterprise_id, "name": group.enterprise_name, "uscc": group.enterprise_uscc},
        "tasks": [{"id": t.id, "agency": t.agency_id, "window": [t.window_start, t.window_end], "status": t.status,
                   "source": t.source} for t in group.tasks],
        "agencies": [{"id": a, "name": next(t.agency_name for t in group.tasks if t.agency_id == a)}
                     for a in group.agency_ids],
        "windows": {str(t.id): [t.window_start, t.window_end] for t in group.tasks},
        "suggestion": [{"date": v.date, "window": [v.window_start, v.window_end], "tasks": list(v.task_ids),
                        "agencies": list(v.agency_ids), "lead_agency": v.lead_agency_id} for v in group.suggestion],
        "visits_saved": group.visits_saved,
    }


def overlapping_plans_alert(*, today: dt.date | None = None, horizon_days: int = 60) -> int:
    """Raise an R09 alert for each group of two or more agencies' open, unmerged tasks at one enterprise
    whose windows overlap within ``today .. today + horizon_days``. Returns how many alerts were new.
    """
    today = today or clock.local_today()
    groups = [g for g in coordination_groups(start=today, end=today + dt.timedelta(days=horizon_days))
              if g.multi_agency]
    if not groups:
        return 0
    keys = [overlap_alert_key(g) for g in groups]
    raised = alert_dedup_keys_existing(keys)
    new = 0
    for group, key in zip(groups, keys, strict=True):
        if key in raised:
            continue
        alert_raise(rule_id="R09", subject=("registry.enterprise", group.enterprise_id), facts=overlap_alert_facts(group),
                    dedup_key=key, subject_label=group.enterprise_name)
        new += 1
    return new
