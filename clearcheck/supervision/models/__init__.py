"""Supervision models, one module per aggregate: alerts, supervision matters, dashboard rollups."""

from . import rollups  # noqa: F401  (dashboard rollups, ADR 0014)
from .alerts import Alert, AlertRun, JobLock
from .matters import Directive, Interview, Notice, Referral, SupervisionMatter

__all__ = ["Alert", "AlertRun", "Directive", "Interview", "JobLock", "Notice", "Referral", "SupervisionMatter"]
