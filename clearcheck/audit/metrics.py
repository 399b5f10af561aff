"""The audit chain's metrics and the seal's freshness (issue 21, part 6): read at scrape time, two queries."""

from django.db.models import Count, Min

from clearcheck.core import clock
from clearcheck.core.metrics import Metric

from .models import AuditEvent, ChainHead


def _unsealed() -> dict:
    # The partial index audit_unsealed (seq IS NULL) keeps this cheap however long the chain grows.
    return AuditEvent.objects.filter(seq__isnull=True).aggregate(count=Count("id"), oldest=Min("occurred_at"))


def seal_done_until():
    """The moment up to which every event is sealed: the oldest unsealed event's time, or now when none waits."""
    return _unsealed()["oldest"] or clock.now()


def audit_metrics() -> list[Metric]:
    """Seal lag (events waiting and the oldest one's age) and the chain's length and last seal."""
    unsealed = _unsealed()
    moment = clock.now()
    head = ChainHead.objects.order_by("pk").values("length", "updated_at").first() or {}
    oldest = unsealed["oldest"]
    updated = head.get("updated_at")
    return [
        Metric("clearcheck_audit_unsealed_events", "gauge", "Audit events not yet sealed into the chain",
               [({}, unsealed["count"])]),
        Metric("clearcheck_audit_unsealed_oldest_age_seconds", "gauge",
               "Age of the oldest audit event not yet sealed (0 when none waits): the seal's lag",
               [({}, (moment - oldest).total_seconds() if oldest else 0)]),
        Metric("clearcheck_audit_chain_length", "gauge", "Events sealed into the audit chain",
               [({}, head.get("length", 0))]),
        Metric("clearcheck_audit_last_seal_timestamp_seconds", "gauge",
               "When the chain head last moved (Unix time; absent before the first seal)",
               [({}, updated.timestamp())] if updated else []),
    ]
