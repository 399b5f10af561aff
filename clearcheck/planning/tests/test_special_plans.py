"""Special plans (R08, clause 三(五)): legal review, collective discussion, government approval,
publication, the annual quota (under a lock) and urgent amendments; tasks wait for approval.
"""

import datetime as dt
import json
import threading
import time

import pytest
from django.db import connection
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.planning.models import AgencyPlanningSettings, SpecialPlan, SpecialPlanAmendment
from clearcheck.planning.rules import special_plan_task_refusal
from clearcheck.planning.selectors import plans as selectors
from clearcheck.planning.services import special_plans as services

YEAR = dt.date.today().year


def fields(**overrides) -> dict:
    values = {"year": YEAR, "title": "阿胶生产企业质量安全专项检查", "scope": "全县阿胶及其制品生产企业",
              "content": "原料来源、生产过程控制、出厂检验", "period_start": dt.date(YEAR, 5, 1),
              "period_end": dt.date(YEAR, 6, 30), "assessment": "近期抽检不合格率上升,经过评估确需开展"}
    values.update(overrides)
    return values


def draft(admin, **overrides) -> SpecialPlan:
    return services.special_plan_create(actor=admin, lead_agency=admin.agency, **fields(**overrides))


def reviewed(admin, **overrides) -> SpecialPlan:
    plan = draft(admin, **overrides)
    services.special_plan_legal_review_record(actor=admin, plan_id=plan.pk, opinion="经审核,合法")
    services.special_plan_discussion_record(actor=admin, plan_id=plan.pk, record="局党组会议研究同意",
                                            discussed_on=dt.date.today() - dt.timedelta(days=1))
    return plan


def approved(admin, government, **overrides) -> SpecialPlan:
    plan = reviewed(admin, **overrides)
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    return services.special_plan_approve(actor=government, plan_id=plan.pk, note="同意")


# --- Drafting --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r08_assessment_is_required(admin):
    with pytest.raises(ValidationFailed) as exc:
        draft(admin, assessment="  ")
    assert [e.field for e in exc.value.errors] == ["assessment"]


@pytest.mark.django_db
def test_period_and_year_are_checked(admin):
    with pytest.raises(ValidationFailed) as exc:
        draft(admin, period_start=dt.date(YEAR, 7, 1), period_end=dt.date(YEAR, 6, 1))
    assert [e.field for e in exc.value.errors] == ["period_end"]
    with pytest.raises(ValidationFailed) as exc:
        draft(admin, period_start=dt.date(YEAR + 1, 1, 5), period_end=dt.date(YEAR + 1, 2, 1))
    assert [e.field for e in exc.value.errors] == ["period_start"]


@pytest.mark.django_db
def test_co_agencies_must_be_listed_and_not_the_lead(admin, make_agency):
    partner, hidden = make_agency("东阿县应急管理局"), make_agency("东阿县未公布局", listed=False)
    plan = draft(admin, co_agencies=[partner.pk])
    assert list(plan.co_agencies.all()) == [partner]
    for bad in ([hidden.pk], [admin.agency_id]):
        with pytest.raises(ValidationFailed):
            draft(admin, co_agencies=bad)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["department_head", "officer"])
def test_only_managers_of_the_lead_agency_draft(make_user, agency, role):
    with pytest.raises(PermissionDenied):
        draft(make_user(role, agency=agency))


@pytest.mark.django_db
def test_update_of_substance_clears_the_reviews(admin):
    plan = reviewed(admin)
    services.special_plan_update(actor=admin, plan_id=plan.pk, scope="全县阿胶生产企业及小作坊")
    plan.refresh_from_db()
    assert plan.scope == "全县阿胶生产企业及小作坊"
    assert plan.legal_review == "" and plan.collective_discussion == "" and plan.discussed_at is None
    with pytest.raises(RuleViolation) as exc:
        services.special_plan_submit(actor=admin, plan_id=plan.pk)
    assert exc.value.rule_id == "R08"


