"""Issue 17: every page and document that shows a count against a limit says which limit it is and shows
the same figures (R21, R28), all read from ``planning.selectors.limits.limit_lines``.

One enterprise graded D (tier cap 4) by one agency, whose boiler item has its own yearly frequency of 1.
Two proactive tasks are approved (boiler + food, then food only) and a complaint task (exempt); the first
is carried out. Everywhere: "D 级年度上限 4 次" with 2 inspections counted (both tasks), and
"《特种设备安全管理检查》年度频次 1 次" with 1 (only the task covering it) — never "年度上限 1 次" for the
tier. Pages: the on-site record (page and 笔录 PDF), the notice and approval form (PDF) and the task page,
the check-in page (enterprise and officer), the enterprise file, the burden page and the rights guide.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from clearcheck.core import clock
from clearcheck.inspections import documents
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_documents_support import layout_text
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import tier_set

pytestmark = pytest.mark.django_db

TIER = ("tier", "D 级年度上限 4 次", 2, 4)
ITEM = ("item", "《特种设备安全管理检查》年度频次 1 次", 1, 1)
# The sentences of the shared include (planning/includes/limit_line.html), as the documents print them.
TIER_SENTENCE = "D 级年度上限 4 次:本年度计入上限的检查已安排 2 次"
ITEM_SENTENCE = "《特种设备安全管理检查》年度频次 1 次:本年度该事项已安排 1 次"

LINE = re.compile(r'<span class="limit-line limit-(tier|item)[^"]*" data-kind="\w+" data-count="(\d+)" '
                  r'data-cap="(\d+)">(?:[^<]*)<strong class="limit-label">([^<]+)</strong>')


def pdf_text(template: str, context: dict) -> str:
    """The text laid out in a document, without whitespace (a line may break between "1" and "次")."""
    return re.sub(r"\s+", "", layout_text(template, context))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shown_lines(html: str) -> list[tuple]:
    """(kind, label, count, cap) of every limit line rendered on a page, in order."""
    return [(kind, label, int(count), int(cap)) for kind, count, cap, label in LINE.findall(html)]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def limited(onsite_county, approved_task):
    """Grade D; the boiler+food task approved first, then a food-only task; the first carried out (open)."""
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
    from clearcheck.registry.codes import enterprise_code_token

    county = onsite_county
    tier_set(county, "D")
    items = county["items"]
    today = clock.local_today()
    first = approved_task(window_start=today, items=[items["boiler"], items["food"]])
    second = approved_task(window_start=today)
    visit = visit_start_by_code(actor=county["officer_users"][0], token=enterprise_code_token(county["code"]),
                                task_ids=[first.pk], idempotency_key="limits")
    visit = visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert visit.status == "open"
    first.refresh_from_db()
    second.refresh_from_db()
    return {"county": county, "first": first, "second": second, "visit": visit}


def test_the_one_function_counts_each_limit_its_own_way(limited):
    """The tier counts both proactive tasks; the item only the task covering it; the complaint is apart."""
    from clearcheck.planning.selectors.limits import limit_lines

    first, county = limited["first"], limited["county"]
    lines = limit_lines(year=first.year, enterprise_id=county["enterprise"].pk, tasks=[first])
    assert [(x.kind, x.label, x.count, x.cap, x.exempt, x.current) for x in lines] == [
        (*TIER, 1, "counted"), (*ITEM, 0, "counted")]
    assert [x.binding for x in lines] == [False, True]  # the item's frequency is the one reached
    other = limit_lines(year=first.year, enterprise_id=county["enterprise"].pk, tasks=[limited["second"]])
    assert [(x.kind, x.label, x.count, x.cap) for x in other] == [TIER]  # food only: no item frequency


def test_record_page_and_pdf_state_each_limit(limited):
    county, visit = limited["county"], limited["visit"]
    record = visit.record
    assert [(x.kind, x.label, x.count, x.cap) for x in record.limit_lines] == [TIER, ITEM]
    page = client_for(county["officer_users"][0]).get(reverse("inspections:record_edit", args=[visit.pk]))
    html = page.content.decode()
    block = html[html.index('id="record-limits"'):]
    assert shown_lines(block) == [TIER, ITEM]
    assert "年度上限 1 次" not in html
    api = client_for(county["officer_users"][0]).get(f"/api/visits/{visit.pk}/record").json()
    assert [(x["kind"], x["label"], x["counted"], x["cap"]) for x in api["frequency_limits"]] == [TIER, ITEM]
    pdf = documents.record(actor=county["officer_users"][0], visit_id=visit.pk)
    assert pdf.pdf.startswith(b"%PDF")
    text = pdf_text("record.html", documents.record_context(record))
    assert squash(f"{TIER_SENTENCE}(含本次)") in text and squash(f"{ITEM_SENTENCE}(含本次)") in text
    assert "年度上限1次" not in text and "第1次" not in text


def test_notice_approval_form_and_task_page_state_each_limit(limited):
    county, first = limited["county"], limited["first"]
    notice = pdf_text("notice.html", documents.notice_context(first))
    form = pdf_text("approval_form.html", documents.approval_form_context(first))
    for text in (notice, form):
        assert squash(f"{TIER_SENTENCE}(含本次)") in text and squash(f"{ITEM_SENTENCE}(含本次)") in text
        assert "年度频次上限1次(D级)" not in text and "年度上限1次" not in text
    assert documents.notice(actor=county["admin"], task_id=first.pk).pdf.startswith(b"%PDF")
    assert documents.approval_form(actor=county["admin"], task_id=first.pk).pdf.startswith(b"%PDF")
    page = client_for(county["head"]).get(reverse("planning:task_detail", args=[first.pk])).content.decode()
    assert shown_lines(page[page.index('id="task-limits"'):]) == [TIER, ITEM]


def test_check_in_pages_state_each_limit(limited):
    county, visit = limited["county"], limited["visit"]
    enterprise = client_for(county["enterprise_user"]).get(reverse("feedback_enterprise:visits")).content.decode()
    officer = client_for(county["officer_users"][0]).get(
        reverse("inspections:visit_detail", args=[visit.pk])).content.decode()
    for html in (enterprise, officer):
        block = html[html.index('id="visit-count"'):]
        assert shown_lines(block) == [TIER, ITEM]
        assert "年度上限 1 次" not in block
    api = client_for(county["enterprise_user"]).get("/api/enterprise/current-visit").json()
    assert [(x["kind"], x["label"], x["counted"], x["cap"]) for x in api["visit"]["caps"]] == [TIER, ITEM]


def test_enterprise_file_and_burden_page_state_each_limit(limited):
    county = limited["county"]
    html = client_for(county["bureau"]).get(
        reverse("registry:enterprise_detail", args=[county["enterprise"].pk])).content.decode()
    assert shown_lines(html[html.index('id="enterprise-planning"'):]) == [TIER, ITEM]
    burden = client_for(county["enterprise_user"]).get(reverse("dashboards_enterprise:burden")).content.decode()
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)</td>"
                       r"<td>(\d+)</td></tr>", burden)
    assert [(label, int(count), int(cap)) for *_head, label, count, cap in cells] == [TIER[1:], ITEM[1:]]
    assert cells[0][0] == county["agency"].name


def test_rights_guide_publishes_the_tier_caps_as_labelled_everywhere(limited):
    html = Client().get("/public/rights/").content.decode()
    assert TIER[1] in html and 'data-code="D" data-cap="4"' in html
    assert "年度频次" in html  # and says that an item's own frequency is another, narrower limit
