"""The visit documents (issue 4, section 9): 现场检查笔录 (R16) and 责令改正通知书 (R19) as PDF.

Each renders, starts with %PDF and carries the key fields; the record numbers its pages "第 x 页 共 y 页",
embeds the drawn signature or notes the refusal to sign; who may download (another agency and another
enterprise 404; the enterprise its own record and order).
"""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from clearcheck.core import clock
from clearcheck.core.errors import NotFound
from clearcheck.inspections import documents
from clearcheck.inspections.documents.common import minute_cn
from clearcheck.inspections.documents.render import render_html
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_documents_support import (
    layout_pages,
    layout_text,
    pdf_objects_text,
    pdf_page_count,
    pdf_renders_shared,  # noqa: F401  (a fixture)
)
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_of(visit):
    from clearcheck.inspections.models import OnSiteRecord

    return OnSiteRecord.objects.select_related("visit", "visit__enterprise", "visit__agency", "recorder").get(
        visit_id=visit.pk)


def test_r16_record_renders_every_field(inspected):
    county, visit = inspected["county"], inspected["finish"]()
    record = record_of(visit)
    document = documents.record(actor=inspected["first"], visit_id=visit.pk)
    assert document.pdf.startswith(b"%PDF")
    assert document.filename.startswith("现场检查笔录-")
    text = layout_text("record.html", documents.record_context(record))
    enterprise = county["enterprise"]
    for expected in (
        "现场检查笔录", county["agency"].name, enterprise.name, enterprise.uscc, enterprise.address,
        "阿胶生产车间", minute_cn(visit.opened_at), minute_cn(record.closed_at), "查看食品生产许可证",
        "查看锅炉定期检验报告", "不符合", "符合", "未能出示有效的食品生产许可证", "《食品安全法》第三十五条第一款",
        "对检查结果无异议", "李华", "质量负责人", "投诉举报", "本年度检查频次", "是否申请回避:否",
        "已签名(本人账号电子确认)",
    ):
        assert expected in text, expected
    assert "时" in minute_cn(visit.opened_at) and "分" in minute_cn(visit.opened_at)  # to the minute
    for officer in county["officers"]:
        assert officer.name in text and officer.credential_no in text
    recorder = county["officers"][1]
    assert f"{recorder.name}(执法证号:{recorder.credential_no})" in text
    assert "笔录填写中" not in text


def test_record_states_only_the_steps_the_officers_confirmed(inspected):
    """The 告知事项 come from confirmations made in the record (audited as record.update); without them the
    record says they were not confirmed instead of asserting them."""
    visit = inspected["finish"](steps=False)
    text = layout_text("record.html", documents.record_context(record_of(visit)))
    assert "已出示行政执法证件" not in text and "是否申请回避:否" not in text
    assert "出示行政执法证件:笔录中未确认" in text and "是否申请回避:笔录中未确认" in text


def test_record_steps_confirmed_are_audited_and_printed(inspected):
    from clearcheck.audit.models import AuditEvent

    visit = inspected["finish"]()
    text = layout_text("record.html", documents.record_context(record_of(visit)))
    assert "检查人员已出示行政执法证件" in text and "是否申请回避:否" in text and "笔录中未确认" not in text
    events = AuditEvent.objects.filter(action="record.update", subject_id=str(record_of(visit).pk))
    assert any(json.loads(e.body)["after"].get("credentials_shown") is True for e in events)


def test_record_embeds_the_drawn_signature(inspected):
    visit = inspected["finish"]()
    context = documents.record_context(record_of(visit))
    assert context["enterprise_signature"]["image"].startswith("data:image/png;base64,")
    assert 'src="data:image/png;base64,' in render_html("record.html", context)
    pdf = documents.record(actor=inspected["first"], visit_id=visit.pk).pdf
    assert b"/Subtype /Image" in pdf_objects_text(pdf)