# --- R08: submission ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r08_submit_without_legal_review_is_refused(admin):
    plan = draft(admin)
    services.special_plan_discussion_record(actor=admin, plan_id=plan.pk, record="集体讨论同意",
                                            discussed_on=dt.date.today())
    with pytest.raises(RuleViolation) as exc:
        services.special_plan_submit(actor=admin, plan_id=plan.pk)
    assert exc.value.rule_id == "R08" and exc.value.field == "legal_review"
    assert SpecialPlan.objects.get(pk=plan.pk).status == "draft"


@pytest.mark.django_db
def test_r08_submit_without_collective_discussion_is_refused(admin):
    plan = draft(admin)
    services.special_plan_legal_review_record(actor=admin, plan_id=plan.pk, opinion="合法")
    with pytest.raises(RuleViolation) as exc:
        services.special_plan_submit(actor=admin, plan_id=plan.pk)
    assert exc.value.rule_id == "R08" and exc.value.field == "collective_discussion"


@pytest.mark.django_db
def test_discussion_date_cannot_be_in_the_future(admin):
    plan = draft(admin)
    with pytest.raises(ValidationFailed) as exc:
        services.special_plan_discussion_record(actor=admin, plan_id=plan.pk, record="讨论",
                                                discussed_on=dt.date.today() + dt.timedelta(days=2))
    assert exc.value.errors[0].field == "discussed_on"


@pytest.mark.django_db
def test_r08_quota_reached_is_refused(admin, government):
    first = reviewed(admin, title="专项一")
    services.special_plan_submit(actor=admin, plan_id=first.pk)
    approved(admin, government, title="专项二")  # quota 2: one submitted + one approved
    third = reviewed(admin, title="专项三")
    with pytest.raises(RuleViolation) as exc:
        services.special_plan_submit(actor=admin, plan_id=third.pk)
    assert exc.value.rule_id == "R08" and "年度专项检查数量已达上限 2" in str(exc.value)
    # A rejected plan frees its place.
    services.special_plan_reject(actor=government, plan_id=first.pk, note="必要性不足")
    services.special_plan_submit(actor=admin, plan_id=third.pk)
    assert SpecialPlan.objects.get(pk=third.pk).status == "submitted"


@pytest.mark.django_db
def test_r08_quota_is_configurable_per_agency(admin, agency):
    AgencyPlanningSettings.objects.create(agency=agency, exempt_sources="", special_plan_quota=1)
    services.special_plan_submit(actor=admin, plan_id=reviewed(admin, title="专项一").pk)
    with pytest.raises(RuleViolation, match="上限 1"):
        services.special_plan_submit(actor=admin, plan_id=reviewed(admin, title="专项二").pk)


@pytest.mark.django_db
def test_r08_quota_counts_per_year(admin):
    services.special_plan_submit(actor=admin, plan_id=reviewed(admin, title="一").pk)
    services.special_plan_submit(actor=admin, plan_id=reviewed(admin, title="二").pk)
    next_year = reviewed(admin, title="明年", year=YEAR + 1, period_start=dt.date(YEAR + 1, 3, 1),
                         period_end=dt.date(YEAR + 1, 4, 1))
    services.special_plan_submit(actor=admin, plan_id=next_year.pk)


@pytest.mark.django_db(transaction=True)
def test_r08_concurrent_submissions_at_quota_minus_one_only_one_passes(monkeypatch, make_agency, make_user):
    agency = make_agency("东阿县市场监督管理局")
    admin = make_user("agency_admin", agency=agency)
    services.special_plan_submit(actor=admin, plan_id=reviewed(admin, title="已报批").pk)
    racers = [reviewed(admin, title=f"并发{n}").pk for n in range(2)]
    counted = services.special_plan_quota_used

    def slow_count(**kwargs):
        # Widen the window between counting and writing: without the agency lock both would count 1.
        used = counted(**kwargs)
        time.sleep(0.3)
        return used

    monkeypatch.setattr(services, "special_plan_quota_used", slow_count)
    barrier = threading.Barrier(len(racers))
    outcomes: list = []

    def submit(plan_id: int) -> None:
        try:
            barrier.wait()
            services.special_plan_submit(actor=admin, plan_id=plan_id)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(pk,)) for pk in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "ok"]
    assert isinstance(refusal, RuleViolation) and refusal.rule_id == "R08"
    assert SpecialPlan.objects.filter(lead_agency=agency, status="submitted").count() == 2


