"""Special supervision (专项监督, 八(二十三)): the matter workflow, directives and replies, interviews, notices
(publish, immutability, corrections, no personal data), referrals to discipline (discipline yes, agency
no), public notice pages and the API.
"""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.supervision import selectors, services


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def matter(county):
    alert = alert_raise(rule_id="R29", subject=("inspections.entryrefusal", 1), facts={"refusal": 1},
                                 agency=county["agency"], subject_label="企业拒绝未扫码入企")
    return services.matter_open(actor=county["users"]["bureau"], title="未扫码入企问题督办", summary="企业反映未扫码入企",
                                alert_id=alert.pk, deadline=clock.local_today() + dt.timedelta(days=30))


@pytest.mark.django_db
def test_only_bureau_opens_a_matter_and_alert_sets_source_and_agency(county, matter):
    assert (matter.source, matter.agency, matter.status) == ("alert", county["agency"], "open")
    for role in ("agency_admin", "discipline", "government"):
        with pytest.raises(PermissionDenied):
            services.matter_open(actor=county["users"][role], title="t", summary="s")
    with pytest.raises(ValidationFailed) as info:
        services.matter_open(actor=county["users"]["bureau"], title="", summary="s",
                             deadline=clock.local_today() - dt.timedelta(days=1))
    assert {e.field for e in info.value.errors} == {"title", "deadline"}
    complaint = services.matter_open(actor=county["users"]["bureau"], title="投诉督办", summary="12345 工单",
                                     source_type="feedback.complaint", source_id="17")
    assert (complaint.source, complaint.source_type, complaint.source_id) == ("complaint", "feedback.complaint", "17")
    assert AuditEvent.objects.filter(action="supervision_matter.open").count() == 2


@pytest.mark.django_db
def test_directive_reply_by_the_agency_once_and_overdue_shown(county, matter):
    users = county["users"]
    today = clock.local_today()
    directive = services.directive_issue(actor=users["bureau"], matter_id=matter.pk, instruction="十日内整改并报告",
                                         deadline=today)
    assert selectors.matter_get_for_actor(actor=users["bureau"], matter_id=matter.pk).status == "handling"
    with pytest.raises(PermissionDenied):
        services.directive_reply(actor=users["bureau"], directive_id=directive.pk, reply="x")
    with pytest.raises(ValidationFailed):
        services.directive_reply(actor=users["agency_head"], directive_id=directive.pk, reply=" ")
    page = client_for(users["agency_admin"]).get("/work/supervision/")
    assert "待回复的督办" in page.content.decode()
    tomorrow = clock.now() + dt.timedelta(days=1)
    from unittest import mock

    with mock.patch.object(clock, "now", lambda: tomorrow):
        html = client_for(users["agency_admin"]).get(f"/work/supervision/{matter.pk}/").content.decode()
        assert "已逾期" in html
    services.directive_reply(actor=users["agency_head"], directive_id=directive.pk, reply="已约谈执法人员并整改")
    with pytest.raises(Conflict):
        services.directive_reply(actor=users["agency_head"], directive_id=directive.pk, reply="again")


@pytest.mark.django_db
def test_agency_sees_matters_concerning_it_and_nothing_of_others(county, matter, make_user):
    users = county["users"]
    other = services.matter_open(actor=users["bureau"], title="应急局督办", summary="s",
                                 agency_id=county["other_agency"].pk)
    assert list(selectors.matter_list_for_actor(actor=users["agency_admin"])) == [matter]
    with pytest.raises(NotFound):
        selectors.matter_get_for_actor(actor=users["agency_admin"], matter_id=other.pk)
    assert client_for(users["agency_admin"]).get(f"/work/supervision/{other.pk}/").status_code == 404
    assert client_for(users["agency_admin"]).get(f"/api/supervision/matters/{other.pk}").status_code == 404
    # A directive to our agency on another agency's matter makes it visible (only that directive).
    services.directive_issue(actor=users["bureau"], matter_id=other.pk, instruction="配合核查",
                             deadline=clock.local_today(), agency_id=county["agency"].pk)
    assert set(selectors.matter_list_for_actor(actor=users["agency_admin"])) == {matter, other}
    for role in ("officer", "department_head", "enterprise", "government"):
        assert not selectors.matter_list_for_actor(actor=users[role]).exists()
    assert set(selectors.matter_list_for_actor(actor=users["discipline"])) == {matter, other}


@pytest.mark.django_db
def test_interview_officer_must_belong_to_the_agency(county, matter):
    users = county["users"]
    kwargs = {"matter_id": matter.pk, "agency_id": county["agency"].pk, "interviewees": "局长 王某",
              "held_at": "2026-05-06T09:30", "place": "县司法局会议室", "record_summary": "指出问题,提出整改要求"}
    with pytest.raises(ValidationFailed):
        services.interview_record(actor=users["bureau"], officer_id=county["other_officer"].pk, **kwargs)
    interview = services.interview_record(actor=users["bureau"], officer_id=county["officer"].pk, **kwargs)
    assert interview.held_at.utcoffset() is not None and interview.officer == county["officer"]
    with pytest.raises(PermissionDenied):
        services.interview_record(actor=users["agency_admin"], **kwargs)


