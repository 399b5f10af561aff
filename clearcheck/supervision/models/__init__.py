"""Supervision models, one module per aggregate: alerts, supervision matters, dashboard rollups."""

from .alerts import Alert

__all__ = ["Alert"]
