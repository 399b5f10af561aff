"""The enterprise follows its complaints (issue 19, Deliver 1 and 5): each shows where it stands — registered,
accepted, forwarded to which agency, replied, closed, or not accepted with the reason — with the reply
deadline's days left or how late the reply is, on its list and on its page.
"""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.feedback import services
from clearcheck.feedback.selectors import complaint_progress
from clearcheck.feedback.tests.fixtures import *  # noqa: F403
from clearcheck.feedback.tests.fixtures import portal_complaint

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _steps(complaint) -> list[tuple[str, bool]]:
    return [(step.label, step.done) for step in complaint_progress(complaint)["steps"]]


def test_a_new_complaint_waits_with_its_days_left_on_the_list_and_the_page(feedback_county):
    complaint = portal_complaint(feedback_county)
    progress = complaint_progress(complaint)
    assert progress["waiting"] and not progress["overdue"] and progress["days_late"] is None
    assert progress["days_left"] == (complaint.deadline - clock.local_today()).days > 0
    assert _steps(complaint) == [("已登记", True), ("已受理", False), ("已答复", False), ("已办结", False)]
    client = _client(feedback_county["enterprise_user"])
    listing = client.get("/enterprise/complaints/").content.decode()
    deadline = complaint.deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日 前答复,还剩 {progress['days_left']} 天" in listing
    page = client.get(f"/enterprise/complaints/{complaint.pk}/").content.decode()
    assert 'id="complaint-progress"' in page and "尚未答复" in page and feedback_county["agency"].name in page


def test_forwarded_replied_and_closed_the_enterprise_sees_each_step_and_the_reply(feedback_county):
    county = feedback_county
    complaint = portal_complaint(county)
    bureau = county["bureau"]
    services.complaint_accept(actor=bureau, complaint_id=complaint.pk)
    services.complaint_forward(actor=bureau, complaint_id=complaint.pk, agency_id=county["agency"].pk)
    services.complaint_report(actor=county["admin"], complaint_id=complaint.pk, result="内部:已约谈检查人员")
    services.complaint_reply(actor=bureau, complaint_id=complaint.pk, reply="经核查,已责令该局合并检查事项")
    services.complaint_close(actor=bureau, complaint_id=complaint.pk)
    complaint.refresh_from_db()
    assert _steps(complaint) == [("已登记", True), ("已受理", True), ("转交办理", True), ("已答复", True),
                                 ("已办结", True)]
    assert not complaint_progress(complaint)["waiting"]
    page = _client(county["enterprise_user"]).get(f"/enterprise/complaints/{complaint.pk}/").content.decode()
    assert "经核查,已责令该局合并检查事项" in page and "已办结" in page
    forwarded = complaint.forwarded_at.astimezone(clock.LOCAL_TZ)
    assert f"{forwarded.year}年{forwarded.month}月{forwarded.day}日 {forwarded:%H:%M}" in page
    assert "内部:已约谈检查人员" not in page  # the agency's report is the bureau's; the enterprise gets the reply
    listing = _client(county["enterprise_user"]).get("/enterprise/complaints/").content.decode()
    replied = complaint.replied_at.astimezone(clock.LOCAL_TZ)
    assert f"{replied.year}年{replied.month}月{replied.day}日 已答复" in listing


def test_a_complaint_not_accepted_shows_the_reason(feedback_county):
    complaint = portal_complaint(feedback_county)
    services.complaint_reject(actor=feedback_county["bureau"], complaint_id=complaint.pk,
                              reason="不属于行政检查事项,请向12345反映")
    complaint.refresh_from_db()
    assert _steps(complaint) == [("已登记", True), ("不予受理", True)]
    page = _client(feedback_county["enterprise_user"]).get(f"/enterprise/complaints/{complaint.pk}/").content.decode()
    assert "不予受理的理由" in page and "不属于行政检查事项,请向12345反映" in page


def test_an_unanswered_complaint_past_its_deadline_says_how_late(feedback_county):
    complaint = portal_complaint(feedback_county)
    late = complaint.deadline + dt.timedelta(days=3)
    progress = complaint_progress(complaint, today=late)
    assert progress["overdue"] and progress["days_late"] == 3 and progress["days_left"] is None
