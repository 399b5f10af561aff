"""``clearcheck inspections_alerts``: the periodic job of on-site work: R19 overdue corrections raise alerts;
pending visits whose 10-minute confirmation window passed expire (R14).

Idempotent and safe to run twice at once: every alert has a deduplication key. In production a scheduler
runs it daily, next to ``planning_alerts``.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from clearcheck.inspections.jobs import corrections_overdue_alert
from clearcheck.inspections.services.evidence_uploads import evidence_uploads_expire
from clearcheck.inspections.services.visits import visits_expire_due


def inspections_alerts_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Run every on-site job; returns how many alerts each raised (R19) and how many rows expired."""
    return {"R19": corrections_overdue_alert(today=today), "visits_expired": visits_expire_due(),
            "uploads_expired": evidence_uploads_expire()}


class Command(BaseCommand):
    """Raise the alerts of correction orders still open after their deadline (R19)."""

    help = "Raise on-site alerts (R19 correction orders overdue)"

    def add_arguments(self, parser):
        """``--today YYYY-MM-DD`` runs the job as of another day."""
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        """Run the jobs and print the counts."""
        counts = inspections_alerts_run(today=options["today"])
        for rule_id, count in counts.items():
            self.stdout.write(f"{rule_id}: {count}")
