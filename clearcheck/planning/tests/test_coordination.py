"""Coordination (R09, R20): grouping, the fewest-visits suggestion, merging, the R09 job, 核减合并."""

import datetime as dt
import itertools
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.planning.jobs.coordination import overlapping_plans_alert
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.selectors.coordination import (
    TaskWindow,
    coordination_groups,
    coordination_groups_for_actor,
    coordination_period_default,
    overlap_runs,
    visits_suggest,
)
from clearcheck.planning.services import coordination as services
from clearcheck.planning.services.tasks import task_cancel, task_start_urgent, task_submit

from .test_coordination_fixtures import *  # noqa: F403 (the shared fixtures: coord)
from .test_coordination_fixtures import task_make

pytestmark = pytest.mark.django_db


def _groups(coord, span=(0, 90)):
    return coordination_groups(start=coord["day"](span[0]), end=coord["day"](span[1]))


# --- Grouping (R09) --------------------------------------------------------------------------------


def test_r09_overlapping_windows_of_two_agencies_form_one_group(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    [group] = _groups(coord)
    assert group.enterprise_id == e.pk and group.task_ids == tuple(sorted([a.pk, b.pk]))
    assert group.multi_agency and group.visits_saved == 1
    [visit] = group.suggestion
    assert (visit.date, visit.window_start, visit.window_end) == (day(10), day(5), day(10))
    assert set(visit.agency_ids) == {coord["market"]["agency"].pk, coord["safety"]["agency"].pk}


def test_r09_windows_sharing_one_day_overlap(coord):
    day, e = coord["day"], coord["enterprise"]
    task_make(coord["market"], e, day(1), day(5))
    task_make(coord["safety"], e, day(5), day(9))
    [group] = _groups(coord)
    assert [v.date for v in group.suggestion] == [day(5)]


def test_r09_touching_windows_do_not_overlap(coord):
    """One window ends the day before the other starts: no common day, no group."""
    day, e = coord["day"], coord["enterprise"]
    task_make(coord["market"], e, day(1), day(4))
    task_make(coord["safety"], e, day(5), day(9))
    assert _groups(coord) == []


def test_r09_disjoint_windows_and_other_enterprises_do_not_group(coord):
    day = coord["day"]
    task_make(coord["market"], coord["enterprise"], day(1), day(4))
    task_make(coord["safety"], coord["enterprise"], day(20), day(29))
    task_make(coord["safety"], coord["other_enterprise"], day(1), day(4))
    assert _groups(coord) == []


def test_r09_same_agency_overlap_is_a_group_but_not_multi_agency(coord):
    day, e = coord["day"], coord["enterprise"]
    task_make(coord["market"], e, day(1), day(10))
    task_make(coord["market"], e, day(3), day(6), items=coord["market"]["items"][1:])
    [group] = _groups(coord)
    assert not group.multi_agency and group.agency_ids == (coord["market"]["agency"].pk,)


def test_r09_chain_of_overlaps_is_one_group_with_the_fewest_visits(coord):
    """A–B overlap, B–C overlap, A–C do not: one group, two visits."""
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(5))
    b = task_make(coord["safety"], e, day(5), day(10))
    c = task_make(coord["market"], e, day(10), day(15), items=coord["market"]["items"][1:])
    [group] = _groups(coord)
    assert [v.task_ids for v in group.suggestion] == [tuple(sorted([a.pk, b.pk])), (c.pk,)]


