"""Annual plans and their filings (R05, clause 三(四)); schedule items only from the published list (R02)."""

import datetime as dt
import json

import pytest
from django.test import Client

from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.planning.models import AnnualPlan, PlanFiling
from clearcheck.planning.selectors import plans as selectors
from clearcheck.planning.services import plans as services

SHANGHAI = clock.LOCAL_TZ
PLAN_FIELDS = {"basis": "《优化营商环境条例》及县政府工作部署", "goals": "规范涉企检查,减少入企频次",
               "forms": "双随机抽查为主,重点检查为辅", "scope": "全县食品生产企业", "content": "许可条件保持、生产过程控制"}


def freeze(monkeypatch, local: dt.datetime) -> None:
    """Freeze the platform clock at a wall-clock time in Asia/Shanghai."""
    instant = local.replace(tzinfo=SHANGHAI).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: instant)


def publish_items(admin, agency, *codes):
    from clearcheck.catalog import services as catalog

    items = [catalog.item_create(actor=admin, code=code, name=f"检查事项{code}", legal_basis="《食品安全法》第一百一十条",
                                 object_scope="食品生产企业", method="现场检查") for code in codes]
    catalog.item_list_publish(actor=admin, agency=agency, reason="首次公布")
    for item in items:
        item.refresh_from_db()
    return items


def plan_with_schedule(admin, plan, items):
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=3, target_count=5)
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[1].pk, month=6, target_count=2,
                                   note="汛期前")
    return plan


# --- The working copy ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r05_one_plan_per_agency_and_year(admin, agency, plan):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_plan_create(actor=admin, agency=agency, year=2026, **PLAN_FIELDS)
    assert exc.value.errors[0].field == "year"
    assert AuditEvent.objects.filter(action="annual_plan.create", subject_id=str(plan.pk)).exists()


@pytest.mark.django_db
def test_r05_plan_fields_are_required(admin, agency):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_plan_create(actor=admin, agency=agency, year=2026, **{**PLAN_FIELDS, "basis": " "})
    assert [e.field for e in exc.value.errors] == ["basis"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["department_head", "officer"])
def test_only_managers_of_the_agency_write_plans(make_user, agency, plan, role):
    reader = make_user(role, agency=agency)
    with pytest.raises(PermissionDenied):
        services.annual_plan_create(actor=reader, agency=agency, year=2027, **PLAN_FIELDS)
    with pytest.raises(PermissionDenied):
        services.annual_plan_update(actor=reader, plan_id=plan.pk, goals="改")


@pytest.mark.django_db
def test_another_agency_and_the_bureau_cannot_write(make_user, plan):
    with pytest.raises(NotFound):
        services.annual_plan_update(actor=make_user("agency_admin"), plan_id=plan.pk, goals="改")
    with pytest.raises(PermissionDenied):
        services.annual_plan_update(actor=make_user("bureau"), plan_id=plan.pk, goals="改")


@pytest.mark.django_db
def test_r02_schedule_takes_only_published_items_of_the_agency(admin, agency, plan, make_user):
    from clearcheck.catalog import services as catalog

    draft = catalog.item_create(actor=admin, code="SCJG-099", name="未公布事项", legal_basis="依据",
                                object_scope="企业", method="现场检查")
    with pytest.raises(RuleViolation) as exc:
        services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=draft.pk, month=3, target_count=1)
    assert exc.value.rule_id == "R02" and exc.value.field == "item"
    other = make_user("agency_admin")
    (foreign,) = publish_items(other, other.agency, "YJ-001")
    with pytest.raises(RuleViolation) as exc:
        services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=foreign.pk, month=3, target_count=1)
    assert exc.value.rule_id == "R02"
    assert not plan.entries.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("month", "target", "field"), [(0, 1, "month"), (13, 1, "month"), (3, -1, "target_count"),
                                                        ("x", 1, "month")])
def test_schedule_month_and_target_are_checked(admin, plan, items, month, target, field):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=month,
                                       target_count=target)
    assert [e.field for e in exc.value.errors] == [field]


