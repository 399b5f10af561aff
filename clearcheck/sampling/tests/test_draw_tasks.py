"""From draw to inspection (R24, clause 五(十五)): tasks with source = draw for the selected enterprises
and teams, filed for approval (R06), approved by the agency head only (R07), each under the cap (R21),
never with a recused officer (R13); a joint draw's tasks at an enterprise share one joint inspection.
"""

import datetime as dt

import pytest
from django.db import transaction

from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.planning.models import CapUsage, InspectionTask, JointInspection
from clearcheck.planning.services.draw_tasks import DrawTaskRow, draw_tasks_create
from clearcheck.sampling import services as svc
from clearcheck.sampling.models import DrawPick
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, agency_kit

pytestmark = pytest.mark.django_db


def team_officers(pick) -> set[int]:
    return set(pick.team.members.values_list("officer_id", flat=True))


def test_r24_one_filed_routine_task_per_pick_with_its_team(draw_county, selected_draw):
    county = draw_county
    draw, _ = selected_draw
    task_ids = svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    draw.refresh_from_db()
    assert draw.tasks_created_at is not None and len(task_ids) == 6 == len(set(task_ids))
    for pick in draw.picks.select_related("team").order_by("position"):
        task = pick.tasks.get()
        assert task.pk in task_ids
        assert (task.agency_id, task.enterprise_id) == (county["agency"].pk, pick.enterprise_id)
        assert (task.inspection_type, task.source, task.status) == ("routine", "draw", "submitted")
        assert task.source_reference == f"双随机抽取 #{draw.pk}" and task.submitted_at is not None
        assert (task.window_start, task.window_end, task.year) == (draw.window_start, draw.window_end,
                                                                    draw.window_start.year)
        assert list(task.items.values_list("pk", flat=True)) == [county["routine"].pk]
        assert set(task.officers.values_list("pk", flat=True)) == team_officers(pick)
        assert task.counts_against_cap and task.joint_inspection_id is None
    events = AuditEvent.objects.filter(action="inspection_task.create_from_draw")
    assert sorted(int(e.subject_id) for e in events) == sorted(task_ids)
    assert AuditEvent.objects.filter(action="draw.tasks_make", subject_id=str(draw.pk)).count() == 1


def test_r24_tasks_are_made_once_and_only_after_selection(draw_county, make_draw, selected_draw):
    county = draw_county
    draw, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    with pytest.raises(Conflict):
        svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert InspectionTask.objects.count() == 6
    committed, _ = svc.draw_commit(actor=county["admin"], draw_id=make_draw().pk)
    with pytest.raises(Conflict):
        svc.draw_tasks_make(actor=county["admin"], draw_id=committed.pk)
    assert InspectionTask.objects.count() == 6


def test_r07_r21_the_head_approves_every_task_and_takes_its_cap_place(draw_county, selected_draw):
    county = draw_county
    draw, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert svc.draw_tasks_approve(actor=county["head"], draw_id=draw.pk, note="同意") == {"approved": 6, "refused": []}
    tasks = InspectionTask.objects.filter(draw_picks__draw=draw)
    assert set(tasks.values_list("status", flat=True)) == {"approved"}
    assert set(tasks.values_list("approved_by_id", flat=True)) == {county["head"].pk}
    assert set(tasks.values_list("cap_place", flat=True)) == {"proactive"}
    year = draw.window_start.year
    for pick in draw.picks.all():
        usage = CapUsage.objects.get(agency=county["agency"], enterprise_id=pick.enterprise_id, year=year)
        assert usage.proactive_count == 1
    # Nothing is left to approve a second time.
    assert svc.draw_tasks_approve(actor=county["head"], draw_id=draw.pk) == {"approved": 0, "refused": []}


def test_r07_a_department_head_cannot_approve_draw_tasks(draw_county, selected_draw):
    county = draw_county
    draw, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    with pytest.raises(RuleViolation) as caught:
        svc.draw_tasks_approve(actor=county["department_head"], draw_id=draw.pk)
    assert caught.value.rule_id == "R07" and caught.value.rule.clause == "三(四)"
    with pytest.raises(PermissionDenied):
        svc.draw_tasks_approve(actor=county["admin"], draw_id=draw.pk)
    with pytest.raises(PermissionDenied):
        svc.draw_tasks_approve(actor=county["bureau"], draw_id=draw.pk)
    assert set(InspectionTask.objects.values_list("status", flat=True)) == {"submitted"}