def test_r09_period_cancelled_and_merged_tasks_are_left_out(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    task_make(coord["safety"], e, day(5), day(15))
    assert coordination_groups(start=day(30), end=day(60)) == []  # outside the period
    task_cancel(actor=coord["market"]["admin"], task_id=a.pk, reason="计划调整")
    assert _groups(coord) == []


def test_r09_lead_agency_is_the_one_with_most_items(coord):
    day, e = coord["day"], coord["enterprise"]
    task_make(coord["market"], e, day(1), day(10))
    task_make(coord["safety"], e, day(2), day(9), items=coord["safety"]["items"])
    [group] = _groups(coord)
    assert group.suggestion[0].lead_agency_id == coord["safety"]["agency"].pk


def test_r09_agency_user_sees_only_groups_with_its_tasks(coord, make_enterprise):
    day = coord["day"]
    mine, theirs = coord["enterprise"], make_enterprise()
    task_make(coord["market"], mine, day(1), day(10))
    task_make(coord["safety"], mine, day(5), day(15))
    third = coord["safety"]
    task_make(third, theirs, day(1), day(10))
    task_make(third, theirs, day(2), day(8), items=third["items"][1:])
    start, end = day(0), day(90)
    seen = coordination_groups_for_actor(actor=coord["market"]["admin"], start=start, end=end)
    assert [g.enterprise_id for g in seen] == [mine.pk]
    assert len(coordination_groups_for_actor(actor=coord["bureau"], start=start, end=end)) == 2
    assert coordination_groups_for_actor(actor=coord["market"]["admin"], start=start, end=end,
                                         agency_ids=[coord["safety"]["agency"].pk]) == []


def test_r09_enterprise_account_may_not_read_coordination(coord, make_user_plain):
    user = make_user_plain("enterprise", enterprise=coord["enterprise"])
    with pytest.raises(PermissionDenied):
        coordination_groups_for_actor(actor=user, start=coord["day"](0), end=coord["day"](9))


def test_default_period_is_next_month():
    assert coordination_period_default(dt.date(2026, 12, 15)) == (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert coordination_period_default(dt.date(2027, 1, 31)) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


def test_r09_coordination_groups_query_count_is_constant(coord, make_enterprise):
    """One query (the tasks joined to their items) whether 1 or 4 enterprises have groups."""
    day = coord["day"]

    def counted():
        with CaptureQueriesContext(connection) as ctx:
            groups = _groups(coord)
        return len(groups), len(ctx.captured_queries)

    task_make(coord["market"], coord["enterprise"], day(1), day(10))
    task_make(coord["safety"], coord["enterprise"], day(5), day(15))
    one = counted()
    for _ in range(3):
        e = make_enterprise()
        task_make(coord["market"], e, day(1), day(10))
        task_make(coord["safety"], e, day(5), day(15))
    four = counted()
    assert one[0] == 1 and four[0] == 4
    assert one[1] == four[1] == 1


# --- The suggestion: greedy interval-point cover is minimal ----------------------------------------

intervals = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 10)), min_size=1, max_size=7)


def _windows(spec):
    base = dt.date(2027, 1, 1)
    return [TaskWindow(id=i + 1, agency_id=1 + i % 3, agency_name=f"机关{1 + i % 3}", enterprise_id=1,
                       window_start=base + dt.timedelta(days=s), window_end=base + dt.timedelta(days=s + length),
                       status="draft", source="annual_plan", item_ids=(i,))
            for i, (s, length) in enumerate(spec)]


def _fewest_points(windows) -> int:
    ends = sorted({w.window_end for w in windows})
    for size in range(1, len(ends) + 1):
        for points in itertools.combinations(ends, size):
            if all(any(w.window_start <= p <= w.window_end for p in points) for w in windows):
                return size
    raise AssertionError("the ends always cover")


@settings(max_examples=300, deadline=None)
@given(intervals)
def test_r09_greedy_suggestion_is_minimal_and_serves_every_task(spec):
    windows = _windows(spec)
    visits = visits_suggest(windows)
    assert len(visits) == _fewest_points(windows)
    served = [t for v in visits for t in v.task_ids]
    assert sorted(served) == sorted(w.id for w in windows)  # each task in exactly one visit
    by_id = {w.id: w for w in windows}
    for v in visits:
        assert v.window_start <= v.date <= v.window_end
        assert all(by_id[t].window_start <= v.date <= by_id[t].window_end for t in v.task_ids)


@settings(max_examples=200, deadline=None)
@given(intervals)
def test_r09_overlap_runs_split_exactly_where_no_day_is_shared(spec):
    windows = _windows(spec)
    runs = overlap_runs(windows)
    assert sum(len(r) for r in runs) == len(windows)
    for left, right in itertools.pairwise(runs):
        assert max(w.window_end for w in left) < min(w.window_start for w in right)


# --- Merging into a joint inspection (R20) ---------------------------------------------------------


