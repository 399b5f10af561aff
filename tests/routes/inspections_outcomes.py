"""Route expectations of findings and dispositions (检查结果处置, issue 4 section 7, R19).

Readers of a visit's outcomes are the readers of the visit (internal roles of its scope; the enterprise
reads its findings through ``/api/enterprise/findings`` and the page, once the record is closed). The
referral inbox is the agency admin's and head's; a referral is read by the referring side and the
receiving agency. The crawl's referral goes from the users' agency to ``other_agency``, so every inbox of
the users' agency is empty.
"""

from tests.access import AGENCY_MANAGERS, INTERNAL, SIGNED_IN, ok

EXPECTATIONS = {
    # --- pages ----------------------------------------------------------------------------------
    "inspections:outcomes": ok(INTERNAL, "enterprise"),
    "inspections:referral_inbox": ok(AGENCY_MANAGERS),
    "inspections:referral_detail": ok(INTERNAL),
    # --- API ------------------------------------------------------------------------------------
    "GET /api/visits/{visit_id}/findings": ok(INTERNAL, empty="enterprise"),
    "GET /api/findings": ok(INTERNAL, empty="enterprise"),
    "GET /api/enterprise/findings": ok("enterprise", empty=INTERNAL),
    "GET /api/findings/{finding_id}": ok(INTERNAL),
    "GET /api/dispositions/{disposition_id}": ok(INTERNAL),
    "GET /api/referrals": ok(SIGNED_IN, empty=SIGNED_IN),
}

VISIT_ROUTES = ("inspections:outcomes", "GET /api/visits/{visit_id}/findings", "POST /api/visits/{visit_id}/findings")
DISPOSITION_ROUTES = ("inspections:referral_detail", "GET /api/dispositions/{disposition_id}")


def world_extend(world: dict) -> None:
    """A closed inspection visit of the users' agency with one finding referred to ``other_agency``, built
    through the check-in, record and outcome services (geolocated check-in, so the code areas keep their
    own first code). The crawl's agency has one officer, so the item records the legal basis that lets one
    officer inspect (R14). The visit is closed, so the officer is free for the other areas' visits.
    """
    import datetime as dt

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.inspections.services import outcomes, records
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency, enterprise, today = world["users"], world["agency"], world["enterprise"], clock.local_today()
    admin, officer = users["agency_admin"], users["officer"]
    item = catalog.item_create(actor=admin, code="SCJG-OUT-1", name="从业人员健康管理情况检查",
                               legal_basis="《食品安全法》第四十五条", object_scope="食品生产经营者", method="现场检查",
                               single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case", source="complaint",
                       source_reference="12345-OUT-1", items=[item], officers=[world["officer"]], window_start=today,
                       window_end=today + dt.timedelta(days=5), notice="请备好从业人员健康证明")
    task_submit(actor=admin, task_id=task.pk)
    task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")
    visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-outcomes")
    entry = visit.record.entries.get()
    records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="non_compliant",
                             note="两名从业人员未能出示健康证明")
    finding = outcomes.finding_create(actor=officer, visit_id=visit.pk, entry_ids=[entry.pk],
                                      description="从业人员未取得健康证明上岗", legal_basis="《食品安全法》第四十五条")
    referral = outcomes.disposition_add(actor=officer, finding_id=finding.pk, kind="refer",
                                        referred_to=world["other_agency"].pk, note="涉及其他部门职责,移送办理")
    records.record_header_update(actor=officer, visit_id=visit.pk, findings_summary="从业人员健康证明不全",
                                 enterprise_representative="刘强", enterprise_opinion="无异议")
    records.record_sign_officer(actor=officer, visit_id=visit.pk)
    records.record_sign_enterprise(actor=officer, visit_id=visit.pk, refused=True, refusal_note="拒绝签名,执法人员见证")
    records.visit_close(actor=officer, visit_id=visit.pk)
    for key in VISIT_ROUTES:
        world["per_route"].setdefault(key, {})["visit_id"] = visit.pk
    for key in DISPOSITION_ROUTES:
        world["per_route"].setdefault(key, {})["disposition_id"] = referral.pk
    world["params"].setdefault("finding_id", finding.pk)
    world["params"].setdefault("disposition_id", referral.pk)
    world["outcomes_visit"], world["finding"], world["referral"] = visit, finding, referral