def test_record_notes_refusals_to_sign_and_to_give_an_opinion(inspected):
    visit = inspected["finish"](refused=True, opinion_refused=True)
    text = layout_text("record.html", documents.record_context(record_of(visit)))
    assert "被检查单位拒绝签名:企业代表拒绝签名,两名执法人员在场见证" in text
    assert "被检查单位拒绝发表意见" in text


def test_record_with_a_corrupted_signature_still_renders(inspected):
    """R18: a signature image that no longer matches its digest is named, not drawn (and no 500)."""
    from clearcheck.core.blobs import blob_path
    from clearcheck.inspections.models import Signature

    visit = inspected["finish"]()
    signature = Signature.objects.get(record__visit=visit, signer_kind="enterprise")
    path = blob_path(signature.image_sha256)
    path.chmod(0o644)
    path.write_bytes(b"\x89PNG\r\n\x1a\n tampered")
    text = layout_text("record.html", documents.record_context(record_of(visit)))
    assert "签名图像校验失败" in text
    assert documents.record(actor=inspected["first"], visit_id=visit.pk).pdf.startswith(b"%PDF")


def test_record_numbers_its_pages(inspected):
    """第 x 页 共 y 页 on every page of a long record, and the PDF has y pages."""
    summary = "\n".join(f"第{n}处:原料库房温湿度记录不连续,现场查看了近三个月的台账与监控记录。" for n in range(1, 40))
    visit = inspected["finish"](summary=summary)
    pages = layout_pages("record.html", documents.record_context(record_of(visit)))
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    assert pdf_page_count(documents.record(actor=inspected["first"], visit_id=visit.pk).pdf) == len(pages)


def test_record_in_progress_is_marked_as_such(inspected):
    text = layout_text("record.html", documents.record_context(record_of(inspected["visit"])))
    assert "笔录填写中" in text and "检查进行中" in text and "(未签名)" in text


def test_record_renders_well_under_two_seconds(inspected):
    """Rendered on request, so it must be quick: CPU time is measured (wall time on a loaded CI machine
    says more about the neighbours than about the document)."""
    visit = inspected["finish"]()
    started = time.process_time()
    documents.record(actor=inspected["first"], visit_id=visit.pk)
    assert time.process_time() - started < 2.0


def test_r19_correction_order_by_deadline(inspected):
    county, order = inspected["county"], inspected["order"]
    inspected["finish"]()
    document = documents.correction_order(actor=inspected["first"], disposition_id=order.pk)
    assert document.pdf.startswith(b"%PDF")
    order.refresh_from_db()
    context = documents.correction_order_context(order)
    year = clock.local_year()
    assert context["number"] == f"东市监责改〔{year}〕1号"
    assert document.filename == f"责令改正通知书-东市监责改〔{year}〕1号.pdf"
    text = layout_text("correction_order.html", context)
    deadline = inspected["deadline"]
    recheck = order.recheck_task
    enterprise = county["enterprise"]
    for expected in (
        "责令改正通知书", county["agency"].name, f"东市监责改〔{year}〕1号", enterprise.name, enterprise.uscc,
        "未能出示有效的食品生产许可证", "违反了《食品安全法》第三十五条第一款的规定",
        f"于{deadline.year}年{deadline.month}月{deadline.day}日前改正", "补办并公示食品生产许可证",
        f"将于{recheck.window_end.year}年{recheck.window_end.month}月{recheck.window_end.day}日前", "复查",
        "陈述、申辩", "东阿县人民政府申请行政复议", "提起行政诉讼", "(印章)", "查看食品生产许可证",
    ):
        assert expected in text, expected
    pages = layout_pages("correction_order.html", context)
    assert f"第 1 页 共 {len(pages)} 页" in pages[0]


