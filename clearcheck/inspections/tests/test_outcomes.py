"""Findings and dispositions (R19): each kind of disposition and its loop, who may give them, and the
closing of findings and tasks only when every finding is closed."""

import datetime as dt

import pytest

from clearcheck.core import clock
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import visit_entries
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _services():
    from clearcheck.inspections.services import outcomes

    return outcomes


def _finding(county, visit, orders=(1,), actor=None, text="未能出示有效的食品生产许可证"):
    entries = [e for e in visit_entries(visit) if e.order in orders]
    return _services().finding_create(actor=actor or county["officer_users"][0], visit_id=visit.pk,
                                      entry_ids=[e.pk for e in entries], description=text,
                                      legal_basis="《食品安全法》第三十五条")


def _dispose(county, finding, kind, actor=None, **fields):
    return _services().disposition_add(actor=actor or county["officer_users"][0], finding_id=finding.pk, kind=kind,
                                       **fields)


def _task_status(task) -> str:
    task.refresh_from_db()
    return task.status


# --- findings --------------------------------------------------------------------------------------


def test_r19_finding_ties_failed_entries_and_takes_the_items_agency(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    finding = _finding(county, visit)
    assert finding.agency_id == county["agency"].pk
    assert [e.order for e in finding.entries.all()] == [1]
    assert finding.status == "open"
    from clearcheck.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="finding.create", subject_id=str(finding.pk)).exists()


def test_finding_refuses_compliant_foreign_empty_and_taken_entries(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    officer = county["officer_users"][0]
    entries = visit_entries(visit)
    create = _services().finding_create
    with pytest.raises(ValidationFailed, match="不是“不符合”"):
        create(actor=officer, visit_id=visit.pk, entry_ids=[entries[1].pk], description="问题")
    with pytest.raises(ValidationFailed, match="请选择"):
        create(actor=officer, visit_id=visit.pk, entry_ids=[], description="问题")
    with pytest.raises(ValidationFailed, match="不属于本次笔录"):
        create(actor=officer, visit_id=visit.pk, entry_ids=[999999], description="问题")
    with pytest.raises(ValidationFailed, match="请描述"):
        create(actor=officer, visit_id=visit.pk, entry_ids=[entries[0].pk], description="  ")
    _finding(county, visit)
    with pytest.raises(ValidationFailed, match="已登记在其他检查发现中"):
        _finding(county, visit)


def test_findings_are_recorded_only_by_confirmed_officers_of_the_open_visit(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    for actor in (county["outsider_officer_user"], county["admin"], county["head"], county["enterprise_user"],
                  county["receiver_admin"]):
        with pytest.raises(NotFound):
            _finding(county, visit, actor=actor)
    assert _finding(county, visit, actor=county["officer_users"][1]).pk


def test_finding_update_and_remove_while_drafting_then_frozen(outcomes_county, failed_visit, visit_finish):
    county = outcomes_county
    visit = failed_visit(failed=(1, 2))
    services = _services()
    entries = visit_entries(visit)
    finding = _finding(county, visit)
    officer = county["officer_users"][1]
    finding = services.finding_update(actor=officer, finding_id=finding.pk, entry_ids=[e.pk for e in entries],
                                      description="许可证与检验报告均未能出示")
    assert sorted(e.order for e in finding.entries.all()) == [1, 2]
    services.finding_remove(actor=officer, finding_id=finding.pk)
    assert not visit.record.findings.exists()
    finding = _finding(county, visit, orders=(1, 2))
    _dispose(county, finding, "correct_now", note="当场补办公示")
    visit_finish(visit)
    with pytest.raises(Conflict):
        services.finding_update(actor=officer, finding_id=finding.pk, description="改")
    with pytest.raises(Conflict):
        services.finding_remove(actor=officer, finding_id=finding.pk)


def test_a_finding_added_after_signing_voids_the_signatures(outcomes_county, failed_visit):
    from clearcheck.inspections.services.records_fill import record_sign_officer

    county = outcomes_county
    visit = failed_visit()
    record_sign_officer(actor=county["officer_users"][0], visit_id=visit.pk)
    _finding(county, visit)
    assert not visit.record.signatures.exists()


# --- dispositions closing at once ------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fields"), [
    ("correct_now", {"note": "企业当场将许可证悬挂于显著位置"}),
    ("case", {"case_number": "东市监立〔2025〕12号"}),
])
def test_r19_dispositions_that_close_when_given(outcomes_county, failed_visit, kind, fields):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    disposition = _dispose(county, finding, kind, **fields)
    assert disposition.status == "closed" and disposition.closed_at is not None
    finding.refresh_from_db()
    assert finding.status == "open"  # the record is still being written: more dispositions may follow