def test_r20_bureau_merges_two_agencies_tasks_and_the_items_go_into_the_note(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    joint = services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                             lead_agency_id=coord["safety"]["agency"].pk)
    assert (joint.window_start, joint.window_end, joint.checklist_id) == (day(5), day(10), None)
    assert set(InspectionTask.objects.filter(joint_inspection=joint).values_list("pk", flat=True)) == {a.pk, b.pk}
    assert "一表通查事项" in joint.note and coord["market"]["items"][0].name in joint.note
    event = AuditEvent.objects.get(action="joint_inspection.create")
    assert json.loads(event.body)["after"]["tasks"] == sorted([a.pk, b.pk])
    assert _groups(coord) == []  # merged tasks leave coordination


def test_r20_after_a_bureau_merge_the_lead_agency_builds_the_combined_checklist(coord):
    from clearcheck.core.errors import Conflict, PermissionDenied

    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    joint = services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                             lead_agency_id=coord["safety"]["agency"].pk)
    with pytest.raises(PermissionDenied):  # not the lead agency
        services.joint_inspection_checklist_build(actor=coord["market"]["admin"], joint_id=joint.pk)
    joint = services.joint_inspection_checklist_build(actor=coord["safety"]["admin"], joint_id=joint.pk)
    assert joint.checklist.status == "published" and joint.checklist.agency_id == coord["safety"]["agency"].pk
    assert joint.checklist.entries.count() == 2
    with pytest.raises(Conflict):  # built once
        services.joint_inspection_checklist_build(actor=coord["safety"]["admin"], joint_id=joint.pk)


def test_r20_lead_agency_admin_gets_a_published_combined_checklist(coord):
    from clearcheck.catalog.selectors import checklist_agencies

    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10), items=coord["market"]["items"])
    b = task_make(coord["safety"], e, day(5), day(15))
    joint = services.joint_inspection_create(actor=coord["market"]["admin"], task_ids=[a.pk, b.pk],
                                             lead_agency_id=coord["market"]["agency"].pk,
                                             window_start=day(6), window_end=day(8))
    checklist = joint.checklist
    assert checklist.status == "published" and checklist.agency_id == coord["market"]["agency"].pk
    assert checklist.entries.count() == 3
    assert {ag.pk for ag in checklist_agencies(checklist)} == {coord["market"]["agency"].pk,
                                                               coord["safety"]["agency"].pk}
    assert (joint.window_start, joint.window_end) == (day(6), day(8))


def test_r20_merging_tasks_of_different_enterprises_is_refused(coord):
    day = coord["day"]
    a = task_make(coord["market"], coord["enterprise"], day(1), day(10))
    b = task_make(coord["safety"], coord["other_enterprise"], day(1), day(10))
    with pytest.raises(ValidationFailed) as caught:
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                         lead_agency_id=coord["market"]["agency"].pk)
    assert caught.value.errors[0].field == "task_ids"
    assert not AuditEvent.objects.filter(action="joint_inspection.create").exists()


def test_r20_merging_windows_without_a_common_day_is_refused(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(4))
    b = task_make(coord["safety"], e, day(5), day(9))
    with pytest.raises(ValidationFailed, match="没有共同的日期"):
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                         lead_agency_id=coord["market"]["agency"].pk)


def test_r20_joint_window_must_lie_inside_every_task_window(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    with pytest.raises(ValidationFailed) as caught:
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                         lead_agency_id=coord["market"]["agency"].pk,
                                         window_start=day(3), window_end=day(12))
    assert {err.field for err in caught.value.errors} == {"window_start", "window_end"}


