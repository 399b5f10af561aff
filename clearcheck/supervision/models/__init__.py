"""Supervision models, one module per aggregate: the alert engine's runs, supervision matters, dashboard rollups.

The alert itself is ``clearcheck.alerts.models.Alert`` (ADR 0019).
"""

from . import rollups  # noqa: F401  (dashboard rollups, ADR 0014)
from .engine import AlertRun, JobLock
from .matters import Directive, Interview, Notice, Referral, SupervisionMatter

__all__ = ["AlertRun", "Directive", "Interview", "JobLock", "Notice", "Referral", "SupervisionMatter"]
