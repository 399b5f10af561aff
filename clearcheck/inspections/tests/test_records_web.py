"""Record pages and API: the checklist with htmx partial saves, header, signatures, closing; roles
(another agency's officer 404, the enterprise read-only) and problem documents with rule IDs.
"""

import json

import pytest
from django.test import Client

from clearcheck.inspections.choices import RecordStatus, VisitStatus
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_records_support import (
    complete,
    evidence_add,
    fill_entries,
    fill_header,
    officer_users,
    signature_url,
    task_for_visit,
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def stranger(make_agency, make_officer, make_user_plain):
    """An officer of another agency."""
    agency = make_agency("东阿县应急管理局")
    return make_user_plain("officer", agency=agency, officer=make_officer(agency, "赵六"))


def _url(name: str, visit, *args) -> str:
    from django.urls import reverse

    return reverse(f"inspections:{name}", args=[visit.pk, *args])


# --- pages ---------------------------------------------------------------------------------------

def test_checklist_page_shows_four_result_buttons_per_entry(open_visit, onsite_county):
    visit = open_visit()
    html = client_of(officer_users(onsite_county)[0]).get(_url("record_edit", visit)).content.decode()
    for label in ("符合", "不符合", "不适用", "未检查"):
        assert f">{label}</span>" in html
    assert "hx-post" in html and "查看许可证" in html and "record-autosave.js" in html
    assert _url("visit_detail", visit) in html and _url("evidence_list", visit) in html


def test_htmx_entry_save_answers_the_entry_card(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    response = client_of(officer_users(onsite_county)[0]).post(
        _url("record_entry_save", visit, entry.pk), {"result": "compliant", "note": "许可证在有效期内"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="entry-{entry.pk}"' in html and 'value="compliant" checked' in html and "<html" not in html
    entry.refresh_from_db()
    assert (entry.result, entry.note) == ("compliant", "许可证在有效期内")


def test_plain_post_entry_save_redirects_back(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    response = client_of(officer_users(onsite_county)[0]).post(
        _url("record_entry_save", visit, entry.pk), {"result": "not_checked", "note": "负责人不在场"})
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")


def test_r25_htmx_save_citing_third_party_evidence_shows_the_rule(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    report = evidence_add(visit, kind="document", origin="third_party")
    response = client_of(officer_users(onsite_county)[0]).post(
        _url("record_entry_save", visit, entry.pk),
        {"result": "compliant", "note": "", "evidence_present": "1", "evidence_ids": [report.pk]}, **HTMX)
    assert response.status_code == 200 and "R25" in response.content.decode()
    entry.refresh_from_db()
    assert entry.result == ""


def test_third_party_evidence_is_not_offered_for_citing(open_visit, onsite_county):
    visit = open_visit()
    report = evidence_add(visit, kind="document", origin="third_party")
    photo = evidence_add(visit, kind="photo")
    html = client_of(officer_users(onsite_county)[0]).get(_url("record_edit", visit)).content.decode()
    assert f'value="{photo.pk}"' in html and f'name="evidence_ids" value="{report.pk}"' not in html


def test_header_save_htmx(open_visit, onsite_county):
    visit = open_visit()
    response = client_of(officer_users(onsite_county)[0]).post(_url("record_header_save", visit), {
        "place": "原料库房", "findings_summary": "未发现问题", "enterprise_representative": "刘强",
        "representative_title": "厂长", "enterprise_opinion": "", "opinion_present": "1", "opinion_refused": "on",
        "recorder_id": onsite_county["officers"][1].pk}, **HTMX)
    assert response.status_code == 200 and 'id="header"' in response.content.decode()
    record = visit.record
    record.refresh_from_db()
    assert (record.place, record.opinion_refused, record.recorder_id) == ("原料库房", True,
                                                                         onsite_county["officers"][1].pk)


def test_header_autosave_does_not_swap_the_form(open_visit, onsite_county):
    """A change saved on the fly keeps what the officer typed since (no swap); the save button swaps."""
    visit = open_visit()
    client = client_of(officer_users(onsite_county)[0])
    response = client.post(_url("record_header_save", visit), {"place": "成品库"}, **HTMX)
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    response = client.post(_url("record_header_save", visit), {"place": "成品库", "save": "1"}, **HTMX)
    assert "HX-Reswap" not in response and "已保存" in response.content.decode()
    response = client.post(_url("record_header_save", visit), {
        "enterprise_opinion": "无异议", "opinion_present": "1", "opinion_refused": "on"}, **HTMX)
    assert "HX-Reswap" not in response and 'role="alert"' in response.content.decode()


def test_enterprise_sees_the_record_read_only(open_visit, onsite_county):
    visit = open_visit()
    client = client_of(onsite_county["enterprise_user"])
    for name in ("record_edit", "record_sign"):
        response = client.get(_url(name, visit))
        assert response.status_code == 200
        assert "hx-post" not in response.content.decode() and "data-signature-pad" not in response.content.decode()
    assert client.get(_url("record_close", visit)).status_code == 404
    entry = visit.record.entries.get()
    assert client.post(_url("record_entry_save", visit, entry.pk), {"result": "compliant"}).status_code == 404


def test_another_agencys_officer_gets_404(open_visit, stranger):
    visit = open_visit()
    client = client_of(stranger)
    for name in ("record_edit", "record_sign", "record_close"):
        assert client.get(_url(name, visit)).status_code == 404
    entry = visit.record.entries.get()
    assert client.post(_url("record_entry_save", visit, entry.pk), {"result": "compliant"}).status_code == 404
    assert client.get(f"/api/visits/{visit.pk}/record").status_code == 404


def test_sign_page_officer_and_drawn_enterprise_signature(open_visit, onsite_county):
    visit = open_visit()
    first, second = officer_users(onsite_county)
    fill_header(visit, first)
    client = client_of(first)
    html = client.get(_url("record_sign", visit)).content.decode()
    assert "data-signature-pad" in html and "signature-pad.js" in html and 'id="officer-sign"' in html
    assert client.post(_url("record_sign", visit), {"action": "officer"}).status_code == 302
    response = client.post(_url("record_sign", visit), {"action": "enterprise", "signer_name": "刘强",
                                                         "image_data_url": signature_url()})
    assert response.status_code == 302
    sig = visit.record.signatures.get(signer_kind="enterprise")
    image = client_of(onsite_county["enterprise_user"]).get(_url("record_signature_image", visit, sig.pk))
    assert image.status_code == 200 and image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")


def test_sign_page_refuses_a_bad_drawing_with_a_message(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    client = client_of(first)
    response = client.post(_url("record_sign", visit), {"action": "enterprise", "signer_name": "刘强",
                                                         "image_data_url": "data:image/png;base64,AAAA"}, follow=True)
    assert "PNG" in response.content.decode()
    assert not visit.record.signatures.exists()


def test_close_page_lists_what_is_missing_then_closes(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    client = client_of(first)
    html = client.get(_url("record_close", visit)).content.decode()
    assert "企业意见" in html and "尚未签名" in html and 'id="close-visit"' in html
    response = client.post(_url("record_close", visit), {}, follow=True)
    assert "R16" in response.content.decode()
    complete(visit, onsite_county)
    response = client.post(_url("record_close", visit), {})
    assert response.status_code == 302 and response["Location"] == _url("outcomes", visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED


def test_r17_close_page_asks_for_the_reason(open_visit, onsite_county):
    visit = open_visit(task_for_visit(onsite_county, av_required=True), key="av")
    client = client_of(officer_users(onsite_county)[0])
    complete(visit, onsite_county)
    html = client.get(_url("record_close", visit)).content.decode()
    assert 'name="av_missing_reason"' in html
    client.post(_url("record_close", visit), {"av_missing_reason": "执法记录仪故障"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED and visit.record.av_missing_reason == "执法记录仪故障"


# --- API -----------------------------------------------------------------------------------------

def _json(client, method: str, path: str, body: dict):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_api_record_read_by_officer_and_enterprise(open_visit, onsite_county):
    visit = open_visit()
    body = client_of(officer_users(onsite_county)[0]).get(f"/api/visits/{visit.pk}/record").json()
    assert body["status"] == "drafting" and body["can_write"] is True and len(body["entries"]) == 1
    assert {m["rule"] for m in body["missing"]} == {"R16"}
    body = client_of(onsite_county["enterprise_user"]).get(f"/api/visits/{visit.pk}/record").json()
    assert body["can_write"] is False


def test_api_put_and_patch_entry(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    client = client_of(officer_users(onsite_county)[0])
    path = f"/api/visits/{visit.pk}/record/entries/{entry.pk}"
    photo = evidence_add(visit)
    response = _json(client, "put", path, {"result": "non_compliant", "note": "许可证过期", "evidence_ids": [photo.pk]})
    assert response.status_code == 200
    got = response.json()["entries"][0]
    assert (got["result"], got["note"], got["evidence_ids"]) == ("non_compliant", "许可证过期", [photo.pk])
    response = _json(client, "patch", path, {"note": "许可证已过期三个月"})
    got = response.json()["entries"][0]
    assert (got["result"], got["note"], got["evidence_ids"]) == ("non_compliant", "许可证已过期三个月", [photo.pk])
    assert _json(client, "put", path, {"result": "good"}).status_code == 422


def test_api_r25_problem_document(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    report = evidence_add(visit, kind="document", origin="third_party")
    response = _json(client_of(officer_users(onsite_county)[0]), "put",
                     f"/api/visits/{visit.pk}/record/entries/{entry.pk}",
                     {"result": "compliant", "evidence_ids": [report.pk]})
    assert response.status_code == 409 and response["Content-Type"].startswith("application/problem+json")
    assert response.json()["rule"] == "R25"


def test_api_enterprise_cannot_write(open_visit, onsite_county):
    visit = open_visit()
    entry = visit.record.entries.get()
    client = client_of(onsite_county["enterprise_user"])
    assert _json(client, "put", f"/api/visits/{visit.pk}/record/entries/{entry.pk}",
                 {"result": "compliant"}).status_code == 404
    assert _json(client, "patch", f"/api/visits/{visit.pk}/record", {"enterprise_opinion": "无异议"}).status_code == 404
    assert _json(client, "post", f"/api/visits/{visit.pk}/close", {}).status_code == 404


def test_api_header_signatures_and_close(open_visit, onsite_county):
    visit = open_visit()
    first, second = officer_users(onsite_county)
    client = client_of(first)
    fill_entries(visit, first)
    response = _json(client, "post", f"/api/visits/{visit.pk}/close", {})
    assert response.status_code == 409 and response.json()["rule"] == "R16"
    response = _json(client, "patch", f"/api/visits/{visit.pk}/record", {
        "findings_summary": "未发现问题", "enterprise_representative": "刘强", "opinion_refused": True})
    assert response.status_code == 200 and response.json()["opinion_refused"] is True
    assert _json(client, "post", f"/api/visits/{visit.pk}/record/signatures",
                 {"signer_kind": "officer"}).status_code == 201
    assert _json(client_of(second), "post", f"/api/visits/{visit.pk}/record/signatures",
                 {"signer_kind": "officer"}).status_code == 201
    bad = _json(client, "post", f"/api/visits/{visit.pk}/record/signatures",
                {"signer_kind": "enterprise", "image_data_url": "data:image/png;base64,iVBORw0KGgo="})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "image_data_url"
    response = _json(client, "post", f"/api/visits/{visit.pk}/record/signatures",
                     {"signer_kind": "enterprise", "image_data_url": signature_url()})
    assert response.status_code == 201
    assert response.json()["missing"] == []
    response = _json(client, "post", f"/api/visits/{visit.pk}/close", {})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    body = client.get(f"/api/visits/{visit.pk}/record").json()
    assert body["status"] == RecordStatus.CLOSED and body["can_write"] is False
    response = _json(client, "patch", f"/api/visits/{visit.pk}/record", {"place": "别处"})
    assert response.status_code == 409 and "不能修改" in response.json()["detail"]


def test_api_r17_close_needs_the_reason(open_visit, onsite_county):
    visit = open_visit(task_for_visit(onsite_county, av_required=True), key="av")
    complete(visit, onsite_county)
    client = client_of(officer_users(onsite_county)[0])
    response = _json(client, "post", f"/api/visits/{visit.pk}/close", {})
    assert response.status_code == 409 and response.json()["rule"] == "R17"
    response = _json(client, "post", f"/api/visits/{visit.pk}/close", {"av_missing_reason": "现场禁止录像(涉密车间)"})
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_r26_close_page_of_a_non_inspection_visit_takes_a_summary(onsite_county):
    from clearcheck.inspections.services.visits import visit_start_non_inspection
    from clearcheck.registry.codes import enterprise_code_token

    first, _ = officer_users(onsite_county)
    visit = visit_start_non_inspection(actor=first, kind="verification", purpose="核查投诉举报线索",
                                       officer_ids=[o.pk for o in onsite_county["officers"]],
                                       idempotency_key="verify", token=enterprise_code_token(onsite_county["code"]))
    client = client_of(first)
    html = client.get(_url("record_close", visit)).content.decode()
    assert 'name="summary"' in html and "不制作现场检查笔录" in html
    assert client.get(_url("record_edit", visit)).status_code == 404  # no record of such a visit
    response = client.post(_url("record_close", visit), {"summary": "经核查,举报线索不实"})
    assert response.status_code == 302 and response["Location"] == _url("visit_detail", visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED and visit.summary == "经核查,举报线索不实"