def test_r20_merge_refusals_status_joint_lead_and_permission(coord):
    day, e = coord["day"], coord["enterprise"]
    market, safety = coord["market"], coord["safety"]
    a = task_make(market, e, day(1), day(10))
    b = task_make(safety, e, day(5), day(15))
    c = task_make(safety, e, day(6), day(12), items=safety["items"][1:])
    with pytest.raises(ValidationFailed):  # one task is not a merge
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk], lead_agency_id=market["agency"].pk)
    with pytest.raises(PermissionDenied):  # not the lead agency's manager
        services.joint_inspection_create(actor=safety["admin"], task_ids=[a.pk, b.pk],
                                         lead_agency_id=market["agency"].pk)
    with pytest.raises(ValidationFailed):  # the lead must own one of the tasks
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[b.pk, c.pk],
                                         lead_agency_id=market["agency"].pk)
    services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk], lead_agency_id=market["agency"].pk)
    with pytest.raises(Conflict, match="已在联合检查"):
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[b.pk, c.pk],
                                         lead_agency_id=safety["agency"].pk)
    task_cancel(actor=safety["admin"], task_id=c.pk, reason="撤销")
    d = task_make(safety, e, day(6), day(12))
    with pytest.raises(Conflict, match="已取消"):
        services.joint_inspection_create(actor=coord["bureau"], task_ids=[c.pk, d.pk],
                                         lead_agency_id=safety["agency"].pk)


