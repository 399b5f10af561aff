"""Writes of the inspections app, one module per area; import from the module (``services.visits`` …).

``requests``: recusal requests (R13) and entry refusals (R29), re-exported here for older callers.
"""

from .requests import (  # noqa: F401
    entry_refusal_record,
    entry_refusal_snapshot,
    recusal_request_decide,
    recusal_request_file,
    recusal_snapshot,
)
