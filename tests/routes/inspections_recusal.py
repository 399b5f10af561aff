"""Route expectations of recusal requests (issue 4, section 4, R13)."""

from tests.access import ok

READERS = ("enterprise", "agency_head", "agency_admin", "bureau", "discipline")

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:recusal_list": ok(*READERS),
    "inspections:recusal_detail": ok(*READERS),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/recusal-requests": ok(*READERS, empty=("government", "department_head", "officer")),
    "GET /api/recusal-requests/{request_id}": ok(*READERS),
}


def world_extend(world: dict) -> None:
    """A pending recusal request of the crawl's enterprise about the crawl's officer (pending, so the
    planning areas can still assign that officer to the enterprise).
    """
    from clearcheck.registry.recusals import recusal_request_file

    record = recusal_request_file(actor=world["users"]["enterprise"], officer_id=world["officer"].pk,
                                  reason="该执法人员与本企业存在利害关系")
    world["params"]["request_id"] = record.pk
    world["recusal_request"] = record
