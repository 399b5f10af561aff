"""``clearcheck rollups_fold``: fold new final visits into the dashboard rollups (ADR 0014).

Idempotent and safe to run twice at once; run it every minute in production (cron or Celery beat).
"""

import datetime as dt

from django.core.management.base import BaseCommand

from clearcheck.supervision.dashboards.fold import BATCH, SAFETY_LAG, rollups_fold, watermark
from clearcheck.supervision.dashboards.rebuild import rollups_rebuild


class Command(BaseCommand):
    """Fold visits past the watermark into the rollups and print how many."""

    help = "Fold visits that reached a final state into the dashboard rollups (idempotent; safe to run twice at once)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="visits read per transaction")
        parser.add_argument("--lag-seconds", type=int, default=int(SAFETY_LAG.total_seconds()),
                            help="the floor passes only visits started at least this long ago")
        parser.add_argument("--rebuild", action="store_true",
                            help="recount every rollup from all visits in set-based SQL (a backfill; "
                                 "folds wait until it commits)")

    def handle(self, *args, **options):
        lag = dt.timedelta(seconds=options["lag_seconds"])
        if options["rebuild"]:
            self.stdout.write(f"rebuilt from visits: {rollups_rebuild(lag=lag)}")
        folded = rollups_fold(batch=options["batch"], lag=lag)
        mark = watermark()
        self.stdout.write(f"folded: {folded}\nfloor: {mark.floor_id}\ngeneration: {mark.generation}")
