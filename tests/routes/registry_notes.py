"""Route expectations of agencies' own notes on an enterprise (issue 17, ADR 0018): the bureau reads every
agency's notes, agency staff their own agency's, nobody else any.
"""

from tests.access import AGENCY, ok

EXPECTATIONS = {
    "GET /api/enterprises/{enterprise_id}/notes": ok("bureau", AGENCY,
                                                     empty=("government", "discipline", "enterprise")),
}


def world_extend(world: dict) -> None:
    """A note of the users' agency on the users' enterprise."""
    from clearcheck.registry.services import enterprise_note_add

    enterprise_note_add(actor=world["users"]["agency_admin"], enterprise_id=world["enterprise"].pk,
                        text="入企检查请走南门")
