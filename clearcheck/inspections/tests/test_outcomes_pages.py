"""Outcome pages (R19): the officer records a finding and disposes of it on the phone page; readers see it
read-only; the enterprise sees its findings and deadlines once the record is closed; the receiving agency
accepts and handles a referral, and the referring agency reads the result."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import visit_entries
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officer_records_a_finding_and_a_correction_order_on_the_page(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    officer = _client(county["officer_users"][0])
    html = officer.get(url).content.decode()
    assert "登记检查发现" in html and "查看食品生产许可证" in html
    entry = visit_entries(visit)[0]
    response = officer.post(url, {"action": "finding_create", "entry_ids": [entry.pk], "description": "未公示许可证",
                                  "legal_basis": "《食品安全法》"}, follow=True)
    finding = visit.record.findings.get()
    assert f"检查发现 #{finding.pk}" in response.content.decode()
    assert "尚未作出处置" in response.content.decode()
    deadline = clock.local_today() + dt.timedelta(days=7)
    response = officer.post(url, {"action": "disposition_add", "finding_id": finding.pk, "kind": "correct_by_deadline",
                                  "deadline": deadline.isoformat(), "note": "限期公示"}, follow=True)
    html = response.content.decode()
    disposition = finding.dispositions.get()
    assert "责令限期改正" in html and f"{deadline.year}年{deadline.month}月{deadline.day}日" in html
    assert reverse("planning:task_detail", args=[disposition.recheck_task_id]) in html  # the re-check filed
    assert reverse("inspections:document_correction_order", args=[disposition.pk]) in html


def test_page_shows_refusals_as_messages(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    officer.post(url, {"action": "finding_create", "entry_ids": [entry.pk], "description": "未公示许可证"})
    finding = visit.record.findings.get()
    html = officer.post(url, {"action": "disposition_add", "finding_id": finding.pk, "kind": "no_penalty",
                              "no_penalty_entry": county["np"]["draft"].pk}, follow=True).content.decode()
    assert "R19" in html and not finding.dispositions.exists()


def test_readers_see_the_page_read_only_and_strangers_get_404(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    for user in (county["admin"], county["department_head"], county["bureau"]):
        html = _client(user).get(url).content.decode()
        assert "检查结果处置" in html and 'value="finding_create"' not in html
    for user in (county["receiver_admin"], county["outsider_officer_user"]):
        assert _client(user).get(url).status_code == 404


def test_enterprise_sees_its_findings_and_deadlines_after_close(outcomes_county, failed_visit, visit_finish):
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create

    county = outcomes_county
    visit = failed_visit()
    officer = county["officer_users"][0]
    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[visit_entries(visit)[0].pk],
                             description="未公示许可证")
    deadline = clock.local_today() + dt.timedelta(days=9)
    disposition_add(actor=officer, finding_id=finding.pk, kind="correct_by_deadline", deadline=deadline,
                    note="公示许可证")
    enterprise = _client(county["enterprise_user"])
    url = reverse("inspections:outcomes", args=[visit.pk])
    assert "未公示许可证" not in enterprise.get(url).content.decode()  # still being written
    visit_finish(visit)
    html = enterprise.get(url).content.decode()
    assert "未公示许可证" in html and f"{deadline.year}年{deadline.month}月{deadline.day}日" in html and "复查任务" not in html
    assert 'value="disposition_add"' not in html
    assert enterprise.get(f"/api/visits/{visit.pk}/findings").json()["items"] == []
    body = enterprise.get(f"/api/enterprise/findings?visit_id={visit.pk}").json()
    assert body["items"][0]["dispositions"][0]["deadline"] == deadline.isoformat()
    assert "recheck_task_id" not in body["items"][0]["dispositions"][0]


def test_receiving_agency_handles_a_referral_on_its_pages(outcomes_county, failed_visit):
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create

    county = outcomes_county
    visit = failed_visit()
    officer = county["officer_users"][0]
    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[visit_entries(visit)[0].pk],
                             description="从业人员无健康证")
    referral = disposition_add(actor=officer, finding_id=finding.pk, kind="refer", referred_to=county["receiver"].pk,
                               note="移送卫健局")
    inbox = reverse("inspections:referral_inbox")
    receiver = _client(county["receiver_head"])
    assert "从业人员无健康证" in receiver.get(inbox).content.decode()
    assert "从业人员无健康证" not in _client(county["stranger_admin"]).get(inbox).content.decode()
    assert "从业人员无健康证" in _client(county["admin"]).get(inbox + "?box=sent").content.decode()
    detail = reverse("inspections:referral_detail", args=[referral.pk])
    receiver.post(detail, {"action": "accept", "note": ""})
    html = receiver.post(detail, {"action": "handle", "note": "已立案调查"}, follow=True).content.decode()
    assert "已立案调查" in html
    html = _client(county["admin"]).get(detail).content.decode()
    assert "已立案调查" in html and 'name="action"' not in html
    assert _client(county["stranger_admin"]).get(detail).status_code == 404
    assert _client(county["receiver_department_head"]).get(detail).status_code == 404


def test_the_outcomes_page_reads_a_constant_number_of_queries(outcomes_county, failed_visit):
    """Style gate: a second finding with its dispositions adds no query to the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clearcheck.inspections.services.outcomes import disposition_add, finding_create

    county = outcomes_county
    visit = failed_visit(failed=(1, 2))
    officer = county["officer_users"][0]
    client = _client(officer)
    url = reverse("inspections:outcomes", args=[visit.pk])
    first, second = visit_entries(visit)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[first.pk], description="一")
    disposition_add(actor=officer, finding_id=finding.pk, kind="correct_now", note="当场改正")
    one = count()
    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[second.pk], description="二")
    disposition_add(actor=officer, finding_id=finding.pk, kind="case", case_number="C-1")
    assert count() == one


