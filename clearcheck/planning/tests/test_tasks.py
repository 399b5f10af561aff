"""Tasks: content rules (R01 R02 R04 R08 R12 R14 R25), filing before entry (R06), approval by the
agency head only (R07), urgent start (R10), reject, cancel, audit (R30).
"""

import datetime as dt

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.planning import rules
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.services import tasks as svc

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)

pytestmark = pytest.mark.django_db


def _rule(exc_info) -> str:
    return exc_info.value.rule_id


# --- R07 approval --------------------------------------------------------------------------------


def test_r07_department_head_approving_is_refused_with_rule_r07(plan_county, make_task):
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["department_head"], task_id=task.pk)
    assert _rule(exc) == "R07" and exc.value.rule.clause == "三(四)"
    task.refresh_from_db()
    assert task.status == "submitted" and task.approved_at is None


def test_r07_agency_head_approves_and_it_is_audited(plan_county, make_task):
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    approved = svc.task_approve(actor=plan_county["head"], task_id=task.pk, note="同意")
    assert approved.status == "approved" and approved.approved_by_id == plan_county["head"].pk
    assert approved.cap_place == "proactive"
    actions = list(AuditEvent.objects.filter(subject_type="planning.inspectiontask", subject_id=str(task.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["inspection_task.create", "inspection_task.submit", "inspection_task.approve"]


def test_r07_other_roles_cannot_approve(plan_county, make_task, make_user_plain, make_agency):
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(PermissionDenied):
        svc.task_approve(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(PermissionDenied):
        svc.task_approve(actor=plan_county["bureau"], task_id=task.pk)
    stranger = make_user_plain("agency_head", agency=make_agency())
    with pytest.raises(NotFound):
        svc.task_approve(actor=stranger, task_id=task.pk)


def test_r06_approving_a_draft_that_was_never_submitted_is_refused(plan_county, make_task):
    task = make_task()
    with pytest.raises(RuleViolation) as exc:
        svc.task_approve(actor=plan_county["head"], task_id=task.pk)
    assert _rule(exc) == "R06"


def test_reject_returns_the_task_and_it_can_be_resubmitted(plan_county, make_task):
    task = make_task()
    svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(ValidationFailed):
        svc.task_reject(actor=plan_county["head"], task_id=task.pk, note=" ")
    with pytest.raises(RuleViolation) as exc:
        svc.task_reject(actor=plan_county["department_head"], task_id=task.pk, note="不同意")
    assert _rule(exc) == "R07"
    svc.task_reject(actor=plan_county["head"], task_id=task.pk, note="补充检查内容")
    svc.task_update(actor=plan_county["admin"], task_id=task.pk, data={"notice": "已补充"})
    assert svc.task_submit(actor=plan_county["admin"], task_id=task.pk).status == "submitted"


def test_only_draft_or_returned_tasks_are_editable(plan_county, approved_task):
    task = approved_task()
    with pytest.raises(Conflict):
        svc.task_update(actor=plan_county["admin"], task_id=task.pk, data={"notice": "改"})


# --- Content rules -------------------------------------------------------------------------------


def test_r14_one_officer_is_refused_naming_the_officer(plan_county, make_task):
    with pytest.raises(RuleViolation) as exc:
        make_task(officers=plan_county["officers"][:1])
    assert _rule(exc) == "R14" and "张明" in exc.value.detail
    assert InspectionTask.objects.count() == 0


def test_r14_one_officer_allowed_when_every_item_records_a_legal_basis_for_one(plan_county, make_task):
    from clearcheck.catalog import services as catalog

    admin = plan_county["admin"]
    item = catalog.item_create(actor=admin, code="SCJG-009", name="价格公示检查", legal_basis="《价格法》",
                               object_scope="经营者", method="现场检查", single_officer_basis="《某规定》第五条允许一人检查")
    catalog.item_list_publish(actor=admin, agency=plan_county["agency"], reason="新增")
    task = make_task(items=[item], officers=plan_county["officers"][:1], checklist=None)
    assert task.officers.count() == 1


def test_r12_auxiliary_officer_is_refused_naming_the_officer(plan_county, make_task, make_officer):
    helper = make_officer(plan_county["agency"], "赵辅助", personnel_type="auxiliary")
    with pytest.raises(RuleViolation) as exc:
        make_task(officers=[plan_county["officers"][0], helper])
    assert _rule(exc) == "R12" and "赵辅助" in exc.value.detail


def test_r12_credential_expiring_before_the_window_ends_is_refused(plan_county, make_task, make_officer):
    from clearcheck.core import clock

    today = clock.local_today()
    expiring = make_officer(plan_county["agency"], "钱过期", valid_from=(today - dt.timedelta(days=400)).isoformat(),
                            valid_to=(today + dt.timedelta(days=3)).isoformat())
    with pytest.raises(RuleViolation) as exc:
        make_task(officers=[plan_county["officers"][0], expiring])
    assert _rule(exc) == "R12" and "钱过期" in exc.value.detail


def test_r25_third_party_staff_are_refused(plan_county, make_task, make_officer):
    outsider = make_officer(plan_county["agency"], "孙第三方", personnel_type="third_party")
    with pytest.raises(RuleViolation) as exc:
        make_task(officers=[plan_county["officers"][0], outsider])
    assert _rule(exc) == "R25" and "孙第三方" in exc.value.detail


def test_officer_of_another_agency_is_refused(plan_county, make_task, make_agency, make_officer):
    stranger = make_officer(make_agency(), "周外局")
    with pytest.raises(ValidationFailed) as exc:
        make_task(officers=[plan_county["officers"][0], stranger])
    assert "周外局" in exc.value.detail


def test_r02_unpublished_item_is_refused(plan_county, make_task):
    from clearcheck.catalog import services as catalog

    draft = catalog.item_create(actor=plan_county["admin"], code="SCJG-099", name="未公布事项", legal_basis="某法",
                                object_scope="企业", method="现场检查")
    with pytest.raises(RuleViolation) as exc:
        make_task(items=[draft])
    assert _rule(exc) == "R02" and exc.value.field == "items"


def test_r02_no_items_is_refused(make_task):
    with pytest.raises(RuleViolation) as exc:
        make_task(items=[])
    assert _rule(exc) == "R02"


def test_r02_item_withdrawn_after_drafting_blocks_submission(plan_county, make_task):
    from clearcheck.catalog import services as catalog

    task = make_task()
    catalog.item_withdraw(actor=plan_county["admin"], item_id=plan_county["items"]["food"].pk, reason="调整")
    with pytest.raises(RuleViolation) as exc:
        svc.task_submit(actor=plan_county["admin"], task_id=task.pk)
    assert _rule(exc) == "R02"


def test_r04_draft_checklist_is_refused(plan_county, make_task):
    from clearcheck.catalog import services as catalog

    draft = catalog.checklist_create(actor=plan_county["admin"], code="BD-DRAFT", name="草稿表单",
                                     object_type="企业")
    with pytest.raises(RuleViolation) as exc:
        make_task(checklist=draft)
    assert _rule(exc) == "R04"


def test_r01_unlisted_agency_cannot_have_tasks(make_agency, make_user_plain, make_enterprise, make_officer):
    agency = make_agency(listed=False)
    admin = make_user_plain("agency_admin", agency=agency)
    with pytest.raises(RuleViolation) as exc:
        svc.task_create(actor=admin, agency=agency, enterprise=make_enterprise(), inspection_type="case",
                        source="complaint", items=[], officers=[make_officer(agency), make_officer(agency)],
                        window_start="2026-12-01", window_end="2026-12-02")
    assert _rule(exc) == "R01"


def test_window_end_before_start_is_a_field_error(make_task):
    with pytest.raises(ValidationFailed) as exc:
        make_task(window_start="2026-12-10", window_end="2026-12-01")
    assert [e.field for e in exc.value.errors] == ["window_end"]


def test_r08_task_of_an_unapproved_special_plan_is_refused(plan_county, make_task):
    from clearcheck.core import clock
    from clearcheck.planning.models import SpecialPlan

    plan = SpecialPlan.objects.create(
        year=2026, title="阿胶专项检查", scope="全县", content="原料", period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31), lead_agency=plan_county["agency"], assessment="确需开展",
        created_by="test", status="draft",
    )  # the special-plan services belong to the plans area; a draft row is all this rule needs
    with pytest.raises(RuleViolation) as exc:
        make_task(inspection_type="special", source="special_plan", special_plan=plan)
    assert _rule(exc) == "R08"
    SpecialPlan.objects.filter(pk=plan.pk).update(status="approved", approved_at=clock.now(),
                                                    published_at=clock.now())
    assert make_task(inspection_type="special", source="special_plan", special_plan=plan).special_plan_id == plan.pk


def test_special_plan_source_needs_the_plan(make_task):
    with pytest.raises(ValidationFailed) as exc:
        make_task(inspection_type="special", source="special_plan")
    assert "special_plan" in [e.field for e in exc.value.errors]


# --- Type × source -------------------------------------------------------------------------------


def test_r24_draw_required_follows_type_and_source():
    assert rules.draw_required("routine", "annual_plan") is True
    assert rules.draw_required("routine", "draw") is False
    assert rules.draw_required("routine", "annual_plan", special_sector=True) is False
    assert rules.draw_required("case", "complaint") is False
    assert rules.draw_required("special", "special_plan") is False


def test_r21_exempt_sources_follow_the_agency_settings(plan_county):
    from clearcheck.planning.models import AgencyPlanningSettings

    agency = plan_county["agency"]
    assert rules.counts_against_cap(agency, "annual_plan") is True
    assert rules.counts_against_cap(agency, "complaint") is False
    AgencyPlanningSettings.objects.create(agency=agency, exempt_sources="recheck")
    assert rules.counts_against_cap(agency, "complaint") is True
    assert rules.counts_against_cap(agency, "recheck") is False


# --- Urgent start (R10) ----------------------------------------------------------------------------


def test_r10_urgent_start_records_source_reason_and_deadline(plan_county, make_task):
    from clearcheck.core import clock
    from clearcheck.planning.calendar import working_days_add

    task = make_task(inspection_type="case", source="complaint", source_reference="12345-001")
    started = svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报存在安全隐患")
    assert started.status == "urgent_started" and started.urgent and started.urgent_reason == "群众举报存在安全隐患"
    assert started.approval_deadline == working_days_add(clock.local_today(), 3)
    assert started.cap_place == "exempt"
    approved = svc.task_approve(actor=plan_county["head"], task_id=task.pk, note="补办")
    assert approved.status == "approved" and approved.cap_place == "exempt"


def test_r10_non_urgent_source_cannot_start_without_approval(plan_county, make_task):
    task = make_task()
    with pytest.raises(RuleViolation) as exc:
        svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="想先去看看")
    assert _rule(exc) == "R06"
    task.refresh_from_db()
    assert task.status == "draft"


def test_r10_urgent_start_needs_a_reason(plan_county, make_task):
    task = make_task(inspection_type="case", source="sudden_event")
    with pytest.raises(ValidationFailed):
        svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="")


def test_urgent_deadline_follows_agency_setting(plan_county, make_task):
    from clearcheck.core import clock
    from clearcheck.planning.calendar import working_days_add
    from clearcheck.planning.models import AgencyPlanningSettings

    AgencyPlanningSettings.objects.create(agency=plan_county["agency"], exempt_sources="complaint",
                                          urgent_approval_working_days=5)
    task = make_task(inspection_type="case", source="complaint")
    started = svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="举报")
    assert started.approval_deadline == working_days_add(clock.local_today(), 5)


