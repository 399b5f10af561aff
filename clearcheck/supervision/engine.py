"""The alert engine: one registry of every periodic alert check, one runner (``alerts_run``), and the
catalogue of where each ALERT rule is raised.

Why an explicit list here rather than registration in each app's ``AppConfig.ready``: the whole set of
periodic checks is readable in one place, the order is fixed, and importing is lazy (``"module:function"``
strings), so supervision depends on no app at import time and no app needs to know about the engine. Adding
a check is one line in ``CHECKS``.

A run takes a database lease (``JobLock``) by one conditional UPDATE (free or expired → ours), which both
PostgreSQL and SQLite apply atomically; a second run at the same time finds the lease held and stops
without touching anything. Each check runs in its own transactions (they may be long); the lease, not a
transaction, keeps runs apart, and it expires if a run dies. Inside a run, ``alert_periodic_pass`` makes a
situation found again no new occurrence, so a rerun changes nothing. Each run is recorded as an
``AlertRun`` (started, finished, new alerts per check, errors).
"""

import datetime as dt
import importlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from clearcheck.alerts.services import alert_periodic_pass
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.rules import RULES

from .choices import AlertRunStatus
from .models import AlertRun, JobLock

log = logging.getLogger(__name__)

LOCK_NAME = "alerts_run"
LEASE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Check:
    """One periodic alert check: ``target`` is ``"module:function"``, a function ``(*, today) -> int``."""

    rule_id: str
    name: str
    target: str

    def load(self) -> Callable[..., int]:
        """Import the check's function."""
        module, _, function = self.target.partition(":")
        return getattr(importlib.import_module(module), function)


CHECKS: list[Check] = [
    Check("R05", "annual_plans_unfiled", "clearcheck.planning.jobs.plans:annual_plans_unfiled_alert"),
    Check("R09", "overlapping_plans", "clearcheck.planning.jobs.coordination:overlapping_plans_alert"),
    Check("R10", "urgent_approvals_overdue", "clearcheck.planning.jobs.urgent:urgent_approvals_overdue_alert"),
    Check("R19", "corrections_overdue", "clearcheck.inspections.jobs:corrections_overdue_alert"),
    Check("R24", "draws_unselected", "clearcheck.sampling.jobs:draws_unselected_alert"),
    Check("R24", "draws_unrevealed", "clearcheck.sampling.jobs:draws_unrevealed_alert"),
]

# ALERT rules raised when something happens (inside the service that does it), not by a periodic check.
EVENT_RAISES: dict[str, list[str]] = {
    "R05": ["clearcheck.planning.services.plans:annual_plan_file"],  # a late filing
    "R17": ["clearcheck.inspections.services.records:visit_close"],  # closed without audio/video, with a reason
    "R18": ["clearcheck.inspections.services.evidence:evidence_corruption_report"],
    "R21": ["clearcheck.planning.services.caps:cap_place_take",  # exempt sources over the cap
            "clearcheck.planning.services.caps:cap_visit_take"],
    "R24": ["clearcheck.sampling.services.draws:draw_frame_tamper_report",
            "clearcheck.sampling.services.draws:draw_cancel"],
    "R27": ["clearcheck.feedback.services:evaluation_submit"],  # raised by feedback.evaluation_submit
    "R29": ["clearcheck.inspections.services.requests:entry_refusal_record"],
}


def alert_rules() -> list[str]:
    """IDs of the catalogue's rules whose mode includes ALERT."""
    return sorted(rule.id for rule in RULES.values() if "ALERT" in rule.mode)


def raised_where() -> dict[str, list[str]]:
    """Every place an alert rule is raised: rule ID → periodic checks and services."""
    table: dict[str, list[str]] = {}
    for check in CHECKS:
        table.setdefault(check.rule_id, []).append(f"check {check.name} ({check.target})")
    for rule_id, targets in EVENT_RAISES.items():
        table.setdefault(rule_id, []).extend(f"service {t}" for t in targets)
    return table


def checks_select(rule_id: str | None = None) -> list[Check]:
    """The checks of one rule, or all; an unknown rule is a ValueError."""
    if not rule_id:
        return list(CHECKS)
    chosen = [c for c in CHECKS if c.rule_id == rule_id.upper()]
    if not chosen:
        raise ValueError(f"no periodic check for {rule_id}; checks exist for "
                         f"{', '.join(sorted({c.rule_id for c in CHECKS}))}")
    return chosen


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
    checks = checks_select(rule_id)
    token = uuid.uuid4().hex
    if not _lock_take(token):
        return None
    try:
        run = _run_start(actor=actor, today=today, rule_id=rule_id)
        counts: dict[str, int] = {}
        errors: dict[str, str] = {}
        for check in checks:
            key = f"{check.rule_id}:{check.name}"
            try:
                with alert_periodic_pass() as state:
                    check.load()(today=today)
                counts[key] = state.created
            except Exception as exc:  # noqa: BLE001 — one broken check must not stop the others
                log.exception("alert check %s failed", key)
                counts[key] = 0
                errors[key] = f"{type(exc).__name__}: {exc}"
        return _run_finish(run, actor=actor, counts=counts, errors=errors)
    finally:
        _lock_release(token)
