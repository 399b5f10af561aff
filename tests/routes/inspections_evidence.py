"""Route expectations of evidence (issue 4 section 6, R18).

Readers of a visit's evidence: its confirmed officers, the agency's admin, head and department heads, the
bureau and discipline inspection, and the enterprise (the list with hashes; the files only of what it
provided). The county government reads none. A chunked upload is its creator's alone.
"""

from tests.access import AGENCY, ok, post_only

READERS = (AGENCY, "bureau", "discipline")

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:evidence_list": ok(*READERS, "enterprise"),
    "inspections:evidence_file": ok(*READERS),  # a photo the officers took: not the enterprise's to download
    "inspections:evidence_withdraw": post_only("officer"),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/visits/{visit_id}/evidence": ok(*READERS, "enterprise"),
    "GET /api/evidence/{evidence_id}": ok(*READERS, "enterprise"),
    "GET /api/evidence/{evidence_id}/file": ok(*READERS),
    "GET /api/evidence-uploads/{upload_id}": ok("officer"),
}


def world_extend(world: dict) -> None:
    """An open inspection visit of the users' officer at the users' enterprise (geolocated check-in) with a
    photo, a document the enterprise handed over, and an unfinished chunked upload of the officer.

    The crawl's agency has one officer, so the task's item records the legal basis that lets one officer
    inspect (R14 除法律另有规定外). The routes of this area get this visit through ``per_route``.
    """
    import datetime as dt
    import hashlib

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services.evidence import evidence_add
    from clearcheck.inspections.services.evidence_uploads import evidence_upload_create
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency, enterprise, today = world["users"], world["agency"], world["enterprise"], clock.local_today()
    admin, officer = users["agency_admin"], users["officer"]
    item = catalog.item_create(actor=admin, code="SCJG-EV-1", name="食品标签标识检查", legal_basis="《食品安全法》第六十七条",
                               object_scope="食品生产经营者", method="现场检查",
                               single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case", source="complaint",
                       items=[item], officers=[world["officer"]], window_start=today,
                       window_end=today + dt.timedelta(days=5), notice="请备好产品标签样张")
    task_submit(actor=admin, task_id=task.pk)
    task_approve(actor=users["agency_head"], task_id=task.pk)
    visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-evidence")
    place = {"captured_at": clock.now(), "latitude": enterprise.latitude, "longitude": enterprise.longitude,
             "captured_by": world["officer"].pk}
    photo = evidence_add(actor=officer, visit_id=visit.pk, kind="photo", proves="成品库标签缺少生产日期",
                         content=b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 2000, **place)
    evidence_add(actor=officer, visit_id=visit.pk, kind="document", origin="enterprise", proves="企业提供的标签样张",
                 content=b"%PDF-1.7\n" + b"%" * 2000, **place)
    data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x02" * 50_000
    upload, _ = evidence_upload_create(actor=officer, visit_id=visit.pk, kind="photo", proves="车间全景",
                                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), **place)
    for key in ("inspections:evidence_list", "GET /api/visits/{visit_id}/evidence"):
        world["per_route"].setdefault(key, {})["visit_id"] = visit.pk
    world["params"]["evidence_id"] = photo.pk
    world["params"]["upload_id"] = str(upload.pk)
    world["evidence_visit"] = visit
