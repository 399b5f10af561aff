"""Writes of the inspections app, one module per area; import from the module (``services.visits`` …).

``requests``: entry refusals (R29), re-exported here for older callers (recusal requests, R13, are
``registry.recusals``).
"""

from .requests import (  # noqa: F401
    entry_refusal_record,
    entry_refusal_snapshot,
)