def test_r24_another_agencys_head_gets_not_found(draw_county, selected_draw, make_agency, make_user_plain):
    draw, _ = selected_draw
    svc.draw_tasks_make(actor=draw_county["admin"], draw_id=draw.pk)
    stranger = make_user_plain("agency_head", agency=make_agency())
    with pytest.raises(NotFound):
        svc.draw_tasks_approve(actor=stranger, draw_id=draw.pk)
    with pytest.raises(NotFound):
        svc.draw_tasks_make(actor=make_user_plain("agency_admin", agency=stranger.agency), draw_id=draw.pk)


def test_r21_a_task_whose_enterprise_reached_its_cap_meanwhile_is_refused_alone(draw_county, selected_draw):
    """Each task is approved in its own transaction: one R21 refusal does not stop the others."""
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    county = draw_county
    draw, _ = selected_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    pick = draw.picks.filter(stratum="B").order_by("position").first()  # tier B: cap 1 a year
    today = clock.local_today()
    by_hand = task_create(actor=county["admin"], agency=county["agency"], enterprise=pick.enterprise_id,
                          inspection_type="routine", source="annual_plan", items=[county["special"]],
                          officers=county["officers"][:2], window_start=today + dt.timedelta(days=1),
                          window_end=today + dt.timedelta(days=3))
    task_submit(actor=county["admin"], task_id=by_hand.pk)
    task_approve(actor=county["head"], task_id=by_hand.pk)
    result = svc.draw_tasks_approve(actor=county["head"], draw_id=draw.pk)
    refused_task = pick.tasks.get()
    assert result["approved"] == 5 and [r["task"] for r in result["refused"]] == [refused_task.pk]
    assert "R21" in result["refused"][0]["reason"]
    refused_task.refresh_from_db()
    assert refused_task.status == "submitted" and refused_task.cap_place == ""


def test_r13_a_recusal_granted_after_commit_stops_the_tasks(draw_county, selected_draw, make_user_plain):
    from clearcheck.registry.recusals import recusal_request_decide, recusal_request_file

    county = draw_county
    draw, _ = selected_draw
    pick = draw.picks.select_related("team", "enterprise").order_by("position").first()
    officer_id = sorted(team_officers(pick))[0]
    user = make_user_plain("enterprise", enterprise=pick.enterprise)
    request = recusal_request_file(actor=user, officer_id=officer_id, reason="该执法人员系法定代表人的亲属")
    recusal_request_decide(actor=county["head"], request_id=request.pk, grant=True, reason="属实")
    with pytest.raises(RuleViolation) as caught:
        svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert caught.value.rule_id == "R13" and f"#{officer_id}" in caught.value.detail
    draw.refresh_from_db()
    assert draw.tasks_created_at is None and not InspectionTask.objects.exists()
    assert not DrawPick.tasks.through.objects.exists()


def test_r24_a_closed_enterprise_stops_the_tasks(draw_county, selected_draw, officials):
    from clearcheck.registry.services import enterprise_update

    draw, _ = selected_draw
    pick = draw.picks.select_related("enterprise").first()
    enterprise_update(actor=officials("bureau"), enterprise_id=pick.enterprise_id, status="cancelled")
    with pytest.raises(ValidationFailed) as caught:
        svc.draw_tasks_make(actor=draw_county["admin"], draw_id=draw.pk)
    assert pick.enterprise.name in caught.value.detail
    assert not InspectionTask.objects.exists()


# --- Joint draws ---------------------------------------------------------------------------------------


@pytest.fixture
def joint_draw(draw_county, make_agency, make_user_plain, make_officer, make_draw):
    """A selected joint draw of the county's agency (lead) and a partner with four officers."""
    partner = agency_kit(make_agency("东阿县应急管理局"), make_user_plain, make_officer, officers=4, prefix="YJ")
    partner["pool"] = svc.pool_create(actor=partner["admin"], name="应急全县对象库", filters={})
    draw = make_draw(pool_ids=[draw_county["pool"].pk, partner["pool"].pk],
                     item_ids=[draw_county["routine"].pk, partner["routine"].pk])
    draw, secret = svc.draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    draw = svc.draw_select(actor=draw_county["admin"], draw_id=draw.pk, secret=secret, public_value=KENO)
    return draw, partner


