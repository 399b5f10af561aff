"""Complaints (投诉举报): channels in (portal, by hand, the 12345 hotline API and Excel import), the
workflow received → accepted → (forwarded, reported) → handled → closed / rejected, deadlines in working
days, overdue, and who sees what.
"""

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook

from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.feedback import services
from clearcheck.feedback.importers import COLUMNS, complaints_import, hotline_template_xlsx
from clearcheck.feedback.models import Complaint
from clearcheck.feedback.selectors import complaint_get_for_actor, complaints_for_actor, complaints_overdue
from clearcheck.feedback.tests.fixtures import *  # noqa: F403
from clearcheck.feedback.tests.fixtures import local

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _portal(county, **kw):
    values = {"subject": "检查过于频繁", "content": "一个月内三次到厂检查", "agency_id": county["agency"].pk}
    return services.complaint_receive(actor=county["enterprise_user"], **{**values, **kw})


def _order(county, no="12345-20261120-0001", **kw):
    values = {"work_order_no": no, "called_at": local(dt.date(2026, 11, 20), 9, 30), "caller_name": "张先生",
              "caller_phone": "13800000000", "enterprise_uscc": county["enterprise"].uscc,
              "agency_name": county["agency"].name, "subject": "反映检查扰企", "content": "执法人员要求法定代表人到场"}
    return services.complaint_from_hotline(actor=county["bureau"], **{**values, **kw})


def test_portal_complaint_is_the_enterprises_own(feedback_county):
    complaint = _portal(feedback_county)
    assert complaint.channel == "portal" and complaint.complainant_enterprise_id == feedback_county["enterprise"].pk
    assert complaint.status == "received"
    with pytest.raises(NotFound):
        complaint_get_for_actor(actor=feedback_county["other_enterprise_user"], complaint_id=complaint.pk)


def test_deadline_is_working_days(feedback_county, frozen_at, settings):
    settings.CLEARCHECK_COMPLAINT_DAYS = 3
    frozen_at(local(dt.date(2025, 1, 24), 10))  # Friday; 26 Jan is a make-up workday, then Spring Festival
    assert _portal(feedback_county).deadline == dt.date(2025, 2, 5)


@pytest.mark.parametrize("channel", ["federation", "contact_point", "social_supervisor"])
def test_bureau_records_by_hand(feedback_county, channel):
    complaint = services.complaint_receive(actor=feedback_county["bureau"], channel=channel, subject="反映乱罚款",
                                           content="内容", complainant_name="县工商联")
    assert complaint.channel == channel


def test_manual_channel_checked_and_roles(feedback_county):
    with pytest.raises(ValidationFailed):
        services.complaint_receive(actor=feedback_county["bureau"], channel="hotline", subject="s", content="c",
                                   complainant_name="x")
    with pytest.raises(PermissionDenied):
        services.complaint_receive(actor=feedback_county["admin"], channel="federation", subject="s", content="c",
                                   complainant_name="x")


def test_hotline_idempotent_and_conflict(feedback_county):
    first, created = _order(feedback_county)
    again, created_again = _order(feedback_county)
    assert created and not created_again and again.pk == first.pk
    assert first.enterprise_id == feedback_county["enterprise"].pk and first.agency_id == feedback_county["agency"].pk
    with pytest.raises(Conflict, match="已登记"):
        _order(feedback_county, content="另一件事")
    assert Complaint.objects.count() == 1


def test_hotline_api(feedback_county):
    client = _client(feedback_county["bureau"])
    body = {"work_order_no": "12345-API-1", "called_at": "2026-11-20T09:30:00+08:00", "content": "反映检查过多"}
    first = client.post("/api/hotline/work-orders", body, content_type="application/json")
    assert first.status_code == 201, first.content
    repeat = client.post("/api/hotline/work-orders", body, content_type="application/json")
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]
    changed = client.post("/api/hotline/work-orders", {**body, "content": "别的"}, content_type="application/json")
    assert changed.status_code == 409 and changed["Content-Type"].startswith("application/problem+json")
    bad = client.post("/api/hotline/work-orders", {**body, "work_order_no": "X2", "enterprise_uscc": "123"},
                      content_type="application/json")
    assert bad.status_code == 422
    assert _client(feedback_county["admin"]).post("/api/hotline/work-orders", {**body, "work_order_no": "X3"},
                                                  content_type="application/json").status_code == 403