# --- R08: approval and publication -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agency_head", "agency_admin", "bureau", "discipline"])
def test_r08_approval_only_by_the_government_role(make_user, admin, agency, role):
    plan = reviewed(admin)
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    actor = make_user(role, agency=agency if role.startswith("agency") else None)
    with pytest.raises(PermissionDenied):
        services.special_plan_approve(actor=actor, plan_id=plan.pk, note="同意")
    assert SpecialPlan.objects.get(pk=plan.pk).published_at is None


@pytest.mark.django_db
def test_r08_government_approval_publishes(admin, government):
    plan = approved(admin, government)
    assert plan.status == "approved" and plan.published_at is not None and plan.approved_by
    assert AuditEvent.objects.filter(action="special_plan.approve", subject_id=str(plan.pk)).exists()
    with pytest.raises(Conflict):
        services.special_plan_approve(actor=government, plan_id=plan.pk)


@pytest.mark.django_db
def test_r08_a_draft_cannot_be_approved(admin, government):
    plan = reviewed(admin)
    with pytest.raises(Conflict):
        services.special_plan_approve(actor=government, plan_id=plan.pk)


@pytest.mark.django_db
def test_reject_needs_a_reason_and_allows_resubmission(admin, government):
    plan = reviewed(admin)
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    with pytest.raises(ValidationFailed):
        services.special_plan_reject(actor=government, plan_id=plan.pk, note="")
    services.special_plan_reject(actor=government, plan_id=plan.pk, note="范围过宽")
    services.special_plan_update(actor=admin, plan_id=plan.pk, scope="城区阿胶生产企业")
    with pytest.raises(RuleViolation):  # the reviews covered the old text
        services.special_plan_submit(actor=admin, plan_id=plan.pk)


@pytest.mark.django_db
def test_r08_vertical_superior_approval_is_recorded_by_the_lead(admin, government):
    plan = reviewed(admin, approver_kind="vertical_superior")
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    with pytest.raises(Conflict):
        services.special_plan_approve(actor=government, plan_id=plan.pk)
    with pytest.raises(ValidationFailed):
        services.special_plan_record_superior_approval(actor=admin, plan_id=plan.pk, document="")
    plan = services.special_plan_record_superior_approval(actor=admin, plan_id=plan.pk,
                                                          document="聊市监函〔2026〕12号 同意开展")
    assert plan.status == "approved" and plan.published_at and "12号" in plan.approval_note


@pytest.mark.django_db
def test_government_plan_takes_no_superior_document(admin):
    plan = reviewed(admin)
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    with pytest.raises(Conflict):
        services.special_plan_record_superior_approval(actor=admin, plan_id=plan.pk, document="文件")


# --- Urgent amendments -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r08_urgent_amendment_is_filed_with_before_and_after(admin, government):
    plan = approved(admin, government)
    with pytest.raises(ValidationFailed):
        services.special_plan_amend_urgent(actor=admin, plan_id=plan.pk, reason="", scope="扩大范围")
    with pytest.raises(ValidationFailed):
        services.special_plan_amend_urgent(actor=admin, plan_id=plan.pk, reason="无变化")
    with pytest.raises(ValidationFailed):
        services.special_plan_amend_urgent(actor=admin, plan_id=plan.pk, reason="改名", title="新名称")
    amendment = services.special_plan_amend_urgent(
        actor=admin, plan_id=plan.pk, reason="发现新的风险线索", scope="全县阿胶及保健食品生产企业",
        period_end=dt.date(YEAR, 7, 31))
    assert amendment.number == 1
    assert json.loads(amendment.changes) == {
        "scope": ["全县阿胶及其制品生产企业", "全县阿胶及保健食品生产企业"], "period_end": [f"{YEAR}-06-30", f"{YEAR}-07-31"]}
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.period_end == dt.date(YEAR, 7, 31)
    assert AuditEvent.objects.filter(action="special_plan.amend").count() == 1


