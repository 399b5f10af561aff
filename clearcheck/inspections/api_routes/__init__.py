"""Inspections API, one router per area (combined in ``inspections.api``)."""
