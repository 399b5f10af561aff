"""Route expectations of entry refusals (R29, 四(八)): the enterprise records entries it refused."""

from tests.access import ok

READERS = ("enterprise", "agency_head", "agency_admin", "bureau", "discipline")

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:entry_refusal_list": ok(*READERS),
    "inspections:entry_refusal_detail": ok(*READERS),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/entry-refusals": ok(*READERS, empty=("government", "department_head", "officer")),
    "GET /api/entry-refusals/{refusal_id}": ok(*READERS),
}


def world_extend(world: dict) -> None:
    """A refusal by the crawl's enterprise naming the crawl's agency (so its head and admin read it)."""
    import datetime as dt

    from clearcheck.core import clock
    from clearcheck.inspections.services import entry_refusal_record

    record = entry_refusal_record(
        actor=world["users"]["enterprise"], agency_id=world["agency"].pk, people="王某,自称执法人员",
        occurred_at=clock.now() - dt.timedelta(hours=1), place="厂区大门", feedback="未扫码即要求入企,已拒绝",
    )
    world["params"]["refusal_id"] = record.pk
    world["entry_refusal"] = record
