"""The bureau's complaint forms lose nothing and act once (issue 19, Deliver 5): recording a complaint by hand
and each workflow step with text (report, reply, reject) come back with what was typed and the field's
Chinese label when refused (422); the same form sent twice records or acts once; the limits are shown.
"""

import re

import pytest
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.feedback import services
from clearcheck.feedback.models import Complaint
from clearcheck.feedback.services.complaints import MAX_TEXT
from clearcheck.feedback.tests.fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

RECORD = {"channel": "social_supervisor", "complainant_name": "社会监督员 王建华", "subject": "反映检查人员吃请",
          "content": "某次检查后企业安排宴请", "received_at": "2026-11-20T09:00"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_recording_a_complaint_twice_records_one(feedback_county):
    bureau = _client(feedback_county["bureau"])
    form = bureau.get("/work/feedback/complaints/new/").content.decode()
    assert re.search(r'<form[^>]*id="complaint-form"[^>]* data-draft', form) and f'maxlength="{MAX_TEXT}"' in form
    first = bureau.post("/work/feedback/complaints/new/", RECORD)
    again = bureau.post("/work/feedback/complaints/new/", RECORD)
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert Complaint.objects.count() == 1
    assert "已经登记过" in bureau.get(again["Location"]).content.decode()


def test_a_refused_record_comes_back_with_what_was_typed(feedback_county):
    response = _client(feedback_county["bureau"]).post(
        "/work/feedback/complaints/new/", {**RECORD, "content": "长" * (MAX_TEXT + 1)})
    assert response.status_code == 422
    assert _messages(response) == [f"内容:不超过 {MAX_TEXT} 字(现为 {MAX_TEXT + 1} 字)"]
    html = response.content.decode()
    assert "长" * (MAX_TEXT + 1) in html and 'value="2026-11-20T09:00"' in html and 'value="社会监督员 王建华"' in html
    assert not Complaint.objects.exists()


def test_a_refused_reply_comes_back_typed_in_its_labelled_box_and_a_reply_sent_twice_acts_once(feedback_county):
    complaint = services.complaint_receive(actor=feedback_county["enterprise_user"], subject="检查过于频繁",
                                           content="一个月内三次到厂检查")
    bureau = _client(feedback_county["bureau"])
    url = f"/work/feedback/complaints/{complaint.pk}/action/"
    bureau.post(url, {"action": "accept"})
    page = bureau.get(f"/work/feedback/complaints/{complaint.pk}/").content.decode()
    assert re.search(rf'<form[^>]*id="complaint-reply"[^>]* data-draft="complaint-{complaint.pk}-reply"', page)
    assert "答复内容<textarea" in page

    too_long = "答" * (MAX_TEXT + 1)
    response = bureau.post(url, {"action": "reply", "text": too_long})
    assert response.status_code == 422
    assert _messages(response) == [f"答复内容:不超过 {MAX_TEXT} 字(现为 {MAX_TEXT + 1} 字)"]
    reply_form = re.search(r'<form[^>]*id="complaint-reply".*?</form>', response.content.decode(), re.S).group(0)
    assert too_long in reply_form
    complaint.refresh_from_db()
    assert complaint.status == "accepted" and not complaint.reply

    first = bureau.post(url, {"action": "reply", "text": "经核查,已责令合并检查"})
    again = bureau.post(url, {"action": "reply", "text": "经核查,已责令合并检查"})
    assert first.status_code == again.status_code == 302
    assert "这一步已经办理过" in bureau.get(again["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="complaint.reply", subject_id=str(complaint.pk)).count() == 1