@pytest.mark.django_db
def test_schedule_set_updates_and_zero_removes(admin, plan, items):
    entry = services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=4,
                                           target_count=3)
    again = services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=4,
                                           target_count=7, note="加密")
    assert again.pk == entry.pk and again.target_count == 7 and plan.entries.count() == 1
    assert services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=4,
                                          target_count=0) is None
    assert not plan.entries.exists()
    actions = list(AuditEvent.objects.filter(action__startswith="annual_plan_entry").order_by("id")
               .values_list("action", flat=True))
    assert actions == ["annual_plan_entry.set", "annual_plan_entry.set", "annual_plan_entry.remove"]


@pytest.mark.django_db
def test_schedule_entry_remove(admin, plan, items):
    entry = services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=4,
                                           target_count=3)
    services.annual_plan_entry_remove(actor=admin, plan_id=plan.pk, entry_id=entry.pk)
    assert not plan.entries.exists()
    with pytest.raises(NotFound):
        services.annual_plan_entry_remove(actor=admin, plan_id=plan.pk, entry_id=entry.pk)


# --- Filing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r05_filed_at_2359_on_31_march_shanghai_is_on_time(monkeypatch, admin, plan, items):
    plan_with_schedule(admin, plan, items)
    freeze(monkeypatch, dt.datetime(2026, 3, 31, 23, 59, 59))
    filing = services.annual_plan_file(actor=admin, plan_id=plan.pk, reason="")
    assert filing.on_time is True
    assert filing.version == 1 and filing.reason == "年度计划备案"
    assert not Alert.objects.filter(rule_id="R05").exists()


@pytest.mark.django_db
def test_r05_filed_at_0000_on_1_april_shanghai_is_late_and_alerts(monkeypatch, admin, plan, items):
    plan_with_schedule(admin, plan, items)
    # 1 April 00:00 in Shanghai is still 31 March (16:00) in UTC: the deadline is reckoned locally.
    freeze(monkeypatch, dt.datetime(2026, 4, 1, 0, 0, 0))
    filing = services.annual_plan_file(actor=admin, plan_id=plan.pk)
    assert filing.filed_at.astimezone(dt.UTC).date() == dt.date(2026, 3, 31)
    assert filing.on_time is False
    alert = Alert.objects.get(rule_id="R05")
    assert alert.severity == "low" and alert.agency_id == plan.agency_id and alert.clause == "三(四)"
    assert json.loads(alert.facts)["year"] == 2026


@pytest.mark.django_db
def test_r05_filing_needs_a_schedule(admin, plan):
    with pytest.raises(ValidationFailed) as exc:
        services.annual_plan_file(actor=admin, plan_id=plan.pk)
    assert exc.value.errors[0].field == "entries"
    assert not PlanFiling.objects.exists()


@pytest.mark.django_db
def test_r05_filings_are_immutable_versions(monkeypatch, admin, plan, items):
    plan_with_schedule(admin, plan, items)
    freeze(monkeypatch, dt.datetime(2026, 3, 1, 9, 0))
    first = services.annual_plan_file(actor=admin, plan_id=plan.pk)
    text, digest = first.snapshot, first.sha256
    assert AnnualPlan.objects.get(pk=plan.pk).status == "filed"

    with pytest.raises(ValidationFailed) as exc:  # nothing changed since v1
        services.annual_plan_file(actor=admin, plan_id=plan.pk, reason="重复")
    assert exc.value.errors[0].field == "plan"

    # The working copy stays editable after filing.
    services.annual_plan_update(actor=admin, plan_id=plan.pk, goals="减少入企频次三成")
    services.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=items[0].pk, month=3, target_count=4)
    with pytest.raises(ValidationFailed) as exc:  # an amendment needs a reason
        services.annual_plan_file(actor=admin, plan_id=plan.pk, reason=" ")
    assert exc.value.errors[0].field == "reason"
    freeze(monkeypatch, dt.datetime(2026, 6, 1, 9, 0))
    second = services.annual_plan_file(actor=admin, plan_id=plan.pk, reason="根据上级部署调整")
    assert second.version == 2 and second.reason == "根据上级部署调整"

    first.refresh_from_db()
    assert (first.snapshot, first.sha256) == (text, digest)
    old, new = json.loads(first.snapshot), json.loads(second.snapshot)
    assert old["goals"] == PLAN_FIELDS["goals"] and new["goals"] == "减少入企频次三成"
    assert [line["target_count"] for line in old["schedule"]] == [5, 2]
    assert [line["target_count"] for line in new["schedule"]] == [4, 2]
    assert AnnualPlan.objects.get(pk=plan.pk).filed_version == 2
    # Lateness is the first filing's: a June amendment is no late filing.
    assert not Alert.objects.filter(rule_id="R05").exists()
    assert AuditEvent.objects.filter(action="annual_plan.file").count() == 2


