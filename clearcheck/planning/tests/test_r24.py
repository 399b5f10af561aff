"""R24 (clause 五(十五)) in planning: a routine (日常) task picks its enterprise and officers by a
double-random draw, unless every item is of a listed special sector; only a draw makes a task whose
source is the draw; case-triggered and special inspections are not drawn; a task a draw made passes the
same revalidation at submit and approval as any other task.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.core.errors import RuleViolation
from clearcheck.planning import rules
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.services import tasks as svc
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)

pytestmark = pytest.mark.django_db


def _item(special: str = "") -> SimpleNamespace:
    return SimpleNamespace(special_sector=special)


# --- The rule itself -----------------------------------------------------------------------------------


@pytest.mark.parametrize("inspection_type, source, items, refused_field", [
    ("routine", "annual_plan", [_item()], "inspection_type"),
    ("routine", "annual_plan", [_item("public_safety"), _item()], "inspection_type"),  # only some special
    ("routine", "annual_plan", [], "inspection_type"),  # no item, no exception
    ("routine", "higher_level", [_item()], "inspection_type"),
    ("routine", "annual_plan", [_item("public_safety")], None),
    ("routine", "annual_plan", [_item("life_health"), _item("public_safety")], None),
    ("case", "complaint", [_item()], None),
    ("case", "referral", [_item()], None),
    ("special", "special_plan", [_item()], None),
    ("special", "higher_level", [_item()], None),
    ("routine", "draw", [_item()], "source"),  # by hand: only a draw makes a draw task
    ("case", "draw", [_item("public_safety")], "source"),
])
def test_r24_draw_refusal_matrix(inspection_type, source, items, refused_field):
    refusal = rules.draw_refusal(inspection_type, source, items)
    if refused_field is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.rule_id == "R24" and refusal.field == refused_field
        assert refusal.rule.clause == "五(十五)"


def test_r24_a_draw_may_make_routine_draw_tasks():
    assert rules.draw_refusal("routine", "draw", [_item()], from_draw=True) is None
    assert not rules.draw_required("routine", "draw")
    assert rules.draw_required("routine", "annual_plan")
    assert not rules.draw_required("routine", "annual_plan", special_sector=True)
    assert not rules.draw_required("case", "complaint")


# --- task_create and task_update -----------------------------------------------------------------------


def _task(county, **overrides):
    today = clock.local_today()
    values = {
        "actor": county["admin"], "agency": county["agency"], "enterprise": county["enterprises"][0],
        "inspection_type": "routine", "source": "annual_plan", "items": [county["routine"]],
        "officers": county["officers"][:2], "window_start": today + dt.timedelta(days=1),
        "window_end": today + dt.timedelta(days=8),
    }
    values.update(overrides)
    return svc.task_create(**values)


def test_r24_a_routine_task_without_a_draw_is_refused(draw_county):
    with pytest.raises(RuleViolation) as caught:
        _task(draw_county)
    assert caught.value.rule_id == "R24" and caught.value.field == "inspection_type"
    assert "双随机" in caught.value.plain
    assert not InspectionTask.objects.exists()


def test_r24_a_routine_task_of_special_sector_items_needs_no_draw(draw_county):
    task = _task(draw_county, items=[draw_county["special"]])
    assert task.status == "draft" and task.inspection_type == "routine"
    svc.task_submit(actor=draw_county["admin"], task_id=task.pk)
    assert svc.task_approve(actor=draw_county["head"], task_id=task.pk).status == "approved"


def test_r24_a_routine_task_with_only_some_special_items_is_refused(draw_county):
    with pytest.raises(RuleViolation) as caught:
        _task(draw_county, items=[draw_county["special"], draw_county["routine"]])
    assert caught.value.rule_id == "R24"
    assert not InspectionTask.objects.exists()


@pytest.mark.parametrize("items", ["routine", "special"])
def test_r24_source_draw_by_hand_is_refused(draw_county, items):
    with pytest.raises(RuleViolation) as caught:
        _task(draw_county, source="draw", items=[draw_county[items]])
    assert caught.value.rule_id == "R24" and caught.value.field == "source"
    assert not InspectionTask.objects.exists()


@pytest.mark.parametrize("inspection_type, source", [("case", "complaint"), ("case", "referral"),
                                                     ("case", "recheck"), ("special", "higher_level")])
def test_r24_case_triggered_and_special_tasks_need_no_draw(draw_county, inspection_type, source):
    task = _task(draw_county, inspection_type=inspection_type, source=source)
    assert (task.inspection_type, task.source, task.status) == (inspection_type, source, "draft")
    assert svc.task_submit(actor=draw_county["admin"], task_id=task.pk).status == "submitted"


def test_r24_turning_a_case_task_into_a_routine_one_is_refused(draw_county):
    task = _task(draw_county, inspection_type="case", source="complaint")
    with pytest.raises(RuleViolation) as caught:
        svc.task_update(actor=draw_county["admin"], task_id=task.pk,
                        data={"inspection_type": "routine", "source": "annual_plan"})
    assert caught.value.rule_id == "R24"
    task.refresh_from_db()
    assert task.inspection_type == "case"


def test_r24_adding_an_ordinary_item_to_a_special_routine_task_is_refused(draw_county):
    task = _task(draw_county, items=[draw_county["special"]])
    with pytest.raises(RuleViolation) as caught:
        svc.task_update(actor=draw_county["admin"], task_id=task.pk,
                        data={"items": [draw_county["special"].pk, draw_county["routine"].pk]})
    assert caught.value.rule_id == "R24"
    assert list(task.items.values_list("pk", flat=True)) == [draw_county["special"].pk]


def test_r24_a_hand_made_task_cannot_be_relabelled_as_drawn(draw_county):
    task = _task(draw_county, inspection_type="case", source="complaint")
    with pytest.raises(RuleViolation) as caught:
        svc.task_update(actor=draw_county["admin"], task_id=task.pk,
                        data={"inspection_type": "routine", "source": "draw"})
    assert caught.value.rule_id == "R24" and caught.value.field == "source"


# --- Tasks made by a draw ------------------------------------------------------------------------------


@pytest.fixture
def drawn_task(draw_county, selected_draw):
    """A task made by a draw, returned (rejected) by the head so that it can be edited and resubmitted."""
    from clearcheck.sampling.services import draw_tasks_make

    draw, _ = selected_draw
    task_id = draw_tasks_make(actor=draw_county["admin"], draw_id=draw.pk)[0]
    svc.task_reject(actor=draw_county["head"], task_id=task_id, note="请补充告知事项")
    return InspectionTask.objects.get(pk=task_id)


def test_r24_a_drawn_task_passes_revalidation_at_submit_and_approval(draw_county, drawn_task):
    county = draw_county
    task = svc.task_update(actor=county["admin"], task_id=drawn_task.pk, data={"notice": "请备好营业执照"})
    assert task.notice == "请备好营业执照" and task.source == "draw"
    assert svc.task_submit(actor=county["admin"], task_id=task.pk).status == "submitted"
    approved = svc.task_approve(actor=county["head"], task_id=task.pk)
    assert approved.status == "approved" and approved.source == "draw"


def test_r24_a_drawn_task_cannot_be_moved_to_another_enterprise(draw_county, drawn_task):
    picked = {p for p in drawn_task.draw_picks.values_list("enterprise_id", flat=True)}
    elsewhere = next(e for e in draw_county["enterprises"] if e.pk not in picked)
    with pytest.raises(RuleViolation) as caught:
        svc.task_update(actor=draw_county["admin"], task_id=drawn_task.pk, data={"enterprise": elsewhere.pk})
    assert caught.value.rule_id == "R24"


def test_r24_a_drawn_task_keeps_its_drawn_officers(draw_county, drawn_task):
    drawn = set(drawn_task.officers.values_list("pk", flat=True))
    others = [o.pk for o in draw_county["officers"] if o.pk not in drawn][:2]
    with pytest.raises(RuleViolation) as caught:
        svc.task_update(actor=draw_county["admin"], task_id=drawn_task.pk, data={"officers": others})
    assert caught.value.rule_id == "R24"


# --- Through the API -----------------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(county, **overrides) -> dict:
    today = clock.local_today()
    body = {
        "enterprise_id": county["enterprises"][0].pk, "inspection_type": "routine", "source": "annual_plan",
        "item_ids": [county["routine"].pk], "officer_ids": [o.pk for o in county["officers"][:2]],
        "window_start": (today + dt.timedelta(days=1)).isoformat(),
        "window_end": (today + dt.timedelta(days=5)).isoformat(),
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize("overrides, field", [
    ({}, "inspection_type"),
    ({"item_ids": "both"}, "inspection_type"),
    ({"source": "draw"}, "source"),
])
def test_r24_api_refuses_routine_tasks_without_a_draw(draw_county, overrides, field):
    if overrides.get("item_ids") == "both":
        overrides = {"item_ids": [draw_county["routine"].pk, draw_county["special"].pk]}
    response = _client(draw_county["admin"]).post("/api/tasks", _body(draw_county, **overrides),
                                                  content_type="application/json")
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["rule"] == "R24" and problem["clause"] == "五(十五)"
    assert problem["errors"][0]["field"] == field
    assert not InspectionTask.objects.exists()


def test_r24_api_accepts_special_sector_and_case_tasks(draw_county):
    client = _client(draw_county["admin"])
    special = client.post("/api/tasks", _body(draw_county, item_ids=[draw_county["special"].pk]),
                          content_type="application/json")
    assert special.status_code == 201, special.content
    case = client.post("/api/tasks", _body(draw_county, inspection_type="case", source="complaint"),
                       content_type="application/json")
    assert case.status_code == 201, case.content
    assert sorted(InspectionTask.objects.values_list("inspection_type", flat=True)) == ["case", "routine"]
