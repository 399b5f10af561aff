"""``clearcheck planning_alerts``: the periodic job of the planning ALERT rules (R05, R09, R10).

Idempotent and safe to run twice at once: every alert has a deduplication key. In production a
scheduler (Celery beat) runs it daily; the embedded demo runs it when it loads.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from clearcheck.planning.jobs.calendar import calendar_year_missing_alert
from clearcheck.planning.jobs.coordination import overlapping_plans_alert
from clearcheck.planning.jobs.plans import annual_plans_unfiled_alert
from clearcheck.planning.jobs.urgent import urgent_approvals_overdue_alert


def planning_alerts_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Run every planning alert job; returns how many alerts each raised."""
    return {
        "R05": annual_plans_unfiled_alert(today=today),
        "R09": overlapping_plans_alert(today=today),
        "R10": urgent_approvals_overdue_alert(today=today),
        "R10 calendar": calendar_year_missing_alert(today=today),
    }


class Command(BaseCommand):
    """Raise the alerts of unfiled plans (R05), overlapping tasks (R09) and overdue urgent approvals (R10)."""

    help = "Raise planning alerts (R05 unfiled annual plans, R09 overlapping tasks, R10 overdue urgent approvals)"

    def add_arguments(self, parser):
        """``--today YYYY-MM-DD`` runs the job as of another day."""
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        """Run the jobs and print the counts."""
        counts = planning_alerts_run(today=options["today"])
        for rule_id, count in counts.items():
            self.stdout.write(f"{rule_id}: {count}")
