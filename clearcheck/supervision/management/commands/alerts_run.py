"""``clearcheck alerts_run [--today YYYY-MM-DD] [--rule R19]``: run the periodic checks the apps registered.

Idempotent (a rerun raises nothing new) and safe to run twice at once: a second run finds the lock held and
exits cleanly. In production a scheduler (Celery beat, cron) runs it daily; the per-app commands
(``planning_alerts``, ``inspections_alerts``, ``sampling_alerts``) still work.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from clearcheck.supervision.engine import alerts_run


class Command(BaseCommand):
    """Run every periodic alert check (R05, R09, R10, R19, R24 …) and record the run."""

    help = "Run the alert engine: every periodic ALERT check, or those of one rule (--rule)"

    def add_arguments(self, parser):
        """``--today`` runs as of another day; ``--rule`` runs one rule's checks."""
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--rule", default=None)

    def handle(self, *args, **options):
        """Run the engine and print the new alerts per check."""
        try:
            run = alerts_run(today=options["today"], rule_id=options["rule"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if run is None:
            self.stdout.write("another alerts_run holds the lock; nothing done")
            return
        for key, count in run.counts.items():
            self.stdout.write(f"{key}: {count}")
        for key, error in run.errors.items():
            self.stderr.write(f"{key} failed: {error}")
        self.stdout.write(f"run {run.pk}: {run.status}, {run.raised} new")
