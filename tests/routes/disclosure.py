"""Route expectations of the disclosure portal (issue 6 §7): the 一公开 hub, the rights guide, the public
inspection outcomes and the industry handbooks (public pages for everyone; the handbook workspace for the
bureau and agency admins, who edit drafts — only the bureau publishes, which the service decides).
"""

from tests.access import EVERYONE, ok, post_only

EDITORS = ("bureau", "agency_admin")

EXPECTATIONS = {
    # --- public pages (internet zone) -----------------------------------------------------------
    "disclosure:portal": ok(EVERYONE),
    "disclosure:rights": ok(EVERYONE),
    "disclosure:outcome_list": ok(EVERYONE),
    "disclosure:outcome_detail": ok(EVERYONE),
    "disclosure:handbook_list": ok(EVERYONE),
    "disclosure:handbook_detail": ok(EVERYONE),
    # --- the audit chain's archived heads (issue 20): public, for mirroring -------------------------
    "disclosure:audit_heads_json": ok(EVERYONE),
    "disclosure:audit_archived_head": ok(EVERYONE),
    # --- handbook workspace (government network) ------------------------------------------------
    "disclosure:handbook_work_list": ok(*EDITORS),
    "disclosure:handbook_create": ok("bureau"),
    "disclosure:handbook_work_detail": ok(*EDITORS),
    "disclosure:handbook_draft_start": post_only(*EDITORS),
    "disclosure:handbook_version_edit": ok(*EDITORS),
    "disclosure:handbook_publish": post_only(*EDITORS),
    # --- the public handbook API ------------------------------------------------------------------
    "GET /api/public/handbooks": ok(EVERYONE),
    "GET /api/public/handbooks/{handbook_id}": ok(EVERYONE),
}

HANDBOOK_ROUTES = ("disclosure:handbook_work_detail", "disclosure:handbook_draft_start",
                   "GET /api/public/handbooks/{handbook_id}")
VERSION_ROUTES = ("disclosure:handbook_version_edit", "disclosure:handbook_publish")


def world_extend(world: dict) -> None:
    """A published handbook (its version for the version pages) and a closed inspection of the users'
    agency without findings, checked in by geolocation (the crawl's agency has one officer, so the item
    records the legal basis that lets one officer inspect, R14). The visit is closed, so the officer is
    free for the other areas' visits.
    """
    import datetime as dt

    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.disclosure import services as disclosure
    from clearcheck.inspections.services import records
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency, enterprise, today = world["users"], world["agency"], world["enterprise"], clock.local_today()
    bureau, admin, officer = users["bureau"], users["agency_admin"], users["officer"]

    handbook = disclosure.handbook_create(actor=bureau, industry_code="2740", slug="ejiao", title="阿胶行业依法经营指引")
    version = handbook.versions.get()
    disclosure.handbook_draft_update(actor=bureau, version_id=version.pk, sections={
        "summary": "东阿是阿胶的故乡。", "licences": "药品生产许可证", "inspection_notes": "清单之外无检查。",
        "penalties": "依照《中华人民共和国药品管理法》处理。", "credit_repair": "信用修复。"})
    disclosure.handbook_publish(actor=bureau, version_id=version.pk)
    world["params"]["slug"] = handbook.slug
    for key in HANDBOOK_ROUTES:
        world["per_route"].setdefault(key, {})["handbook_id"] = handbook.pk
    for key in VERSION_ROUTES:
        world["per_route"].setdefault(key, {})["version_id"] = version.pk

    item = catalog.item_create(actor=admin, code="SCJG-PUB-1", name="营业执照公示情况检查",
                               legal_basis="《市场主体登记管理条例》", object_scope="市场主体", method="现场查看",
                               single_officer_basis="《某办法》:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case", source="complaint",
                       source_reference="12345-PUB-1", items=[item], officers=[world["officer"]], window_start=today,
                       window_end=today + dt.timedelta(days=5), notice="请备好营业执照")
    task_submit(actor=admin, task_id=task.pk)
    task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")
    visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                    latitude=enterprise.latitude, longitude=enterprise.longitude,
                                    idempotency_key="crawl-disclosure")
    entry = visit.record.entries.get()
    records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="compliant")
    records.record_header_update(actor=officer, visit_id=visit.pk, findings_summary="未发现问题",
                                 enterprise_representative="刘强", enterprise_opinion="无异议")
    records.record_sign_officer(actor=officer, visit_id=visit.pk)
    records.record_sign_enterprise(actor=officer, visit_id=visit.pk, refused=True, refusal_note="拒绝签名,执法人员见证")
    records.visit_close(actor=officer, visit_id=visit.pk)
    world["per_route"].setdefault("disclosure:outcome_detail", {})["visit_id"] = visit.pk
    # The chain's head archived today (issue 20), for the public page of an archived head.
    from clearcheck.audit.archive import audit_head_archive
    from clearcheck.audit.services import audit_seal

    audit_seal()
    audit_head_archive(today=today)
    world["params"]["archive_day"] = today.isoformat()