def test_workflow_forward_report_reply_close(feedback_county):
    bureau, admin = feedback_county["bureau"], feedback_county["admin"]
    complaint = _portal(feedback_county)
    assert not complaints_for_actor(actor=admin).exists()  # not forwarded yet
    services.complaint_accept(actor=bureau, complaint_id=complaint.pk)
    services.complaint_forward(actor=bureau, complaint_id=complaint.pk, agency_id=feedback_county["agency"].pk)
    assert complaints_for_actor(actor=admin).get().pk == complaint.pk
    with pytest.raises(PermissionDenied):
        services.complaint_reply(actor=admin, complaint_id=complaint.pk, reply="x")
    services.complaint_report(actor=admin, complaint_id=complaint.pk, result="已约谈有关执法人员")
    services.complaint_reply(actor=bureau, complaint_id=complaint.pk, reply="经核查,已责令整改")
    closed = services.complaint_close(actor=bureau, complaint_id=complaint.pk)
    assert closed.status == "closed" and closed.replied_at and closed.handling_result
    html = _client(feedback_county["enterprise_user"]).get(f"/enterprise/complaints/{complaint.pk}/").content.decode()
    assert "经核查,已责令整改" in html
    with pytest.raises(Conflict):
        services.complaint_close(actor=bureau, complaint_id=complaint.pk)


def test_reject_with_reason(feedback_county):
    complaint = _portal(feedback_county)
    with pytest.raises(ValidationFailed):
        services.complaint_reject(actor=feedback_county["bureau"], complaint_id=complaint.pk, reason=" ")
    rejected = services.complaint_reject(actor=feedback_county["bureau"], complaint_id=complaint.pk,
                                         reason="不属于行政检查事项")
    assert rejected.status == "rejected" and rejected.reply == "不属于行政检查事项"


def test_report_only_by_the_agency_forwarded_to(feedback_county, make_agency, make_user_plain):
    bureau = feedback_county["bureau"]
    complaint = _portal(feedback_county)
    services.complaint_accept(actor=bureau, complaint_id=complaint.pk)
    other = make_agency()
    services.complaint_forward(actor=bureau, complaint_id=complaint.pk, agency_id=other.pk)
    with pytest.raises(NotFound):  # not forwarded to the county's agency: not in its scope at all
        services.complaint_report(actor=feedback_county["admin"], complaint_id=complaint.pk, result="x")
    with pytest.raises(PermissionDenied):
        services.complaint_report(actor=make_user_plain("department_head", agency=other),
                                  complaint_id=complaint.pk, result="x")


def test_scoping(feedback_county, make_user_plain):
    complaint = _portal(feedback_county)
    for role in ("government", "officer"):
        user = make_user_plain(role, agency=feedback_county["agency"] if role == "officer" else None)
        assert not complaints_for_actor(actor=user).exists()
    assert complaints_for_actor(actor=feedback_county["discipline"]).get().pk == complaint.pk
    assert _client(feedback_county["discipline"]).get(f"/api/complaints/{complaint.pk}").status_code == 200
    assert Client().get("/api/complaints").status_code == 401


def test_overdue(feedback_county, frozen_at, settings):
    settings.CLEARCHECK_COMPLAINT_DAYS = 1
    frozen_at(local(dt.date(2026, 3, 2), 10))  # Monday → due Tuesday 3 March
    late, replied = _portal(feedback_county), _portal(feedback_county, subject="第二件")
    services.complaint_accept(actor=feedback_county["bureau"], complaint_id=replied.pk)
    services.complaint_reply(actor=feedback_county["bureau"], complaint_id=replied.pk, reply="已答复")
    assert not complaints_overdue(dt.date(2026, 3, 3)).exists()
    assert [c.pk for c in complaints_overdue(dt.date(2026, 3, 4))] == [late.pk]
    frozen_at(local(dt.date(2026, 3, 4), 10))
    html = _client(feedback_county["bureau"]).get("/work/feedback/complaints/?overdue=1").content.decode()
    assert "逾期" in html and "第二件" not in html


