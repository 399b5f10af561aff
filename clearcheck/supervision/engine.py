"""The alert engine: one runner (``alerts_run``) of every periodic alert check, and the log of its runs.

The checks are not listed here: each app registers its own with ``clearcheck.alerts.checks`` when it loads
(its ``AppConfig.ready``), next to the code they run, and the runner asks the registry for them; supervision
names no domain job. ``clearcheck.alerts.checks.raised_where`` is the catalogue of where each ALERT rule is
raised.

A run takes a database lease (``JobLock``) by one conditional UPDATE (free or expired → ours), which both
PostgreSQL and SQLite apply atomically; a second run at the same time finds the lease held and stops
without touching anything. Each check runs in its own transactions (they may be long); the lease, not a
transaction, keeps runs apart, and it expires if a run dies. Inside a run, ``alert_periodic_pass`` makes a
situation found again no new occurrence, so a rerun changes nothing. Each run is recorded as an
``AlertRun`` (started, finished, new alerts per check, errors).
"""

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.db.models import Q

from clearcheck.alerts.checks import periodic_checks_select
from clearcheck.alerts.services import alert_periodic_pass
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock

from .choices import AlertRunStatus
from .models import AlertRun, JobLock

log = logging.getLogger(__name__)

LOCK_NAME = "alerts_run"
LEASE = dt.timedelta(hours=1)


def _lock_take(token: str) -> bool:
    now = clock.now()
    JobLock.objects.get_or_create(name=LOCK_NAME)
    with transaction.atomic():
        taken = (JobLock.objects.filter(name=LOCK_NAME)
                 .filter(Q(holder="") | Q(held_until__isnull=True) | Q(held_until__lt=now))
                 .update(holder=token, held_until=now + LEASE))
    return taken == 1


def _lock_release(token: str) -> None:
    with transaction.atomic():
        JobLock.objects.filter(name=LOCK_NAME, holder=token).update(holder="", held_until=None)


@transaction.atomic
def _run_start(*, actor, today: dt.date, rule_id: str | None) -> AlertRun:
    run = AlertRun.objects.create(today=today, rule_filter=rule_id or "", started_at=clock.now(),
                                  started_by=actor_label(actor))
    audit_record(actor=actor, action="alert_run.start", subject=run, after={"today": today, "rule": rule_id or ""})
    return run


@transaction.atomic
def _run_finish(run: AlertRun, *, actor, counts: dict, errors: dict) -> AlertRun:
    run.counts, run.errors = counts, errors
    run.raised = sum(counts.values())
    run.status = AlertRunStatus.FAILED if errors else AlertRunStatus.FINISHED
    run.finished_at = clock.now()
    run.save(update_fields=["counts", "errors", "raised", "status", "finished_at"])
    audit_record(actor=actor, action="alert_run.finish", subject=run,
                 after={"status": run.status, "counts": counts, "errors": errors, "raised": run.raised})
    return run


def alerts_run(*, today: dt.date | None = None, rule_id: str | None = None, actor=None) -> AlertRun | None:
    """Run every periodic alert check (or those of ``rule_id``) as of ``today`` (Asia/Shanghai); returns the
    recorded run, or None when another run holds the lock. A failing check is recorded and the others run.
    """
    today = today or clock.local_today()
    checks = periodic_checks_select(rule_id)
    token = uuid.uuid4().hex
    if not _lock_take(token):
        return None
    try:
        run = _run_start(actor=actor, today=today, rule_id=rule_id)
        counts: dict[str, int] = {}
        errors: dict[str, str] = {}
        for check in checks:
            key = check.key
            try:
                with alert_periodic_pass() as state:
                    check.function(today=today)
                counts[key] = state.created
            except Exception as exc:  # noqa: BLE001 — one broken check must not stop the others
                log.exception("alert check %s failed", key)
                counts[key] = 0
                errors[key] = f"{type(exc).__name__}: {exc}"
        return _run_finish(run, actor=actor, counts=counts, errors=errors)
    finally:
        _lock_release(token)
