"""Actor-scoped reads of the inspections app, one module per area; ``requests`` re-exported here."""

from .requests import (  # noqa: F401
    CREDENTIAL_NO,
    MAX_ID,
    READER_ROLES,
    entry_refusal_get_for_actor,
    entry_refusals_for_actor,
    officer_id_for_credential,
    recusal_request_get_for_actor,
    recusal_requests_for_actor,
)