def test_r20_dissolve_frees_the_tasks_and_is_audited(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    joint = services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                             lead_agency_id=coord["market"]["agency"].pk)
    with pytest.raises(ValidationFailed):
        services.joint_inspection_dissolve(actor=coord["bureau"], joint_id=joint.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        services.joint_inspection_dissolve(actor=coord["safety"]["admin"], joint_id=joint.pk, reason="不合并")
    joint = services.joint_inspection_dissolve(actor=coord["market"]["head"], joint_id=joint.pk, reason="企业停产检修")
    assert joint.status == "dissolved" and "企业停产检修" in joint.note
    assert not InspectionTask.objects.filter(joint_inspection__isnull=False).exists()
    assert len(_groups(coord)) == 1
    event = AuditEvent.objects.get(action="joint_inspection.dissolve")
    assert json.loads(event.body)["before"]["tasks"] == sorted([a.pk, b.pk])
    with pytest.raises(Conflict):
        services.joint_inspection_dissolve(actor=coord["bureau"], joint_id=joint.pk, reason="再次")
    with pytest.raises(NotFound):
        services.joint_inspection_dissolve(actor=coord["bureau"], joint_id=999999, reason="无")


# --- The R09 alert job -----------------------------------------------------------------------------


def test_r09_overlapping_plans_alert_is_raised_once_per_group(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(1), day(10))
    b = task_make(coord["safety"], e, day(5), day(15))
    task_make(coord["market"], coord["other_enterprise"], day(1), day(10))  # same agency: no alert
    task_make(coord["market"], coord["other_enterprise"], day(2), day(9), items=coord["market"]["items"][1:])
    today = coord["base"]
    assert overlapping_plans_alert(today=today) == 1
    assert overlapping_plans_alert(today=today) == 0  # idempotent: nothing new, nothing counted again
    alert = Alert.objects.get(rule_id="R09")
    assert alert.occurrences == 1 and alert.subject_id == str(e.pk) and alert.clause == "三(六)"
    facts = json.loads(alert.facts)
    assert sorted(t["id"] for t in facts["tasks"]) == sorted([a.pk, b.pk])
    assert facts["suggestion"][0]["tasks"] == sorted([a.pk, b.pk])
    assert AuditEvent.objects.filter(action="alert.raise").count() == 1
    assert not AuditEvent.objects.filter(action="alert.repeat").exists()


def test_r09_alert_horizon_and_merged_groups(coord):
    day, e = coord["day"], coord["enterprise"]
    a = task_make(coord["market"], e, day(70), day(80))
    b = task_make(coord["safety"], e, day(75), day(85))
    assert overlapping_plans_alert(today=coord["base"], horizon_days=60) == 0
    services.joint_inspection_create(actor=coord["bureau"], task_ids=[a.pk, b.pk],
                                     lead_agency_id=coord["market"]["agency"].pk)
    assert overlapping_plans_alert(today=coord["base"], horizon_days=120) == 0


# --- 核减合并 (R09: an ad hoc inspection reduces later planned ones) --------------------------------


def test_r09_urgent_task_flags_only_the_same_agencys_later_planned_tasks_on_the_same_items(coord):
    day, e = coord["day"], coord["enterprise"]
    market = coord["market"]
    first, second = market["items"]
    earlier = task_make(market, e, day(0), day(3), source="annual_plan", items=[first])
    urgent = task_make(market, e, day(1), day(2), source="complaint", items=[first])
    later_same = task_make(market, e, day(10), day(20), source="annual_plan", items=[first, second])
    later_submitted = task_make(market, e, day(12), day(20), source="annual_plan", items=[first])
    later_other_item = task_make(market, e, day(10), day(20), source="annual_plan", items=[second])
    later_other_enterprise = task_make(market, coord["other_enterprise"], day(10), day(20), source="annual_plan",
                                       items=[first])
    later_unplanned = task_make(market, e, day(10), day(20), source="complaint", items=[first])
    later_other_agency = task_make(coord["safety"], e, day(10), day(20), source="annual_plan")
    task_submit(actor=market["admin"], task_id=later_submitted.pk)
    assert services.reduction_flags_apply(task=urgent) == 0  # still a draft: nothing happened yet
    urgent = task_start_urgent(actor=market["admin"], task_id=urgent.pk, reason="群众投诉")  # flags (hook)
    flagged = set(InspectionTask.objects.filter(reduction_flag=True).values_list("pk", flat=True))
    assert flagged == {later_same.pk, later_submitted.pk}
    for untouched in (earlier, later_other_item, later_other_enterprise, later_unplanned, later_other_agency):
        assert untouched.pk not in flagged
    later_same.refresh_from_db()
    assert f"#{urgent.pk}" in later_same.reduction_note
    assert AuditEvent.objects.filter(action="task.reduction_flag").count() == 2
    assert services.reduction_flags_apply(task=urgent) == 0  # already flagged: nothing new


def test_r09_a_planned_task_triggers_no_reduction(coord):
    day, e = coord["day"], coord["enterprise"]
    planned = task_make(coord["market"], e, day(1), day(2), source="annual_plan")
    task_make(coord["market"], e, day(10), day(20), source="annual_plan")
    assert services.reduction_flags_apply(task=planned) == 0


# --- Plan entries as per-agency planned volumes (context, not groups) ------------------------------


def test_r09_planned_volumes_sum_filed_entries_of_the_period_months(coord):
    from clearcheck.planning.selectors.coordination import planned_volumes
    from clearcheck.planning.services.plans import annual_plan_create, annual_plan_entry_set, annual_plan_file

    market = coord["market"]
    year = coord["base"].year + 1
    plan = annual_plan_create(actor=market["admin"], agency=market["agency"], year=year, basis="依据", goals="目标",
                              forms="现场检查", scope="辖区企业", content="检查内容")
    first, second = market["items"]
    annual_plan_entry_set(actor=market["admin"], plan_id=plan.pk, item_id=first.pk, month=3, target_count=10)
    annual_plan_entry_set(actor=market["admin"], plan_id=plan.pk, item_id=second.pk, month=3, target_count=5)
    annual_plan_entry_set(actor=market["admin"], plan_id=plan.pk, item_id=first.pk, month=4, target_count=7)
    march = (dt.date(year, 3, 1), dt.date(year, 3, 31))
    assert planned_volumes(start=march[0], end=march[1]) == []  # a draft plan is not a plan yet
    annual_plan_file(actor=market["admin"], plan_id=plan.pk, reason="首次备案")
    [volume] = planned_volumes(start=march[0], end=march[1])
    assert (volume.agency_id, volume.month, volume.target_count, volume.item_count) == (market["agency"].pk, 3, 15, 2)
    spring = planned_volumes(start=dt.date(year, 3, 20), end=dt.date(year, 4, 2))
    assert [(v.month, v.target_count) for v in spring] == [(3, 15), (4, 7)]
    assert planned_volumes(start=march[0], end=march[1], agency_ids=[coord["safety"]["agency"].pk]) == []


def test_r09_region_filter_takes_province_city_or_county_codes(coord):
    day, e = coord["day"], coord["enterprise"]
    task_make(coord["market"], e, day(1), day(10))
    task_make(coord["safety"], e, day(5), day(15))
    for code, found in (("370000", 1), ("371500", 1), ("371524", 1), ("371502", 0), ("110000", 0), ("null", 0)):
        groups = coordination_groups(start=day(0), end=day(90), region=code)
        assert len(groups) == found, code