def test_r24_joint_draw_makes_one_task_per_agency_sharing_a_joint_inspection(draw_county, joint_draw):
    county = draw_county
    draw, partner = joint_draw
    task_ids = svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert len(task_ids) == 12
    assert JointInspection.objects.count() == 6
    for pick in draw.picks.select_related("team"):
        tasks = {t.agency_id: t for t in pick.tasks.all()}
        assert set(tasks) == {county["agency"].pk, partner["agency"].pk}
        lead, other = tasks[county["agency"].pk], tasks[partner["agency"].pk]
        assert lead.joint_inspection_id == other.joint_inspection_id is not None
        joint = lead.joint_inspection
        assert joint.lead_agency_id == county["agency"].pk and joint.enterprise_id == pick.enterprise_id
        assert (joint.window_start, joint.window_end) == (draw.window_start, draw.window_end)
        for agency_id, task in tasks.items():
            officers = list(task.officers.all())
            assert len(officers) == 2 and {o.agency_id for o in officers} == {agency_id}
            assert {o.pk for o in officers} <= team_officers(pick)
        assert list(lead.items.values_list("pk", flat=True)) == [county["routine"].pk]
        assert list(other.items.values_list("pk", flat=True)) == [partner["routine"].pk]


def test_r07_each_agency_head_approves_its_own_joint_tasks(draw_county, joint_draw):
    county = draw_county
    draw, partner = joint_draw
    svc.draw_tasks_make(actor=county["admin"], draw_id=draw.pk)
    assert svc.draw_tasks_approve(actor=partner["head"], draw_id=draw.pk)["approved"] == 6
    statuses = dict(InspectionTask.objects.values_list("agency_id", "status").distinct())
    assert statuses == {county["agency"].pk: "submitted", partner["agency"].pk: "approved"}
    assert svc.draw_tasks_approve(actor=county["head"], draw_id=draw.pk)["approved"] == 6
    # The partner reads the joint draw but does not make its tasks.
    with pytest.raises(NotFound):
        svc.draw_tasks_make(actor=partner["admin"], draw_id=draw.pk)


# --- planning.services.draw_tasks directly ---------------------------------------------------------------


def test_r30_draw_tasks_are_made_only_inside_the_draws_transaction(draw_county, monkeypatch):
    county = draw_county
    # The test itself runs in a transaction; pretend it does not, as a caller outside the draw's would.
    monkeypatch.setattr(transaction.get_connection(), "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="R30"):
        draw_tasks_create(actor=county["admin"], agency=county["agency"], items=[county["routine"]],
                          officers_by_id={}, rows=[], window_start=clock.local_today(),
                          window_end=clock.local_today(), reference="x")


def test_r24_draw_tasks_need_rows_and_valid_teams(draw_county):
    county = draw_county
    today = clock.local_today()
    officers = {o.pk: o for o in county["officers"]}
    common = {"actor": county["admin"], "agency": county["agency"], "items": [county["routine"]],
              "officers_by_id": officers, "window_start": today + dt.timedelta(days=1),
              "window_end": today + dt.timedelta(days=5), "reference": "双随机抽取 #0"}
    with transaction.atomic(), pytest.raises(ValidationFailed):
        draw_tasks_create(rows=[], **common)
    one = county["officers"][0].pk
    with transaction.atomic(), pytest.raises(RuleViolation) as caught:
        draw_tasks_create(rows=[DrawTaskRow(county["enterprises"][0].pk, (one,))], **common)
    assert caught.value.rule_id == "R14"
    assert not InspectionTask.objects.exists()
    with transaction.atomic():
        ids = draw_tasks_create(rows=[DrawTaskRow(e.pk, tuple(officers)[:2]) for e in county["enterprises"][:3]],
                                **common)
    assert InspectionTask.objects.filter(pk__in=ids, source="draw").count() == 3
