"""The task documents (issue 4, section 9): 行政检查审批表 and 行政检查通知书 as PDF.

Each renders, starts with %PDF, and carries the key fields (read from WeasyPrint's layout); page x of y;
who may download (another agency 404, the enterprise only its own notice, never an approval form).
"""

import time
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from clearcheck.core.errors import NotFound
from clearcheck.inspections import documents
from clearcheck.inspections.documents import texts
from clearcheck.inspections.tests.test_documents_support import (
    layout_pages,
    layout_text,
    pdf_page_count,
    pdf_renders_shared,  # noqa: F401  (a fixture)
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_approval_form_renders_with_every_field(plan_county, approved_task):
    task = approved_task(inspection_type="routine")  # food is a special sector: no draw needed (R24)
    task.refresh_from_db()
    head = plan_county["head"]
    document = documents.approval_form(actor=plan_county["admin"], task_id=task.pk)
    assert document.pdf.startswith(b"%PDF")
    text = layout_text("approval_form.html", documents.approval_form_context(task))
    enterprise = plan_county["enterprise"]
    food = plan_county["items"]["food"]
    for expected in (
        "行政检查审批表", plan_county["agency"].name, enterprise.name, enterprise.uscc,
        food.name, food.legal_basis, "日常检查", "年度检查计划", "现场检查",
        f"{task.window_start.year}年{task.window_start.month}月{task.window_start.day}日",
        "协助检查人员人数", "无", "B 级年度上限 1 次:本年度计入上限的检查已安排 1 次(含本次)",
        "承办人意见", "请审批", "负责人审批意见", "同意", str(head), "东市监检审〔",
    ):
        assert expected in text, expected
    for officer in plan_county["officers"]:
        assert officer.name in text and officer.credential_no in text


def test_approval_form_of_a_submitted_task_awaits_the_head(plan_county, make_task):
    """Available once submitted (R06): the head's box is still empty; a draft has no approval form."""
    from clearcheck.planning.services.tasks import task_submit

    task = make_task()
    with pytest.raises(NotFound):
        documents.approval_form(actor=plan_county["admin"], task_id=task.pk)
    task_submit(actor=plan_county["admin"], task_id=task.pk)
    task.refresh_from_db()
    context = documents.approval_form_context(task)
    text = layout_text("approval_form.html", context)
    assert "待行政执法机关负责人审批" in text
    assert "本次获批后为第 1 次" in text
    assert context["handler"]["name"] == str(plan_county["admin"])


def test_approval_form_of_a_rejected_task_shows_the_reason(plan_county, make_task):
    from clearcheck.planning.services.tasks import task_reject, task_submit

    task = make_task()
    task_submit(actor=plan_county["admin"], task_id=task.pk)
    task_reject(actor=plan_county["head"], task_id=task.pk, note="检查事项与年度计划不符")
    task.refresh_from_db()
    text = layout_text("approval_form.html", documents.approval_form_context(task))
    assert "不同意,退回。理由:检查事项与年度计划不符" in text


def test_approval_form_of_an_exempt_source_is_not_counted(plan_county, approved_task):
    """R21: a complaint does not count against the cap; the form says so."""
    task = approved_task(inspection_type="case", source="complaint")
    task.refresh_from_db()
    text = layout_text("approval_form.html", documents.approval_form_context(task))
    assert "本次检查来源为“投诉举报”,不计入年度频次上限" in text


def test_r10_urgent_task_documents_record_the_reason(plan_county, make_task):
    """An urgent start (R10) is submitted and may be carried out: both documents exist; the form shows the
    reason and asks for approval afterwards (补办)."""
    from clearcheck.planning.services.tasks import task_start_urgent

    task = make_task(inspection_type="case", source="complaint")
    task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报存在食品安全隐患")
    task.refresh_from_db()
    text = layout_text("approval_form.html", documents.approval_form_context(task))
    assert "群众举报存在食品安全隐患" in text and "补办审批" in text and "待行政执法机关负责人审批" in text
    assert documents.notice(actor=plan_county["admin"], task_id=task.pk).pdf.startswith(b"%PDF")


def test_notice_renders_basis_frequency_rights_and_prohibitions(plan_county, approved_task):
    task = approved_task()
    document = documents.notice(actor=plan_county["admin"], task_id=task.pk)
    assert document.pdf.startswith(b"%PDF")
    text = layout_text("notice.html", documents.notice_context(task))
    food = plan_county["items"]["food"]
    for expected in ("行政检查通知书", plan_county["enterprise"].name, plan_county["enterprise"].uscc,
                     food.legal_basis, food.name, "B 级年度上限 1 次:本年度计入上限的检查已安排 1 次(含本次)",
                     "申请其回避", "未扫码或未打卡入企的,你单位有权拒绝", "请备好食品生产许可证",
                     "五个严禁", "八个不得", "(印章)"):
        assert expected in text, expected
    for line in (*texts.FIVE_PROHIBITIONS, *texts.EIGHT_MUST_NOTS):
        assert str(line) in text, line
    for officer in plan_county["officers"]:
        assert officer.name in text and officer.credential_no in text


def test_notice_numbers_its_pages(plan_county, approved_task):
    """第 x 页 共 y 页 on every page (CSS @page counters), and the PDF has that many pages."""
    task = approved_task()
    pages = layout_pages("notice.html", documents.notice_context(task))
    assert len(pages) >= 1
    for n, page in enumerate(pages, start=1):
        assert f"第 {n} 页 共 {len(pages)} 页" in page
    assert pdf_page_count(documents.notice(actor=plan_county["admin"], task_id=task.pk).pdf) == len(pages)


def test_notice_only_once_the_task_may_be_carried_out(plan_county, make_task):
    from clearcheck.planning.services.tasks import task_submit

    task = make_task()
    task_submit(actor=plan_county["admin"], task_id=task.pk)
    with pytest.raises(NotFound):
        documents.notice(actor=plan_county["admin"], task_id=task.pk)


def test_pdf_response_inline_with_chinese_filename(plan_county, approved_task):
    task = approved_task()
    response = client_for(plan_county["admin"]).get(
        reverse("inspections:document_notice", kwargs={"task_id": task.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename=\"notice-")
    assert "filename*=UTF-8''" + quote("行政检查通知书-", safe="") in disposition
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", ["document_approval_form", "document_notice"])
@pytest.mark.usefixtures("pdf_renders_shared")
def test_roles_on_task_documents(plan_county, approved_task, make_user_plain, make_agency, name):
    """The agency's staff and county readers: 200; another agency and another enterprise: 404; the
    enterprise: its own notice only; anonymous: the login page."""
    task = approved_task()
    url = reverse(f"inspections:{name}", kwargs={"task_id": task.pk})
    for role in ("agency_admin", "agency_head", "department_head", "officer"):
        assert client_for(plan_county["users"][role]).get(url).status_code == 200, role
    for role in ("bureau", "discipline", "government"):
        assert client_for(make_user_plain(role)).get(url).status_code == 200, role
    stranger = make_user_plain("agency_admin", agency=make_agency())
    assert client_for(stranger).get(url).status_code == 404
    own = make_user_plain("enterprise", enterprise=plan_county["enterprise"])
    other = make_user_plain("enterprise", enterprise=plan_county["other_enterprise"])
    assert client_for(own).get(url).status_code == (200 if name == "document_notice" else 404)
    assert client_for(other).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    missing = reverse(f"inspections:{name}", kwargs={"task_id": 99999999999})
    assert client_for(plan_county["admin"]).get(missing).status_code == 404


def test_task_documents_render_quickly(plan_county, approved_task):
    """Rendered on request: each well under 2 s of CPU time (wall time on a loaded CI machine says more
    about the neighbours than about the document)."""
    task = approved_task()
    for build in (documents.approval_form, documents.notice):
        started = time.process_time()
        build(actor=plan_county["admin"], task_id=task.pk)
        assert time.process_time() - started < 2.0