def test_r19_a_finding_is_not_disposed_of_as_no_problem(outcomes_county, failed_visit):
    """A finding records a problem: "未发现问题(告知)" does not fit it, whoever asks (web, API, import)."""
    county = outcomes_county
    finding = _finding(county, failed_visit())
    with pytest.raises(RuleViolation) as refused:
        _dispose(county, finding, "notice", note="已告知企业")
    assert refused.value.rule.id == "R19" and refused.value.errors[0].field == "kind"
    assert not finding.dispositions.exists()


def test_correct_now_needs_what_was_corrected_and_case_needs_its_number(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    with pytest.raises(ValidationFailed, match="当场改正"):
        _dispose(county, finding, "correct_now")
    with pytest.raises(ValidationFailed, match="立案号"):
        _dispose(county, finding, "case", case_number=" ")
    with pytest.raises(ValidationFailed, match="处置方式"):
        _dispose(county, finding, "fine")


def test_the_same_kind_twice_is_refused(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    _dispose(county, finding, "case", case_number="A-1")
    with pytest.raises(Conflict, match="不能重复"):
        _dispose(county, finding, "case", case_number="A-2")


# --- no penalty --------------------------------------------------------------------------------------


def test_r19_no_penalty_on_a_published_ground_closes_but_warns_when_alone(outcomes_county, failed_visit):
    from clearcheck.inspections.selectors.outcomes import NO_PENALTY_ALONE, finding_warnings

    county = outcomes_county
    finding = _finding(county, failed_visit())
    disposition = _dispose(county, finding, "no_penalty", no_penalty_entry=county["np"]["published"].pk)
    assert disposition.status == "closed"
    assert disposition.no_penalty_entry_id == county["np"]["published"].pk
    assert finding_warnings(finding) == [NO_PENALTY_ALONE]
    _dispose(county, finding, "correct_now", note="当场改正")
    assert finding_warnings(finding) == []


@pytest.mark.parametrize("which", ["draft", "withdrawn"])
def test_r19_no_penalty_ground_missing_from_the_agencys_published_list_is_refused(outcomes_county, failed_visit,
                                                                                   which):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    with pytest.raises(RuleViolation) as caught:
        _dispose(county, finding, "no_penalty", no_penalty_entry=county["np"][which].pk)
    assert caught.value.rule.id == "R19"
    assert not finding.dispositions.exists()


def test_r19_no_penalty_ground_of_another_agency_is_refused(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    for ground in (county["np"]["other"].pk, 999999):
        with pytest.raises(RuleViolation) as caught:
            _dispose(county, finding, "no_penalty", no_penalty_entry=ground)
        assert caught.value.rule.id == "R19"


def test_no_penalty_needs_a_ground_and_no_fault_needs_the_facts(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    with pytest.raises(ValidationFailed, match="免罚依据"):
        _dispose(county, finding, "no_penalty")
    with pytest.raises(ValidationFailed, match="无主观过错"):
        _dispose(county, finding, "no_penalty", no_fault=True)
    disposition = _dispose(county, finding, "no_penalty", no_fault=True, note="许可证系主管部门延误换发,企业已按期申请")
    assert disposition.status == "closed" and disposition.no_penalty_entry_id is None


# --- correct by deadline and the re-check ------------------------------------------------------------


def test_r19_correct_by_deadline_files_a_recheck_task_of_the_failed_items(outcomes_county, failed_visit):
    from clearcheck.audit.models import AuditEvent

    county = outcomes_county
    visit = failed_visit(failed=(2,))
    finding = _finding(county, visit, orders=(2,), text="锅炉未定期检验")
    deadline = clock.local_today() + dt.timedelta(days=15)
    disposition = _dispose(county, finding, "correct_by_deadline", deadline=deadline.isoformat(), note="送检并取得报告")
    assert disposition.status == "open" and disposition.deadline == deadline
    task = disposition.recheck_task
    assert (task.source, task.inspection_type, task.status) == ("recheck", "case", "submitted")
    assert (task.agency_id, task.enterprise_id) == (county["agency"].pk, county["enterprise"].pk)
    assert list(task.items.all()) == [county["items"]["boiler"]]
    assert set(task.officers.all()) == set(county["officers"])
    assert task.window_end >= deadline and task.window_start == clock.local_today()
    assert task.checklist_id is None
    actions = list(AuditEvent.objects.filter(subject_id=str(task.pk), subject_type="planning.inspectiontask")
                   .values_list("action", flat=True))
    assert actions == ["inspection_task.create", "inspection_task.submit"]


@pytest.mark.parametrize("days", [0, -1, None, 400])
def test_correct_by_deadline_needs_a_future_deadline(outcomes_county, failed_visit, days):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    deadline = None if days is None else clock.local_today() + dt.timedelta(days=days)
    with pytest.raises(ValidationFailed, match="整改期限"):
        _dispose(county, finding, "correct_by_deadline", deadline=deadline)
    assert not finding.dispositions.exists()


def test_recheck_carries_only_the_failed_entries_and_closes_the_loop(outcomes_county, failed_visit, open_visit,
                                                                      visit_finish):
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.records_fill import record_entry_set
    from clearcheck.planning.services.tasks import task_approve

    county = outcomes_county
    visit = failed_visit(failed=(2,))
    finding = _finding(county, visit, orders=(2,), text="锅炉未定期检验")
    disposition = _dispose(county, finding, "correct_by_deadline",
                           deadline=clock.local_today() + dt.timedelta(days=5))
    visit = visit_finish(visit)
    assert _task_status(county["task2"]) == "approved"  # the finding is open: the task is not complete
    finding.refresh_from_db()
    assert finding.status == "open"

    recheck = task_approve(actor=county["head"], task_id=disposition.recheck_task_id)
    revisit = Visit.objects.get(pk=open_visit(recheck, key="recheck-1").pk)
    entries = visit_entries(revisit)
    assert [(e.item_id, e.rechecks_id) for e in entries] == [(county["items"]["boiler"].pk, finding.entries.get().pk)]
    record_entry_set(actor=county["officer_users"][0], visit_id=revisit.pk, entry_id=entries[0].pk, result="compliant")
    visit_finish(revisit)

    disposition.refresh_from_db()
    finding.refresh_from_db()
    assert disposition.status == "closed" and "复查合格" in disposition.closing_note
    assert finding.status == "closed"
    assert _task_status(county["task2"]) == "completed"
    assert _task_status(recheck) == "completed"


def test_a_failed_recheck_keeps_the_order_open_until_a_later_round_passes(outcomes_county, failed_visit, open_visit,
                                                                          visit_finish):
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.records_fill import record_entry_set
    from clearcheck.planning.services.tasks import task_approve

    county = outcomes_county
    officer = county["officer_users"][0]
    visit = failed_visit(failed=(1,))
    finding = _finding(county, visit)
    first = _dispose(county, finding, "correct_by_deadline", deadline=clock.local_today() + dt.timedelta(days=5))
    visit_finish(visit)

    round2 = Visit.objects.get(pk=open_visit(task_approve(actor=county["head"], task_id=first.recheck_task_id),
                                             key="recheck-2").pk)
    entry2 = visit_entries(round2)[0]
    record_entry_set(actor=officer, visit_id=round2.pk, entry_id=entry2.pk, result="non_compliant", note="仍未整改")
    with pytest.raises(RuleViolation) as caught:  # the new failure needs a new finding, and that one a disposition
        visit_finish(round2)
    assert caught.value.rule.id in ("R16", "R19")
    finding2 = _finding(county, round2, text="逾期仍未整改")
    second = _dispose(county, finding2, "correct_by_deadline", deadline=clock.local_today() + dt.timedelta(days=10))
    visit_finish(round2)
    first.refresh_from_db()
    assert first.status == "open"  # stays open with a new finding
    assert _task_status(first.recheck_task) == "approved"

    round3 = Visit.objects.get(pk=open_visit(task_approve(actor=county["head"], task_id=second.recheck_task_id),
                                             key="recheck-3").pk)
    entry3 = visit_entries(round3)[0]
    assert entry3.rechecks_id == entry2.pk
    record_entry_set(actor=officer, visit_id=round3.pk, entry_id=entry3.pk, result="compliant")
    visit_finish(round3)
    for row in (first, second, finding, finding2):
        row.refresh_from_db()
    assert (first.status, second.status, finding.status, finding2.status) == ("closed",) * 4
    assert _task_status(county["task2"]) == "completed"


def test_withdrawing_a_correction_order_while_drafting_cancels_its_recheck(outcomes_county, failed_visit,
                                                                           visit_finish):
    county = outcomes_county
    visit = failed_visit()
    finding = _finding(county, visit)
    disposition = _dispose(county, finding, "correct_by_deadline", deadline=clock.local_today() + dt.timedelta(days=5))
    task = disposition.recheck_task
    _services().disposition_remove(actor=county["officer_users"][1], disposition_id=disposition.pk, reason="改为当场改正")
    assert _task_status(task) == "cancelled"
    assert not finding.dispositions.exists()
    kept = _dispose(county, finding, "correct_now", note="当场改正")
    visit_finish(visit)
    with pytest.raises(Conflict, match="笔录已完成"):
        _services().disposition_remove(actor=county["officer_users"][0], disposition_id=kept.pk)


def test_entries_of_a_finding_with_a_correction_order_stay_fixed(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit(failed=(1, 2))
    finding = _finding(county, visit)
    _dispose(county, finding, "correct_by_deadline", deadline=clock.local_today() + dt.timedelta(days=5))
    with pytest.raises(Conflict, match="复查"):
        _services().finding_update(actor=county["officer_users"][0], finding_id=finding.pk,
                                   entry_ids=[e.pk for e in visit_entries(visit)])


# --- referrals -------------------------------------------------------------------------------------


def test_r19_referral_reaches_the_receiving_inbox_only_and_closes_when_handled(outcomes_county, failed_visit,
                                                                                visit_finish):
    from clearcheck.inspections.selectors.outcomes import (
        disposition_get_for_actor,
        referral_inbox,
        referrals_sent,
    )

    county = outcomes_county
    services = _services()
    visit = failed_visit()
    finding = _finding(county, visit)
    referral = _dispose(county, finding, "refer", referred_to=county["receiver"].pk, note="涉嫌从业人员无健康证,移送卫健局")
    assert referral.status == "open" and referral.referral_status == "pending"
    for actor in (county["receiver_admin"], county["receiver_head"]):
        assert list(referral_inbox(actor=actor)) == [referral]
    for actor in (county["stranger_admin"], county["admin"], county["receiver_department_head"]):
        assert list(referral_inbox(actor=actor)) == []
    with pytest.raises(NotFound):
        disposition_get_for_actor(actor=county["stranger_admin"], disposition_id=referral.pk)
    assert list(referrals_sent(actor=county["admin"])) == [referral]

    visit_finish(visit)
    assert _task_status(county["task2"]) == "approved"
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=county["receiver_department_head"], disposition_id=referral.pk)
    for actor in (county["admin"], county["stranger_admin"]):
        with pytest.raises(NotFound):
            services.referral_accept(actor=actor, disposition_id=referral.pk)
    services.referral_accept(actor=county["receiver_admin"], disposition_id=referral.pk, note="已接收,由监督科办理")
    with pytest.raises(ValidationFailed, match="办理情况"):
        services.referral_handle(actor=county["receiver_head"], disposition_id=referral.pk, note="")
    services.referral_handle(actor=county["receiver_head"], disposition_id=referral.pk, note="已立案调查(东卫立〔2025〕3号)")
    seen = disposition_get_for_actor(actor=county["admin"], disposition_id=referral.pk)
    assert (seen.referral_status, seen.status) == ("handled", "closed")
    assert "东卫立" in seen.referral_note
    finding.refresh_from_db()
    assert finding.status == "closed"
    assert _task_status(county["task2"]) == "completed"
    with pytest.raises(Conflict):
        services.referral_handle(actor=county["receiver_head"], disposition_id=referral.pk, note="再次办结")


def test_referral_must_go_to_another_listed_agency(outcomes_county, failed_visit, make_agency):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    unlisted = make_agency("东阿县未公布局", listed=False)
    for target, message in ((None, "接收"), (county["agency"].pk, "本机关"), (unlisted.pk, "已公布")):
        with pytest.raises(ValidationFailed, match=message):
            _dispose(county, finding, "refer", referred_to=target, note="移送")
    with pytest.raises(ValidationFailed, match="移送事由"):
        _dispose(county, finding, "refer", referred_to=county["receiver"].pk)


def test_an_accepted_referral_cannot_be_withdrawn(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit())
    referral = _dispose(county, finding, "refer", referred_to=county["receiver"].pk, note="移送")
    _services().referral_accept(actor=county["receiver_admin"], disposition_id=referral.pk)
    with pytest.raises(Conflict, match="已被"):
        _services().disposition_remove(actor=county["officer_users"][0], disposition_id=referral.pk)


# --- who disposes --------------------------------------------------------------------------------------


def test_dispositions_by_the_visits_officers_and_their_agency_admin_or_head(outcomes_county, failed_visit):
    county = outcomes_county
    finding = _finding(county, failed_visit(failed=(1, 2)), orders=(1, 2))
    assert _dispose(county, finding, "refer", actor=county["officer_users"][1], referred_to=county["receiver"].pk,
                    note="移送").pk
    assert _dispose(county, finding, "case", actor=county["head"], case_number="C-1").pk
    assert _dispose(county, finding, "correct_now", actor=county["admin"], note="当场改正").pk
    with pytest.raises(PermissionDenied):
        _dispose(county, finding, "no_penalty", actor=county["department_head"], no_fault=True, note="无过错")
    for actor in (county["outsider_officer_user"], county["receiver_admin"], county["enterprise_user"]):
        with pytest.raises(NotFound):
            _dispose(county, finding, "no_penalty", actor=actor, no_fault=True, note="无过错")


# --- closing the loop ----------------------------------------------------------------------------------


def test_r19_a_visit_without_findings_completes_its_task_at_once(outcomes_county, failed_visit, visit_finish):
    county = outcomes_county
    visit_finish(failed_visit(failed=()))
    assert _task_status(county["task2"]) == "completed"


def test_r19_closing_is_refused_while_a_finding_has_no_disposition(outcomes_county, failed_visit, visit_finish):
    from clearcheck.inspections.rules import findings_undisposed_refusal

    county = outcomes_county
    visit = failed_visit()
    finding = _finding(county, visit)
    assert findings_undisposed_refusal(visit.record).rule.id == "R19"
    with pytest.raises(RuleViolation) as caught:
        visit_finish(visit)
    assert caught.value.rule.id == "R19" and f"#{finding.pk}" in caught.value.detail
    visit.refresh_from_db()
    visit.record.refresh_from_db()
    assert (visit.status, visit.record.status) == ("open", "drafting")
    assert _task_status(county["task2"]) == "approved"


def test_r19_the_task_completes_only_when_every_finding_is_closed(outcomes_county, failed_visit, visit_finish):
    county = outcomes_county
    visit = failed_visit(failed=(1, 2))
    first = _finding(county, visit, orders=(1,))
    second = _finding(county, visit, orders=(2,), text="锅炉未定期检验")
    _dispose(county, first, "correct_now", note="当场改正")
    referral = _dispose(county, second, "refer", referred_to=county["receiver"].pk, note="移送")
    _dispose(county, second, "case", case_number="C-9")
    visit_finish(visit)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("closed", "open")
    assert _task_status(county["task2"]) == "approved"
    _services().referral_handle(actor=county["receiver_admin"], disposition_id=referral.pk, note="已办结")
    second.refresh_from_db()
    assert second.status == "closed"
    assert _task_status(county["task2"]) == "completed"


def test_a_case_added_after_the_visit_by_the_head_keeps_the_loop_going(outcomes_county, failed_visit, visit_finish):
    county = outcomes_county
    visit = failed_visit()
    finding = _finding(county, visit)
    referral = _dispose(county, finding, "refer", referred_to=county["receiver"].pk, note="移送")
    visit_finish(visit)
    _dispose(county, finding, "case", actor=county["head"], case_number="东市监立〔2025〕20号")
    finding.refresh_from_db()
    assert finding.status == "open"
    _services().referral_handle(actor=county["receiver_admin"], disposition_id=referral.pk, note="已办结")
    finding.refresh_from_db()
    assert finding.status == "closed"
    with pytest.raises(Conflict):
        _dispose(county, finding, "correct_now", actor=county["head"], note="当场改正")
