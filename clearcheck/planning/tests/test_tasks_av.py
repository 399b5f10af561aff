"""R17: a task is marked as needing a full audio/video record by its ground; pages and API carry it."""

import pytest

from clearcheck.core.errors import ValidationFailed
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_r17_task_with_ground_needs_full_av_record(make_task):
    task = make_task(av_ground="life_health")
    assert task.av_required is True
    assert task.get_av_ground_display() == "涉及生命健康"


def test_r17_task_without_ground_needs_none(make_task):
    task = make_task()
    assert (task.av_required, task.av_ground) == (False, "")


def test_r17_unknown_ground_refused(make_task):
    with pytest.raises(ValidationFailed) as caught:
        make_task(av_ground="because")
    assert caught.value.errors[0].field == "av_ground"


def test_r17_ground_can_be_cleared_on_a_draft(plan_county, make_task):
    from clearcheck.planning.services.tasks import task_update

    task = make_task(av_ground="contentious")
    task = task_update(actor=plan_county["admin"], task_id=task.pk, data={"av_ground": ""})
    assert task.av_required is False


def test_r17_api_and_form_carry_the_ground(client, plan_county, make_task):
    task = make_task(av_ground="major_property")
    client.force_login(plan_county["admin"])
    body = client.get(f"/api/tasks/{task.pk}").json()
    assert (body["av_required"], body["av_ground"]) == (True, "major_property")
    page = client.get(f"/work/planning/tasks/{task.pk}/").content.decode()
    assert "须全过程音像记录(R17)" in page and "涉及重大财产权益" in page