@pytest.mark.django_db
def test_r02_filing_refuses_an_item_withdrawn_since_it_was_scheduled(admin, plan, items):
    from clearcheck.catalog import services as catalog

    plan_with_schedule(admin, plan, items)
    catalog.item_withdraw(actor=admin, item_id=items[1].pk, reason="法规修改")
    with pytest.raises(RuleViolation) as exc:
        services.annual_plan_file(actor=admin, plan_id=plan.pk)
    assert exc.value.rule_id == "R02" and exc.value.field == "entries"


# --- Reading ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_r05_discipline_reads_every_filing(make_user, admin, plan, items):
    plan_with_schedule(admin, plan, items)
    filing = services.annual_plan_file(actor=admin, plan_id=plan.pk)
    discipline = make_user("discipline")
    assert list(selectors.plan_filings_for_actor(actor=discipline)) == [filing]
    client = Client()
    client.force_login(discipline)
    assert client.get(f"/api/plan-filings/{filing.pk}").json()["data"]["schedule"][0]["target_count"] == 5
    page = client.get(f"/work/planning/filings/{filing.pk}/")
    assert page.status_code == 200 and "SCJG-001" in page.content.decode()
    assert client.get(f"/work/planning/plans/{plan.pk}/").status_code == 200


@pytest.mark.django_db
def test_an_agency_cannot_read_another_agencys_plan(make_user, admin, plan, items):
    plan_with_schedule(admin, plan, items)
    filing = services.annual_plan_file(actor=admin, plan_id=plan.pk)
    client = Client()
    client.force_login(make_user("agency_admin"))
    for path in (f"/api/annual-plans/{plan.pk}", f"/work/planning/plans/{plan.pk}/",
                 f"/api/plan-filings/{filing.pk}", f"/work/planning/filings/{filing.pk}/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/annual-plans").json()["items"] == []
    with pytest.raises(NotFound):
        selectors.annual_plan_get_for_actor(actor=make_user("enterprise"), plan_id=plan.pk)


@pytest.mark.django_db
def test_r05_filings_overview(monkeypatch, make_agency, make_user, admin, plan, items,
                              django_assert_max_num_queries):
    plan_with_schedule(admin, plan, items)
    freeze(monkeypatch, dt.datetime(2026, 3, 31, 23, 59))
    services.annual_plan_file(actor=admin, plan_id=plan.pk)
    late_agency, missing_agency = make_agency("东阿县应急管理局"), make_agency("东阿县住房和城乡建设局")
    late_admin = make_user("agency_admin", agency=late_agency)
    late_items = publish_items(late_admin, late_agency, "YJ-001")
    late_plan = services.annual_plan_create(actor=late_admin, agency=late_agency, year=2026, **PLAN_FIELDS)
    services.annual_plan_entry_set(actor=late_admin, plan_id=late_plan.pk, item_id=late_items[0].pk, month=5,
                                   target_count=1)
    freeze(monkeypatch, dt.datetime(2026, 4, 2, 10, 0))
    services.annual_plan_file(actor=late_admin, plan_id=late_plan.pk)
    bureau = make_user("bureau")
    with django_assert_max_num_queries(3):
        rows = {r.agency.pk: r for r in selectors.plan_filings_overview(actor=bureau, year=2026)}
    assert rows[plan.agency_id].state == "on_time"
    assert rows[late_agency.pk].state == "late"
    assert rows[missing_agency.pk].state == "overdue"
    freeze(monkeypatch, dt.datetime(2026, 3, 1, 10, 0))
    assert {r.agency.pk: r.state for r in selectors.plan_filings_overview(actor=bureau, year=2026)}[
        missing_agency.pk] == "pending"
    with pytest.raises(PermissionDenied):
        selectors.plan_filings_overview(actor=admin, year=2026)
    client = Client()
    client.force_login(bureau)
    body = client.get("/api/plan-filings/overview?year=2026").json()
    assert {r["agency_id"]: r["state"] for r in body["rows"]}[late_agency.pk] == "late"
    html = client.get("/work/planning/filings/?year=2026").content.decode()
    assert "逾期备案" in html and "东阿县住房和城乡建设局" in html