# --- Scope and permissions -------------------------------------------------------------------------


def test_officer_cannot_create_tasks_and_other_agencies_see_nothing(plan_county, make_task, make_user_plain,
                                                                    make_agency):
    with pytest.raises(PermissionDenied):
        make_task(actor=plan_county["users"]["officer"])
    task = make_task()
    from clearcheck.planning.selectors.tasks import task_get_for_actor, tasks_for_actor

    stranger = make_user_plain("agency_admin", agency=make_agency())
    assert not tasks_for_actor(actor=stranger).exists()
    with pytest.raises(NotFound):
        task_get_for_actor(actor=stranger, task_id=task.pk)
    assert tasks_for_actor(actor=plan_county["bureau"]).filter(pk=task.pk).exists()
    with pytest.raises(NotFound):
        svc.task_cancel(actor=stranger, task_id=task.pk, reason="x")


def test_r08_only_the_lead_or_a_co_agency_runs_tasks_of_a_special_plan(plan_county, make_task, make_agency):
    from clearcheck.core import clock
    from clearcheck.planning.models import SpecialPlan

    other = make_agency("东阿县应急管理局")
    now = clock.now()
    plan = SpecialPlan.objects.create(
        year=2026, title="危化品专项检查", scope="全县", content="储存", period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 12, 31), lead_agency=other, assessment="确需开展", created_by="test",
        status="approved", approved_at=now, published_at=now,
    )  # an approved row of another agency's campaign is all this rule needs
    with pytest.raises(RuleViolation) as exc:
        make_task(inspection_type="special", source="special_plan", special_plan=plan)
    assert _rule(exc) == "R08"
    assert "牵头或参与" in exc.value.detail
    plan.co_agencies.add(plan_county["agency"])
    assert make_task(inspection_type="special", source="special_plan", special_plan=plan).special_plan_id == plan.pk


def test_r09_approving_a_higher_level_task_flags_later_planned_tasks_for_reduction(plan_county, make_task,
                                                                                    approved_task):
    from clearcheck.core import clock

    today = clock.local_today()
    later = make_task(window_start=today + dt.timedelta(days=20), window_end=today + dt.timedelta(days=30))
    approved_task(inspection_type="special", source="higher_level",
                  window_start=today + dt.timedelta(days=2), window_end=today + dt.timedelta(days=5))
    later.refresh_from_db()
    assert later.reduction_flag  # 核减合并: the same agency, enterprise and items, planned for later
    assert "上级要求" in later.reduction_note
