"""Issue 19: people appear by name with their role, never by their login name."""

import pytest
from django.test import Client

from clearcheck.accounts.selectors import person_label
from clearcheck.accounts.templatetags.people import person
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_issue19_a_person_by_name_and_role(make_user_plain, make_agency):
    head = make_user_plain("agency_head", agency=make_agency())
    head.display_name = "刘建国"
    head.save(update_fields=["display_name"])
    assert person_label(head.username) == "刘建国(执法机关负责人)"
    nameless = make_user_plain("bureau")
    nameless.display_name = ""
    nameless.save(update_fields=["display_name"])
    assert person_label(nameless.username) == "司法局"
    assert person("system") == "系统" and person("") == "—"
    assert person_label("gone-account") == "gone-account"  # an account since removed: what the record holds


def test_issue19_the_approver_on_the_task_page_and_the_enterprise_facts(plan_county, approved_task):
    task = approved_task()
    head = plan_county["head"]
    head.display_name = "刘建国"
    head.save(update_fields=["display_name"])
    client = Client()
    client.force_login(plan_county["admin"])
    page = client.get(f"/work/planning/tasks/{task.pk}/").content.decode()
    assert "刘建国(执法机关负责人)" in page and head.username not in page
