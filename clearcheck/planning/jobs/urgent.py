"""R10: urgent inspections whose after-the-fact approval (补办手续) is overdue raise an alert, once."""

import datetime as dt

from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

from ..choices import TaskStatus
from ..models import InspectionTask


def overdue_dedup_key(task_id: int) -> str:
    """The one alert an overdue urgent task gets."""
    return f"R10:overdue:planning.inspectiontask:{task_id}"


def urgent_approvals_overdue_alert(*, today: dt.date | None = None) -> int:
    """Raise R10 for every urgent task still unapproved after its deadline (Asia/Shanghai); returns how many
    alerts were raised now. Set-based selection; tasks already alerted are skipped, so reruns are no-ops.
    """
    day = today or clock.local_today()
    overdue = list(InspectionTask.objects.select_related("agency", "enterprise")
                   .filter(status=TaskStatus.URGENT_STARTED, approval_deadline__lt=day).order_by("id"))
    keys = {overdue_dedup_key(t.pk): t for t in overdue}
    done = alert_dedup_keys_existing(keys)
    raised = 0
    for key, task in keys.items():
        if key in done:
            continue
        alert_raise(
            rule_id="R10", subject=task, agency=task.agency, dedup_key=key,
            subject_label=f"{task} {task.enterprise.name}",
            facts={"deadline": task.approval_deadline, "source": task.source, "reason": task.urgent_reason,
                   "started_at": task.urgent_started_at, "today": day},
        )
        raised += 1
    return raised
