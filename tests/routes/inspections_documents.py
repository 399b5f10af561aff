"""Route expectations of the printable documents (issue 4, section 9): PDFs of the 行政检查审批表 and
行政检查通知书 of a task, the 现场检查笔录 of a visit and the 责令改正通知书 of an order to correct.

Who reads them follows the object: a task's approval form its agency and the county readers; its notice
also its enterprise; the record whoever reads the record; the order whoever reads the disposition (the
outcomes area's scope) and the enterprise once the record is closed.
"""

from tests.access import INTERNAL, ok

EXPECTATIONS = {
    "inspections:document_approval_form": ok(INTERNAL),
    "inspections:document_notice": ok(INTERNAL, "enterprise"),
    "inspections:document_record": ok(INTERNAL, "enterprise"),
    "inspections:document_correction_order": ok(INTERNAL, "enterprise"),
}


def world_extend(world: dict) -> None:
    """An approved task of the users' agency at their enterprise, and a closed inspection visit of it with
    a finding ordered corrected at once, built through the planning, check-in, record and outcome services
    (geolocated check-in, so the code areas keep their own first code). The crawl's agency has one
    officer, so the item records the legal basis that lets one officer inspect (R14). The visit is closed,
    so the officer is free for the other areas' visits.
    """
    import datetime as dt

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services import outcomes, records
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency, enterprise, today = world["users"], world["agency"], world["enterprise"], clock.local_today()
    admin, officer = users["agency_admin"], users["officer"]
    item = catalog.item_create(actor=admin, code="SCJG-DOC-1", name="食品标签标识情况检查",
                               legal_basis="《食品安全法》第六十七条", object_scope="食品生产经营者", method="现场检查",
                               single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case", source="complaint",
                       source_reference="12345-DOC-1", items=[item], officers=[world["officer"]], window_start=today,
                       window_end=today + dt.timedelta(days=5), notice="请备好产品标签样张")
    task_submit(actor=admin, task_id=task.pk)
    task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")
    visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-documents")
    entry = visit.record.entries.get()
    records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="non_compliant",
                             note="部分产品标签未标注生产日期")
    finding = outcomes.finding_create(actor=officer, visit_id=visit.pk, entry_ids=[entry.pk],
                                      description="部分预包装食品标签未标注生产日期",
                                      legal_basis="《食品安全法》第六十七条第一款")
    order = outcomes.disposition_add(actor=officer, finding_id=finding.pk, kind="correct_now",
                                     note="当场下架未标注生产日期的产品")
    records.record_header_update(actor=officer, visit_id=visit.pk, findings_summary="标签标识不全",
                                 enterprise_representative="刘强", enterprise_opinion="无异议")
    records.record_sign_officer(actor=officer, visit_id=visit.pk)
    records.record_sign_enterprise(actor=officer, visit_id=visit.pk, refused=True, refusal_note="拒绝签名,执法人员见证")
    records.visit_close(actor=officer, visit_id=visit.pk)
    per_route = world["per_route"]
    for key in ("inspections:document_approval_form", "inspections:document_notice"):
        per_route.setdefault(key, {})["task_id"] = task.pk
    per_route.setdefault("inspections:document_record", {})["visit_id"] = visit.pk
    per_route.setdefault("inspections:document_correction_order", {})["disposition_id"] = order.pk
    world["documents_task"], world["documents_visit"], world["correction_order"] = task, visit, order
