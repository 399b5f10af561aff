"""Route expectations of the on-site record (现场检查笔录, issue 4 section 5, R16 R17 R25 R26).

Readers of a record: the users of the visit's agency, the county readers and the enterprise itself
(read-only); the close page is internal. Saving entries and the header is an officer's POST.
"""

from tests.access import INTERNAL, ok, post_only

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:record_edit": ok(INTERNAL, "enterprise"),
    "inspections:record_entry_save": post_only("officer"),
    "inspections:record_header_save": post_only("officer"),
    "inspections:record_progress": ok("officer"),
    "inspections:record_sign": ok(INTERNAL, "enterprise"),
    "inspections:record_signature_image": ok(INTERNAL, "enterprise"),
    "inspections:record_close": ok(INTERNAL),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/visits/{visit_id}/record": ok(INTERNAL, "enterprise"),
}

ROUTES = [key for key in EXPECTATIONS if not key.startswith("GET ")] + ["GET /api/visits/{visit_id}/record"]


def world_extend(world: dict) -> None:
    """A closed inspection visit of the users' agency at their enterprise, its record complete and signed
    (the drawn signature of the representative included), built through the check-in and record services
    (geolocated check-in, so the code areas keep their own first code).

    The crawl's agency has one officer (other tests count them), so the task's item records the legal
    basis that lets one officer inspect (R14 除法律另有规定外). The visit is closed at the end, so the
    officer is free for the other areas' visits.
    """
    import base64
    import datetime as dt
    import io

    from PIL import Image, ImageDraw

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services import records
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency, today = world["users"], world["agency"], clock.local_today()
    admin, officer = users["agency_admin"], users["officer"]
    item = catalog.item_create(actor=admin, code="SCJG-REC-1", name="计量器具使用情况检查",
                               legal_basis="《计量法》第九条", object_scope="经营者", method="现场检查",
                               single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(
        actor=admin, agency=agency, enterprise=world["enterprise"], inspection_type="case", source="complaint",
        items=[item], officers=[world["officer"]], window_start=today, window_end=today + dt.timedelta(days=10),
        notice="请备好计量器具检定证书",
    )
    task_submit(actor=admin, task_id=task.pk)
    task = task_approve(actor=users["agency_head"], task_id=task.pk)
    enterprise = world["enterprise"]
    visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-record")
    for entry in visit.record.entries.all():
        records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="compliant")
    records.record_header_update(actor=officer, visit_id=visit.pk, findings_summary="未发现问题",
                                 enterprise_representative="刘强", enterprise_opinion="无异议")
    records.record_sign_officer(actor=officer, visit_id=visit.pk)
    image = Image.new("RGBA", (200, 80), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 60), (100, 10), (190, 50)], fill=(0, 0, 0, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    signature = records.record_sign_enterprise(
        actor=officer, visit_id=visit.pk, image_data_url="data:image/png;base64," + base64.b64encode(
            buffer.getvalue()).decode())
    records.visit_close(actor=officer, visit_id=visit.pk)
    for key in ROUTES:
        world["per_route"].setdefault(key, {})["visit_id"] = visit.pk
    world["per_route"]["inspections:record_signature_image"]["signature_id"] = signature.pk
    world["record_visit"] = visit