def test_correction_orders_are_numbered_in_turn(inspected):
    """Serial numbers count the agency's orders to correct of the year (derived from ids, stable)."""
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create
    from clearcheck.inspections.services.records_fill import record_entry_set

    visit, first = inspected["visit"], inspected["first"]
    second_entry = visit.record.entries.order_by("order")[1]
    record_entry_set(actor=first, visit_id=visit.pk, entry_id=second_entry.pk, result="non_compliant", note="未检验")
    finding = finding_create(actor=first, visit_id=visit.pk, entry_ids=[second_entry.pk],
                             description="锅炉未按期检验", legal_basis="《特种设备安全法》第四十条")
    now_order = disposition_add(actor=first, finding_id=finding.pk, kind="correct_now", note="当场停用锅炉并联系检验机构")
    context = documents.correction_order_context(now_order)
    assert context["number"].endswith(f"〔{clock.local_year()}〕2号")
    assert documents.correction_order_context(inspected["order"])["number"].endswith("1号")
    text = layout_text("correction_order.html", context)
    assert "立即改正" in text and "当场停用锅炉并联系检验机构" in text


def test_only_orders_to_correct_have_a_correction_order(inspected):
    from clearcheck.inspections.services.outcomes import disposition_add

    case = disposition_add(actor=inspected["first"], finding_id=inspected["finding"].pk, kind="case",
                           case_number="东市监立〔2026〕7号")
    with pytest.raises(NotFound):
        documents.correction_order(actor=inspected["first"], disposition_id=case.pk)


@pytest.mark.usefixtures("pdf_renders_shared")
def test_roles_on_the_record(inspected, make_user_plain, make_agency, make_enterprise):
    county, visit = inspected["county"], inspected["finish"]()
    url = reverse("inspections:document_record", kwargs={"visit_id": visit.pk})
    for user in (county["officer_users"][0], county["admin"], county["head"], make_user_plain("bureau"),
                 make_user_plain("enterprise", enterprise=county["enterprise"])):
        response = client_for(user).get(url)
        assert response.status_code == 200, user.role
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith('inline; filename="onsite-record-')
    for user in (make_user_plain("agency_admin", agency=make_agency()),
                 make_user_plain("enterprise", enterprise=county["other_enterprise"])):
        assert client_for(user).get(url).status_code == 404, user.role
    assert Client().get(url).status_code == 302
    assert client_for(county["admin"]).get(
        reverse("inspections:document_record", kwargs={"visit_id": 99999999999})).status_code == 404


@pytest.mark.usefixtures("pdf_renders_shared")
def test_roles_on_the_correction_order(inspected, make_user_plain, make_agency):
    county, order = inspected["county"], inspected["order"]
    url = reverse("inspections:document_correction_order", kwargs={"disposition_id": order.pk})
    own_enterprise = make_user_plain("enterprise", enterprise=county["enterprise"])
    assert client_for(own_enterprise).get(url).status_code == 404  # the record is still being written
    inspected["finish"]()
    for user in (county["officer_users"][0], county["admin"], county["head"], make_user_plain("bureau"),
                 own_enterprise):
        assert client_for(user).get(url).status_code == 200, user.role
    for user in (make_user_plain("agency_admin", agency=make_agency()),
                 make_user_plain("enterprise", enterprise=county["other_enterprise"])):
        assert client_for(user).get(url).status_code == 404, user.role
    assert Client().get(url).status_code == 302


def test_user_text_is_printed_as_text_and_nothing_is_fetched(inspected):
    """Text typed on site is escaped, and the renderer fetches only data: URIs (no file:, no http:)."""
    from clearcheck.inspections.documents.render import _fetcher

    order = inspected["order"]
    order.finding.description = '<img src="file:///etc/passwd">标签<b>缺失</b>'
    text = layout_text("correction_order.html", documents.correction_order_context(order))
    assert '<img src="file:///etc/passwd">标签<b>缺失</b>' in text
    fetcher = _fetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x.png", "https://example.org/x.png"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain,ok")
    try:
        assert response.read() == b"ok"
    finally:
        response.close()