def test_complaint_list_query_count(feedback_county, django_assert_max_num_queries):
    for i in range(8):
        _order(feedback_county, no=f"Q-{i}")
    client = _client(feedback_county["bureau"])
    with django_assert_max_num_queries(12):
        html = client.get("/work/feedback/complaints/").content.decode()
    assert html.count('href="/work/feedback/complaints/') >= 8
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/complaints").json()["items"]) == 8


# --- Excel import of hotline work orders ------------------------------------------------------------

def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([name for name, _a, _r in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(county):
    uscc = county["enterprise"].uscc
    return [
        ["WO-1", "2026-11-20 09:30", "李女士", "13900000000", uscc, "", "检查扰企", "反映检查时间过长"],
        ["WO-2", "不是时间", "王先生", "", "", "", "", "内容"],                      # line 3: bad time
        ["WO-3", "2026-11-21 10:00", "赵先生", "", "91371524MA3C00000X", "", "", "内容"],  # line 4: bad USCC
        ["", "2026-11-21 11:00", "", "", "", "", "", "缺工单编号"],                  # line 5: missing number
        ["WO-5", "2026-11-22 08:00", "钱女士", "", "", "某县某局", "乱罚款", "反映乱罚款"],
    ]


def test_import_all_or_nothing_commits_nothing_and_reports_lines(feedback_county):
    report = complaints_import(actor=feedback_county["bureau"], filename="orders.xlsx",
                               data=_workbook(_rows(feedback_county)), mode="all_or_nothing")
    assert not report.committed and report.rows == 5
    assert sorted({e.line for e in report.errors}) == [3, 4, 5]
    assert {(e.line, e.column) for e in report.errors} >= {(3, "来电时间"), (4, "涉及企业统一社会信用代码"), (5, "工单编号")}
    assert not Complaint.objects.exists()


def test_import_good_rows_and_repeat(feedback_county):
    data = _workbook(_rows(feedback_county))
    report = complaints_import(actor=feedback_county["bureau"], filename="orders.xlsx", data=data, mode="good_rows")
    assert report.committed and len(report.created) == 2 and len(report.errors) == 3
    assert set(Complaint.objects.values_list("external_ref", flat=True)) == {"WO-1", "WO-5"}
    assert "某县某局" in Complaint.objects.get(external_ref="WO-5").content  # unmatched agency kept as text
    again = complaints_import(actor=feedback_county["bureau"], filename="orders.xlsx", data=data, mode="good_rows")
    assert again.created == [] and len(again.repeated) == 2


def test_import_page_and_template(feedback_county):
    client = _client(feedback_county["bureau"])
    template = client.get("/work/feedback/complaints/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    report = complaints_import(actor=feedback_county["bureau"], filename="t.xlsx", data=hotline_template_xlsx(),
                               mode="all_or_nothing")
    assert report.committed and len(report.created) == 1
    upload = io.BytesIO(_workbook(_rows(feedback_county)))
    upload.name = "orders.xlsx"
    html = client.post("/work/feedback/complaints/import/", {"file": upload, "mode": "all_or_nothing"}).content.decode()
    assert "<td>3</td>" in html and "全部未导入" in html
    with pytest.raises(PermissionDenied):
        complaints_import(actor=feedback_county["admin"], filename="t.xlsx", data=b"", mode="good_rows")


def test_web_pages_record_and_route(feedback_county):
    bureau = _client(feedback_county["bureau"])
    response = bureau.post("/work/feedback/complaints/new/", {
        "channel": "social_supervisor", "complainant_name": "社会监督员 王建华", "subject": "反映检查人员吃请",
        "content": "某次检查后企业安排宴请", "received_at": "2026-11-20T09:00", "agency_id": feedback_county["agency"].pk})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.received_at == local(dt.date(2026, 11, 20), 9)
    url = f"/work/feedback/complaints/{complaint.pk}/action/"
    bureau.post(url, {"action": "accept"})
    bureau.post(url, {"action": "forward", "agency_id": feedback_county["agency"].pk})
    admin = _client(feedback_county["admin"])
    page = admin.get(f"/work/feedback/complaints/{complaint.pk}/").content.decode()
    assert "填报办理结果" in page and "答复投诉人" not in page
    admin.post(url, {"action": "report", "text": "已约谈"})
    bureau.post(url, {"action": "reply", "text": "已核实处理"})
    complaint.refresh_from_db()
    assert complaint.status == "handled" and complaint.handling_result == "已约谈"
    page = bureau.post(url, {"action": "reject", "text": "x"}, follow=True).content.decode()
    assert "不能不予受理" in page  # a handled complaint cannot be rejected: the workflow says why


def test_portal_pages(feedback_county):
    client = _client(feedback_county["enterprise_user"])
    response = client.post("/enterprise/complaints/new/", {"subject": "希望合并检查", "content": "本月两次检查"})
    assert response.status_code == 302
    assert "希望合并检查" in client.get("/enterprise/complaints/").content.decode()
    assert "尚未答复" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("called_at", ["0378-06-16T02:40:08+22:58", "1999-12-31T23:00:00Z", "2026-01-05T09:00:00"])
def test_hotline_times_out_of_range_are_field_errors(feedback_county, called_at):
    """PostgreSQL refuses offsets beyond ±15:59 (schemathesis found one): a time is converted to UTC before
    it is stored, and a time without zone or before 2000 is refused by field."""
    client = _client(feedback_county["bureau"])
    response = client.post("/api/hotline/work-orders", {"work_order_no": "WO-1", "called_at": called_at,
                                                        "content": "检查过于频繁"}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "called_at" in response.content.decode()


def test_hotline_time_with_an_offset_postgresql_refuses_is_stored_in_utc(feedback_county):
    import datetime as dt

    from clearcheck.feedback.models import Complaint

    client = _client(feedback_county["bureau"])
    response = client.post("/api/hotline/work-orders", {"work_order_no": "WO-2", "called_at": "2026-01-05T09:00:00-23:59",
                                                        "content": "检查过于频繁"}, content_type="application/json")
    assert response.status_code == 201, response.content
    stored = Complaint.objects.get(external_ref="WO-2").received_at
    assert stored == dt.datetime(2026, 1, 6, 8, 59, tzinfo=dt.UTC)


def test_issue19_back_and_resubmit_creates_no_second_complaint(feedback_county, monkeypatch, settings):
    """The same form with the same content sent again (Back and send, a double tap) creates one complaint and
    leads the second time to the first one's page; other content, or an hour later, creates a new one."""
    import time

    client = _client(feedback_county["enterprise_user"])
    assert 'maxlength="4000"' in client.get("/enterprise/complaints/new/").content.decode()  # shown before sending
    data = {"subject": "一月内三次检查", "content": "同一事项重复检查"}
    first = client.post("/enterprise/complaints/new/", data)
    again = client.post("/enterprise/complaints/new/", data)
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert Complaint.objects.filter(subject="一月内三次检查").count() == 1
    assert "已经提交过" in client.get(again["Location"]).content.decode()
    client.post("/enterprise/complaints/new/", {**data, "content": "同一事项重复检查,另有一次"})
    assert Complaint.objects.filter(subject="一月内三次检查").count() == 2
    later = time.time() + 3601
    settings.CLEARCHECK_SESSION_IDLE_MINUTES = 0  # the hour passes on the wall clock, with the form open (issue 20)
    monkeypatch.setattr(time, "time", lambda: later)
    client.post("/enterprise/complaints/new/", data)
    assert Complaint.objects.filter(subject="一月内三次检查").count() == 3