@pytest.mark.django_db
def test_notice_publish_then_immutable_correction_is_a_new_notice_and_public_pages(county, matter):
    users = county["users"]
    with pytest.raises(ValidationFailed) as info:
        services.notice_draft(actor=users["bureau"], matter_id=matter.pk, kind="criticism", title="通报",
                              body="联系人电话 13812345678")
    assert info.value.errors[0].field == "body"
    notice = services.notice_draft(actor=users["bureau"], matter_id=matter.pk, kind="criticism",
                                   title="关于未扫码入企检查的通报", body="某局执法人员未扫码入企,予以批评。")
    anon = Client()
    assert anon.get(f"/public/notices/{notice.pk}/").status_code == 404  # a draft is not public
    assert anon.get(f"/api/public/notices/{notice.pk}").status_code == 404
    with pytest.raises(NotFound):  # a draft is the bureau's alone
        services.notice_publish(actor=users["agency_admin"], notice_id=notice.pk)
    services.notice_publish(actor=users["bureau"], notice_id=notice.pk)
    with pytest.raises(Conflict):
        services.notice_update(actor=users["bureau"], notice_id=notice.pk, kind="praise", title="改", body="改")
    with pytest.raises(Conflict):
        services.notice_publish(actor=users["bureau"], notice_id=notice.pk)
    correction = services.notice_draft(actor=users["bureau"], kind="criticism", title="更正通报",
                                       body="原通报所涉机关名称有误,予以更正。", corrects_id=notice.pk)
    services.notice_publish(actor=users["bureau"], notice_id=correction.pk)
    assert "未扫码入企" in anon.get("/public/notices/").content.decode()
    html = anon.get(f"/public/notices/{notice.pk}/").content.decode()
    assert "某局执法人员未扫码入企" in html and "更正通报" in html
    items = anon.get("/api/public/notices").json()["items"]
    assert {i["id"] for i in items} == {notice.pk, correction.pk}
    assert anon.get(f"/api/public/notices/{correction.pk}").json()["corrects_id"] == notice.pk


@pytest.mark.django_db
def test_correction_must_point_at_a_published_notice(county):
    users = county["users"]
    draft = services.notice_draft(actor=users["bureau"], kind="praise", title="表扬", body="规范检查")
    with pytest.raises(ValidationFailed):
        services.notice_draft(actor=users["bureau"], kind="praise", title="更正", body="x", corrects_id=draft.pk)


@pytest.mark.django_db
def test_referral_visible_to_discipline_and_bureau_never_to_the_agency(county, matter):
    users = county["users"]
    with pytest.raises(ValidationFailed):
        services.referral_create(actor=users["bureau"], matter_id=matter.pk, clue="x", officer_ids=[])
    referral = services.referral_create(actor=users["bureau"], matter_id=matter.pk, clue="执法人员未扫码强行入企",
                                        officer_ids=[county["officer"].pk], alert_ids=[matter.alert_id],
                                        evidence="企业拒绝记录及监控截图说明")
    assert referral.agency == county["agency"]
    for role in ("agency_admin", "agency_head", "officer", "government"):
        assert not selectors.referral_list_for_actor(actor=users[role]).exists()
        with pytest.raises(NotFound):
            selectors.referral_get_for_actor(actor=users[role], referral_id=referral.pk)
    agency_client = client_for(users["agency_admin"])
    assert agency_client.get(f"/api/supervision/matters/{matter.pk}").json()["referrals"] == []
    assert "执法人员未扫码强行入企" not in agency_client.get(f"/work/supervision/{matter.pk}/").content.decode()
    discipline = client_for(users["discipline"])
    page = discipline.get(f"/work/supervision/referrals/{referral.pk}/").content.decode()
    assert "执法人员未扫码强行入企" in page and "企业拒绝未扫码入企" in page  # clue and linked alert
    with pytest.raises(PermissionDenied):
        services.referral_receive(actor=users["bureau"], referral_id=referral.pk)
    discipline.post(f"/work/supervision/referrals/{referral.pk}/", {"note": "已登记"})
    received = selectors.referral_get_for_actor(actor=users["discipline"], referral_id=referral.pk)
    assert received.received_at is not None and received.receipt_note == "已登记"
    with pytest.raises(Conflict):
        services.referral_receive(actor=users["discipline"], referral_id=referral.pk)
    api = discipline.get(f"/api/supervision/referrals/{referral.pk}").json()
    assert api["officer_ids"] == [county["officer"].pk] and api["alert_ids"] == [matter.alert_id]


