"""Alert counts for ``/metrics`` (issue 21, part 6): one GROUP BY at scrape time."""

from django.db.models import Count

from clearcheck.core.metrics import Metric

from .models import Alert


def alert_metrics() -> list[Metric]:
    """Alerts by state and rule (the rule ID, never the subject)."""
    rows = Alert.objects.order_by().values("state", "rule_id").annotate(n=Count("id"))
    samples = [({"state": row["state"], "rule": row["rule_id"]}, row["n"])
               for row in sorted(rows, key=lambda r: (r["state"], r["rule_id"]))]
    return [Metric("clearcheck_alerts", "gauge", "Alerts by state and rule ID", samples)]
