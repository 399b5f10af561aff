"""Route expectations of check-in (扫码入企, issue 4, sections 3, 4 and 8: R11, R14, R26, R28)."""

from tests.access import EVERYONE, INTERNAL, NOBODY, SIGNED_IN, Access, ok, post_only

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:my_tasks": ok("officer"),
    "inspections:visit_list": ok(INTERNAL),
    "inspections:visit_start": post_only("officer"),
    "inspections:visit_start_other": post_only("officer"),
    "inspections:visit_checkin_location": ok("officer"),
    "inspections:visit_detail": ok(INTERNAL),
    "inspections:visit_live": ok(INTERNAL),
    "inspections:visit_confirm": post_only("officer"),
    "inspections:visit_cancel": post_only("officer", "agency_head", "agency_admin"),
    # moved to the enterprise portal (feedback_enterprise:visits): everyone is sent there
    "inspections:enterprise_visits_moved": Access(NOBODY, {role: 301 for role in EVERYONE}),
    "inspections:enterprise_visit_detail": Access(NOBODY, {role: 301 for role in EVERYONE}),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/visits": ok(SIGNED_IN),
    "GET /api/visits/{visit_id}": ok(SIGNED_IN),
    "GET /api/enterprise/current-visit": ok("enterprise"),
}


def world_extend(world: dict) -> None:
    """An open inspection visit of the users' officer at the users' enterprise, built through the check-in
    services (a geolocated check-in, so the code areas keep their own first code). The crawl's agency has
    one officer, so the task's item records the legal basis that lets one officer inspect (R14).

    An area that already put a visit into the world (``world["visit"]``) keeps it.
    """
    import datetime as dt

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    if world.get("visit") is not None:
        world["params"].setdefault("visit_id", world["visit"].pk)
        return
    users, agency, enterprise, today = world["users"], world["agency"], world["enterprise"], clock.local_today()
    admin = users["agency_admin"]
    item = catalog.item_create(actor=admin, code="SCJG-VS-1", name="明码标价情况检查", legal_basis="《价格法》第十三条",
                               object_scope="经营者", method="现场检查",
                               single_officer_basis="《明码标价和禁止价格欺诈规定》:可由一名执法人员现场核查")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case", source="complaint",
                       source_reference="12345-VS-1", items=[item], officers=[world["officer"]], window_start=today,
                       window_end=today + dt.timedelta(days=5), notice="请备好价目表")
    task_submit(actor=admin, task_id=task.pk)
    task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")
    visit = visit_start_by_location(actor=users["officer"], enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-visit")
    world["visit"] = visit
    world["params"]["visit_id"] = visit.pk