@pytest.mark.django_db
def test_concluded_matter_takes_no_more_actions(county, matter):
    users = county["users"]
    with pytest.raises(ValidationFailed):
        services.matter_conclude(actor=users["bureau"], matter_id=matter.pk, conclusion="")
    services.matter_conclude(actor=users["bureau"], matter_id=matter.pk, conclusion="已整改到位")
    with pytest.raises(Conflict):
        services.directive_issue(actor=users["bureau"], matter_id=matter.pk, instruction="x",
                                 deadline=clock.local_today())
    with pytest.raises(Conflict):
        services.notice_draft(actor=users["bureau"], matter_id=matter.pk, kind="praise", title="t", body="b")
    with pytest.raises(Conflict):
        services.matter_conclude(actor=users["bureau"], matter_id=matter.pk, conclusion="again")


@pytest.mark.django_db
def test_api_bureau_runs_a_matter_end_to_end(county):
    users = county["users"]
    bureau = client_for(users["bureau"])
    json = "application/json"
    created = bureau.post("/api/supervision/matters", {"title": "督办", "summary": "概要",
                                                      "agency_id": county["agency"].pk}, content_type=json)
    assert created.status_code == 200, created.content
    pk = created.json()["id"]
    deadline = (clock.local_today() + dt.timedelta(days=5)).isoformat()
    d = bureau.post(f"/api/supervision/matters/{pk}/directives", {"instruction": "整改", "deadline": deadline},
                    content_type=json).json()
    head = client_for(users["agency_head"])
    assert head.post(f"/api/supervision/directives/{d['id']}/reply", {"reply": "已整改"},
                     content_type=json).json()["reply"] == "已整改"
    n = bureau.post(f"/api/supervision/matters/{pk}/notices", {"kind": "praise", "title": "表扬通报", "body": "规范"},
                    content_type=json).json()
    assert bureau.post(f"/api/supervision/notices/{n['id']}/publish").json()["published"] is True
    assert head.post(f"/api/supervision/matters/{pk}/conclude", {"conclusion": "x"},
                     content_type=json).status_code == 403
    detail = bureau.get(f"/api/supervision/matters/{pk}").json()
    assert detail["status"] == "handling" and len(detail["directives"]) == 1 and len(detail["notices"]) == 1
    assert {m["id"] for m in head.get("/api/supervision/matters").json()["items"]} == {pk}
    assert client_for(users["officer"]).get("/api/supervision/matters").json()["items"] == []


@pytest.mark.django_db
def test_pages_render_for_bureau_through_the_whole_matter(county, matter):
    client = client_for(county["users"]["bureau"])
    url = f"/work/supervision/{matter.pk}/act/"
    client.post(url, {"action": "directive", "instruction": "整改", "deadline": clock.local_today().isoformat()})
    client.post(url, {"action": "interview", "interviewees": "局长", "held_at": "2026-05-06T10:00", "place": "司法局",
                      "record_summary": "记录"})
    response = client.post(url, {"action": "notice", "kind": "criticism", "title": "批评通报", "body": "正文"})
    notice_url = response["Location"]
    client.post(notice_url, {"action": "publish"})
    client.post(url, {"action": "referral", "clue": "线索", "officers": [county["officer"].pk]})
    html = client.get(f"/work/supervision/{matter.pk}/").content.decode()
    assert "批评通报" in html and "局长" in html and "线索" not in html.split('id="referrals"')[0]
    assert client.get("/work/supervision/notices/").status_code == 200
    assert client.get("/work/supervision/referrals/").status_code == 200
    assert client.get(f"/work/supervision/new/?alert={matter.alert_id}").status_code == 200
    assert Client().get("/public/notices/").status_code == 200


@pytest.mark.django_db
def test_matter_and_referral_lists_query_count_does_not_grow(county, django_assert_max_num_queries):
    users = county["users"]
    for n in range(15):
        m = services.matter_open(actor=users["bureau"], title=f"督办 {n}", summary="s", agency_id=county["agency"].pk)
        services.directive_issue(actor=users["bureau"], matter_id=m.pk, instruction="整改",
                                 deadline=clock.local_today())
        services.referral_create(actor=users["bureau"], matter_id=m.pk, clue="线索", officer_ids=[county["officer"].pk])
    for role, url, limit in (("agency_admin", "/work/supervision/", 12), ("bureau", "/work/supervision/", 12),
                             ("discipline", "/work/supervision/referrals/", 12)):
        client = client_for(users[role])
        client.get(url)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_matter_source_label_hook_names_a_complaint_through_its_app(county, monkeypatch):
    from clearcheck.supervision.selectors import matters as matter_selectors

    users = county["users"]
    m = services.matter_open(actor=users["bureau"], title="投诉督办", summary="s", source_type="feedback.complaint",
                             source_id="17")
    assert selectors.matter_source_label(actor=users["bureau"], matter=m) == "feedback.complaint #17"
    monkeypatch.setitem(matter_selectors.SOURCE_LABELS, "feedback.complaint",
                        "clearcheck.supervision.tests.test_matters:_complaint_label")
    assert selectors.matter_source_label(actor=users["bureau"], matter=m) == "投诉 17"
    assert "投诉 17" in client_for(users["bureau"]).get(f"/work/supervision/{m.pk}/").content.decode()


def _complaint_label(*, actor, source_id):
    return f"投诉 {source_id}"