@pytest.mark.django_db
def test_only_an_approved_plan_is_amended_urgently(admin):
    plan = draft(admin)
    with pytest.raises(Conflict):
        services.special_plan_amend_urgent(actor=admin, plan_id=plan.pk, reason="紧急", scope="变更")
    assert not SpecialPlanAmendment.objects.exists()


# --- R08: tasks wait for approval --------------------------------------------------------------------


@pytest.mark.django_db
def test_r08_task_of_an_unapproved_plan_is_refused(admin, government):
    plan = reviewed(admin)
    refusal = special_plan_task_refusal(plan)
    assert refusal is not None and refusal.rule_id == "R08" and refusal.rule.clause == "三(五)"
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    plan.refresh_from_db()
    assert special_plan_task_refusal(plan).rule_id == "R08"
    plan = services.special_plan_approve(actor=government, plan_id=plan.pk)
    assert special_plan_task_refusal(plan) is None
    assert special_plan_task_refusal(plan, on=dt.date(YEAR, 5, 1)) is None
    assert special_plan_task_refusal(plan, on=dt.date(YEAR, 6, 30)) is None
    outside = special_plan_task_refusal(plan, on=dt.date(YEAR, 7, 1))
    assert outside.rule_id == "R08" and "实施期间" in outside.plain


# --- Reading, API and pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_co_agency_reads_the_plan_another_agency_does_not(make_user, make_agency, admin):
    partner = make_agency("东阿县应急管理局")
    plan = draft(admin, co_agencies=[partner.pk])
    partner_user = make_user("officer", agency=partner)
    assert selectors.special_plan_get_for_actor(actor=partner_user, plan_id=plan.pk) == plan
    with pytest.raises(PermissionDenied):
        services.special_plan_submit(actor=make_user("agency_admin", agency=partner), plan_id=plan.pk)
    with pytest.raises(NotFound):
        selectors.special_plan_get_for_actor(actor=make_user("agency_admin"), plan_id=plan.pk)


@pytest.mark.django_db
def test_r08_public_pages_show_only_approved_plans(admin, government):
    shown = approved(admin, government, title="已批准的专项")
    hidden = reviewed(admin, title="报批中的专项")
    services.special_plan_submit(actor=admin, plan_id=hidden.pk)
    drafted = draft(admin, title="草稿专项")
    client = Client()
    html = client.get("/public/special-plans/").content.decode()
    assert "已批准的专项" in html and "报批中的专项" not in html and "草稿专项" not in html
    assert client.get(f"/public/special-plans/{shown.pk}/").status_code == 200
    for plan in (hidden, drafted):
        assert client.get(f"/public/special-plans/{plan.pk}/").status_code == 404
        assert client.get(f"/api/public/special-plans/{plan.pk}").status_code == 404
    body = client.get("/api/public/special-plans").json()
    assert [p["id"] for p in body["items"]] == [shown.pk]
    assert client.get(f"/api/public/special-plans/{shown.pk}").json()["lead_agency"]["id"] == admin.agency_id


@pytest.mark.django_db
def test_public_api_pages_newest_first(admin, government, agency):
    AgencyPlanningSettings.objects.create(agency=agency, exempt_sources="", special_plan_quota=5)
    plans = [approved(admin, government, title=f"专项{n}") for n in range(3)]
    client = Client()
    first = client.get("/api/public/special-plans?limit=2").json()
    assert [p["id"] for p in first["items"]] == [plans[2].pk, plans[1].pk]
    second = client.get(f"/api/public/special-plans?limit=2&cursor={first['next_cursor']}").json()
    assert [p["id"] for p in second["items"]] == [plans[0].pk] and second["next_cursor"] is None


@pytest.mark.django_db
def test_api_r08_refusal_is_a_problem_document(admin):
    plan = draft(admin)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/api/special-plans/{plan.pk}/submit", {}, content_type="application/json")
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")
    assert response.json()["rule"] == "R08" and response.json()["clause"] == "三(五)"


