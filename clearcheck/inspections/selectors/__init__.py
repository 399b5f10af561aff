"""Actor-scoped reads of the inspections app, one module per area; ``requests`` re-exported here."""

from .requests import (  # noqa: F401
    MAX_ID,
    READER_ROLES,
    entry_refusal_get_for_actor,
    entry_refusals_for_actor,
)
