"""Reads of the alert engine's runs (bureau only: they span every agency)."""

from django.db.models import QuerySet

from clearcheck.accounts.choices import Role

from ..models import AlertRun


def alert_runs_recent(*, actor, limit: int = 5) -> QuerySet[AlertRun]:
    """The last runs of the alert engine (bureau only: they span every agency)."""
    if not actor.is_authenticated or actor.role != Role.BUREAU:
        return AlertRun.objects.none()
    return AlertRun.objects.order_by("-started_at", "-id")[:limit]
