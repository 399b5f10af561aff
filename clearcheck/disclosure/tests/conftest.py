"""Fixtures of the disclosure tests: a county with published items and no-penalty entries of two agencies,
a handbook factory, and closed inspections built through the check-in, record and outcome services.
"""

import datetime as dt
import itertools

import pytest

_keys = itertools.count(1)


@pytest.fixture
def hb_county(county, make_user_plain, reference_codes):
    """``county`` plus published items and no-penalty entries of both agencies and an admin of the other."""
    from clearcheck.catalog import services as catalog

    users = county["users"]
    admin, agency = users["agency_admin"], county["agency"]
    other_admin = make_user_plain("agency_admin", agency=county["other_agency"], username="hb-other-admin")
    items = {
        "drug": catalog.item_create(actor=admin, code="SCJG-002", name="药品生产质量管理规范符合性检查",
                                    legal_basis="《中华人民共和国药品管理法》", object_scope="药品生产企业",
                                    method="现场检查", single_officer_basis="《某办法》:可由一名执法人员实施"),
        "licence": catalog.item_create(actor=admin, code="SCJG-007", name="营业执照公示情况检查",
                                       legal_basis="《市场主体登记管理条例》", object_scope="市场主体", method="现场查看",
                                       single_officer_basis="《某办法》:可由一名执法人员实施"),
    }
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    items["safety"] = catalog.item_create(actor=other_admin, code="YJJ-001", name="安全生产监督检查",
                                          legal_basis="《中华人民共和国安全生产法》", object_scope="生产经营单位",
                                          method="现场检查")
    catalog.item_list_publish(actor=other_admin, agency=county["other_agency"], reason="首次公布")
    entry = catalog.no_penalty_entry_create(actor=admin, kind="first_violation", title="未按规定公示营业执照",
                                            legal_basis="《中华人民共和国行政处罚法》第三十三条", conditions="首次违法")
    catalog.no_penalty_list_publish(actor=admin, agency=agency, reason="首次公布")
    for item in items.values():
        item.refresh_from_db()
    entry.refresh_from_db()
    return {**county, "items": items, "entry": entry, "other_admin": other_admin,
            "industry": reference_codes["industry"]}


SECTIONS = {"summary": "东阿是阿胶的故乡。", "licences": "药品生产许可证\n食品生产许可证(SC)",
            "inspection_notes": "清单之外无检查。", "penalties": "依照《中华人民共和国药品管理法》处理。",
            "no_penalty_notes": "首违不罚。", "credit_repair": "依照《失信行为纠正后的信用信息修复管理办法(试行)》申请修复。"}


@pytest.fixture
def handbook_published(hb_county):
    """The 阿胶 handbook with v1 published by the bureau (linking the drug item and the no-penalty entry)."""
    from clearcheck.disclosure import services

    bureau = hb_county["users"]["bureau"]
    handbook = services.handbook_create(actor=bureau, industry_code="2740", slug="ejiao", title="阿胶行业依法经营指引")
    draft = handbook.versions.get()
    services.handbook_draft_update(actor=bureau, version_id=draft.pk, sections=SECTIONS,
                                   item_ids=[hb_county["items"]["drug"].pk], no_penalty_ids=[hb_county["entry"].pk],
                                   change_note="首次发布")
    version = services.handbook_publish(actor=bureau, version_id=draft.pk)
    return {"handbook": handbook, "v1": version}


@pytest.fixture
def close_inspection(hb_county):
    """Build a closed inspection of ``enterprise`` through the services; ``disposition`` is None (no finding)
    or a disposition kind for one finding. Returns the visit.
    """
    from clearcheck.core import clock
    from clearcheck.inspections.services import outcomes, records
    from clearcheck.inspections.services.visits import visit_start_by_location
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    users, agency = hb_county["users"], hb_county["agency"]
    admin, officer = users["agency_admin"], users["officer"]

    def build(enterprise, *, disposition: str | None = None, close: bool = True):
        today = clock.local_today()
        n = next(_keys)
        task = task_create(actor=admin, agency=agency, enterprise=enterprise, inspection_type="case",
                           source="complaint", source_reference=f"12345-HB-{n}", items=[hb_county["items"]["licence"]],
                           officers=[hb_county["officer"]], window_start=today,
                           window_end=today + dt.timedelta(days=5), notice="请备好营业执照")
        task_submit(actor=admin, task_id=task.pk)
        task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")
        visit = visit_start_by_location(actor=officer, enterprise_id=enterprise.pk, task_ids=[task.pk],
                                        latitude=enterprise.latitude, longitude=enterprise.longitude,
                                        idempotency_key=f"hb-{n}")
        entry = visit.record.entries.get()
        if disposition is None:
            records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="compliant")
        else:
            records.record_entry_set(actor=officer, visit_id=visit.pk, entry_id=entry.pk, result="non_compliant",
                                     note="营业执照未公示(王小明在场)")
            finding = outcomes.finding_create(actor=officer, visit_id=visit.pk, entry_ids=[entry.pk],
                                              description="营业执照未在醒目位置公示,店员王小明称已过期",
                                              legal_basis="《市场主体登记管理条例》")
            extra = {"referred_to": hb_county["other_agency"].pk} if disposition == "refer" else {}
            if disposition == "correct_by_deadline":
                extra = {"deadline": today + dt.timedelta(days=7)}
            outcomes.disposition_add(actor=officer, finding_id=finding.pk, kind=disposition, note="依法处置", **extra)
        records.record_header_update(actor=officer, visit_id=visit.pk, findings_summary="检查情况:刘大伟陪同",
                                     enterprise_representative="刘大伟", enterprise_opinion="无异议,刘大伟")
        if close:
            records.record_sign_officer(actor=officer, visit_id=visit.pk)
            records.record_sign_enterprise(actor=officer, visit_id=visit.pk, refused=True, refusal_note="拒绝签名")
            records.visit_close(actor=officer, visit_id=visit.pk)
        visit.refresh_from_db()
        return visit

    return build
