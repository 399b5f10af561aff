"""``clearcheck sampling_alerts``: R24 alerts for draws not revealed after their window, or committed and
never selected once it began (idempotent).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from clearcheck.sampling.jobs import draws_unrevealed_alert, draws_unselected_alert


class Command(BaseCommand):
    """Raise the alerts of draws whose result was not published in time (R24)."""

    help = "Raise R24 alerts for draws not revealed within the grace period after their inspection window"

    def add_arguments(self, parser):
        """``--today YYYY-MM-DD`` runs the job as of another day."""
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        """Run the job and print the count."""
        today = options["today"]
        self.stdout.write(f"R24 unrevealed: {draws_unrevealed_alert(today=today)}")
        self.stdout.write(f"R24 unselected: {draws_unselected_alert(today=today)}")