def test_r19_a_finding_is_not_offered_notice_nor_a_kind_it_already_has(outcomes_county, failed_visit):
    """R19: a finding records a problem, so "未发现问题(告知)" is not offered; nor is a kind given already."""
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    officer.post(url, {"action": "finding_create", "entry_ids": [entry.pk], "description": "未公示许可证"})
    finding = visit.record.findings.get()
    html = officer.get(url).content.decode()
    assert 'name="kind" value="notice"' not in html and 'name="kind" value="correct_now"' in html
    officer.post(url, {"action": "disposition_add", "finding_id": finding.pk, "kind": "correct_now",
                       "note": "当场公示"})
    html = officer.get(url).content.decode()
    assert 'name="kind" value="correct_now"' not in html and 'name="kind" value="case"' in html


def test_r19_a_refused_disposition_comes_back_with_its_kind_and_values(outcomes_county, failed_visit):
    """A server-side error answers 422 with the chosen kind and what was typed, the error beside the form."""
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    officer.post(url, {"action": "finding_create", "entry_ids": [entry.pk], "description": "未公示许可证"})
    finding = visit.record.findings.get()
    response = officer.post(url, {"action": "disposition_add", "finding_id": finding.pk,
                                  "kind": "correct_by_deadline", "note": "限期公示许可证"})
    html = response.content.decode()
    assert response.status_code == 422 and not finding.dispositions.exists()
    assert 'value="correct_by_deadline" required checked' in html and "限期公示许可证</textarea>" in html
    assert f'id="dispose-error-{finding.pk}"' in html and "整改期限" in html and "deadline" not in html.split(
        f'id="dispose-error-{finding.pk}"')[1].split("</p>")[0]


def test_a_refused_finding_keeps_what_was_typed(outcomes_county, failed_visit):
    county = outcomes_county
    visit = failed_visit()
    url = reverse("inspections:outcomes", args=[visit.pk])
    officer = _client(county["officer_users"][0])
    entry = visit_entries(visit)[0]
    response = officer.post(url, {"action": "finding_create", "entry_ids": [entry.pk], "description": "",
                                  "legal_basis": "《食品安全法》第三十五条"})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="finding-error"' in html
    assert "《食品安全法》第三十五条</textarea>" in html and not visit.record.findings.exists()