@pytest.mark.django_db
def test_api_special_plan_lifecycle(admin, government, make_agency):
    partner = make_agency("东阿县应急管理局")
    client = Client()
    client.force_login(admin)
    payload = {**fields(), "period_start": f"{YEAR}-05-01", "period_end": f"{YEAR}-06-30",
               "co_agency_ids": [partner.pk]}
    created = client.post("/api/special-plans", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["co_agencies"] == [{"id": partner.pk, "name": "东阿县应急管理局"}]
    assert client.post(f"/api/special-plans/{pk}/legal-review", {"opinion": "合法"},
                       content_type="application/json").status_code == 200
    assert client.post(f"/api/special-plans/{pk}/discussion",
                       {"record": "同意", "discussed_on": dt.date.today().isoformat()},
                       content_type="application/json").status_code == 200
    assert client.post(f"/api/special-plans/{pk}/submit").json()["status"] == "submitted"
    assert client.post(f"/api/special-plans/{pk}/approve", {"note": "同意"},
                       content_type="application/json").status_code == 403
    gov = Client()
    gov.force_login(government)
    assert gov.post(f"/api/special-plans/{pk}/approve", {"note": "同意"},
                    content_type="application/json").json()["status"] == "approved"
    amended = client.post(f"/api/special-plans/{pk}/amend", {"reason": "紧急部署", "content": "增加标签检查"},
                          content_type="application/json")
    assert amended.status_code == 201 and amended.json()["amendments"][0]["changes"]["content"][1] == "增加标签检查"
    public = Client().get(f"/api/public/special-plans/{pk}").json()
    assert public["amendments"][0]["reason"] == "紧急部署"


@pytest.mark.django_db
def test_detail_page_offers_actions_by_role_and_state(make_user, admin, government):
    plan = reviewed(admin)
    lead = Client()
    lead.force_login(admin)
    page = lead.get(f"/work/planning/special-plans/{plan.pk}/").content.decode()
    assert 'id="submit"' in page and 'id="decide"' not in page
    response = lead.post(f"/work/planning/special-plans/{plan.pk}/", {"action": "submit"})
    assert response.status_code == 302
    gov = Client()
    gov.force_login(government)
    page = gov.get(f"/work/planning/special-plans/{plan.pk}/").content.decode()
    assert 'id="decide"' in page and 'id="submit"' not in page
    gov.post(f"/work/planning/special-plans/{plan.pk}/", {"action": "approve", "note": "同意"})
    assert SpecialPlan.objects.get(pk=plan.pk).status == "approved"
    assert 'id="amend"' in lead.get(f"/work/planning/special-plans/{plan.pk}/").content.decode()


@pytest.mark.django_db
def test_page_refusal_shows_rule_and_clause(admin):
    plan = draft(admin)
    client = Client()
    client.force_login(admin)
    response = client.post(f"/work/planning/special-plans/{plan.pk}/", {"action": "submit"}, follow=True)
    assert "R08(三(五))" in response.content.decode()


@pytest.mark.django_db
def test_create_page_and_quotas_page(make_user, admin):
    client = Client()
    client.force_login(admin)
    data = {**fields(), "period_start": f"{YEAR}-05-01", "period_end": f"{YEAR}-06-30",
            "approver_kind": "government"}
    response = client.post("/work/planning/special-plans/new/", data)
    plan = SpecialPlan.objects.get()
    assert response["Location"] == f"/work/planning/special-plans/{plan.pk}/"
    services.special_plan_legal_review_record(actor=admin, plan_id=plan.pk, opinion="合法")
    services.special_plan_discussion_record(actor=admin, plan_id=plan.pk, record="同意", discussed_on=dt.date.today())
    services.special_plan_submit(actor=admin, plan_id=plan.pk)
    bureau = Client()
    bureau.force_login(make_user("bureau"))
    rows = {r.agency.pk: r for r in selectors.special_plan_quotas(actor=make_user("bureau"), year=YEAR)}
    assert rows[admin.agency_id].submitted == 1 and rows[admin.agency_id].quota == 2
    html = bureau.get(f"/work/planning/special-plans/quotas/?year={YEAR}").content.decode()
    assert "东阿县市场监督管理局" in html