# --- API and pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_plan_lifecycle(admin, agency, items):
    client = Client()
    client.force_login(admin)
    created = client.post("/api/annual-plans", {"year": 2026, **PLAN_FIELDS}, content_type="application/json")
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["agency_id"] == agency.pk
    body = client.put(f"/api/annual-plans/{plan_id}/entries",
                      {"item_id": items[0].pk, "month": 2, "target_count": 3}, content_type="application/json")
    assert body.status_code == 200 and body.json()["entries"][0]["item_code"] == "SCJG-001"
    entry_id = body.json()["entries"][0]["id"]
    filed = client.post(f"/api/annual-plans/{plan_id}/file", {}, content_type="application/json")
    assert filed.status_code == 201 and filed.json()["version"] == 1
    again = client.post(f"/api/annual-plans/{plan_id}/file", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 422 and again["Content-Type"].startswith("application/problem+json")
    patched = client.patch(f"/api/annual-plans/{plan_id}", {"scope": "全县"}, content_type="application/json")
    assert patched.json()["scope"] == "全县" and patched.json()["changed_since_filing"] is True
    removed = client.delete(f"/api/annual-plans/{plan_id}/entries/{entry_id}")
    assert removed.status_code == 200 and removed.json()["entries"] == []
    assert client.get("/api/plan-filings").json()["items"][0]["version"] == 1


@pytest.mark.django_db
def test_api_r02_refusal_is_a_problem_document(admin, plan):
    from clearcheck.catalog import services as catalog

    draft = catalog.item_create(actor=admin, code="SCJG-099", name="未公布事项", legal_basis="依据",
                                object_scope="企业", method="现场检查")
    client = Client()
    client.force_login(admin)
    response = client.put(f"/api/annual-plans/{plan.pk}/entries",
                          {"item_id": draft.pk, "month": 2, "target_count": 3}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == "R02" and body["clause"] == "二(二)"


@pytest.mark.django_db
def test_plan_editor_page_sets_schedule_and_files(admin, plan, items):
    client = Client()
    client.force_login(admin)
    page = client.get(f"/work/planning/plans/{plan.pk}/").content.decode()
    assert page.count('id="month-') == 12
    response = client.post(f"/work/planning/plans/{plan.pk}/", {"action": "entry_set", "month": "7",
                                                                "item": items[0].pk, "target_count": "2"})
    assert response.status_code == 302 and response["Location"].endswith("#month-7")
    assert plan.entries.get().month == 7
    response = client.post(f"/work/planning/plans/{plan.pk}/file/", {"reason": ""})
    filing = PlanFiling.objects.get(plan=plan)
    assert response["Location"] == f"/work/planning/filings/{filing.pk}/"
    # An R02 refusal is shown with its rule and clause.
    from clearcheck.catalog import services as catalog

    draft = catalog.item_create(actor=admin, code="SCJG-099", name="未公布事项", legal_basis="依据",
                                object_scope="企业", method="现场检查")
    response = client.post(f"/work/planning/plans/{plan.pk}/", {"action": "entry_set", "month": "7",
                                                                "item": draft.pk, "target_count": "2"},
                           follow=True)
    assert "R02(二(二))" in response.content.decode()


@pytest.mark.django_db
def test_plan_list_page_creates_a_plan(admin, items):
    client = Client()
    client.force_login(admin)
    response = client.post("/work/planning/plans/", {"year": "2027", **PLAN_FIELDS})
    plan = AnnualPlan.objects.get(year=2027)
    assert response["Location"] == f"/work/planning/plans/{plan.pk}/"
    assert "2027" in client.get("/work/planning/plans/").content.decode()
