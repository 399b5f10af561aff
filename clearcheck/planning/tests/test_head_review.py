"""Issue 19, the agency head's part: the inbox in the order of the days (urgent first on a day), the task
list with today and what is coming first, approval and return (退回) only on the task's page, which shows
the basis, items, officers by name and type, the limits (R21) and the conflicts (R09 R12 R13); planning
errors by the forms' Chinese labels; people by name, looked up once per page; import hints in Chinese.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clearcheck.core import clock
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.selectors.tasks import approval_inbox, tasks_agenda, tasks_for_actor
from clearcheck.planning.services.tasks import task_start_urgent, task_submit

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)

pytestmark = pytest.mark.django_db

INBOX = "/work/planning/tasks/inbox/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _days(n: int) -> dt.date:
    return clock.local_today() + dt.timedelta(days=n)


def _submitted(plan_county, make_task, **overrides) -> InspectionTask:
    task = make_task(**overrides)
    return task_submit(actor=plan_county["admin"], task_id=task.pk)


def _row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-task="(\d+)"', html)]


@pytest.fixture
def inbox_tasks(plan_county, make_task):
    """Five tasks awaiting the head, created in an order unlike the inbox's: later, plain on day +1, urgent
    source on day +1, plain on day +1 again, and one started urgently today (R10, awaiting 补办).
    """
    later = _submitted(plan_county, make_task, window_start=_days(3), window_end=_days(5))
    plain = _submitted(plan_county, make_task, window_start=_days(1), window_end=_days(2))
    complaint = _submitted(plan_county, make_task, source="complaint", window_start=_days(1), window_end=_days(2))
    plain_again = _submitted(plan_county, make_task, window_start=_days(1), window_end=_days(4))
    started = make_task(source="sudden_event", window_start=_days(0), window_end=_days(1))
    started = task_start_urgent(actor=plan_county["admin"], task_id=started.pk, reason="群众举报疑似食品安全事故")
    return [started, complaint, plain, plain_again, later]


def test_issue19_inbox_runs_by_start_date_urgent_first_then_id(plan_county, inbox_tasks):
    expected = [t.pk for t in inbox_tasks]
    assert [t.pk for t in approval_inbox(actor=plan_county["head"])] == expected
    html = _client(plan_county["head"]).get(INBOX).content.decode()
    assert _row_ids(html) == expected


def test_issue19_api_inbox_pages_in_the_same_order(plan_county, inbox_tasks):
    client = _client(plan_county["head"])
    seen, cursor = [], None
    for _ in range(5):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"/api/tasks/approval-inbox{query}").json()
        seen += [t["id"] for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [t.pk for t in inbox_tasks]


def test_issue19_api_inbox_cursor_of_a_task_decided_since_keeps_its_place(plan_county, inbox_tasks):
    from clearcheck.planning.services.tasks import task_approve

    client = _client(plan_county["head"])
    first = client.get("/api/tasks/approval-inbox?limit=2").json()
    assert [t["id"] for t in first["items"]] == [inbox_tasks[0].pk, inbox_tasks[1].pk]
    task_approve(actor=plan_county["head"], task_id=inbox_tasks[1].pk)  # the cursor's task leaves the inbox
    rest = client.get(f"/api/tasks/approval-inbox?limit=10&cursor={first['next_cursor']}").json()
    assert [t["id"] for t in rest["items"]] == [t.pk for t in inbox_tasks[2:]]


def test_issue19_task_list_puts_today_and_upcoming_first(plan_county, make_task):
    long_past = make_task(window_start=_days(-20), window_end=_days(-15))
    upcoming = make_task(window_start=_days(5), window_end=_days(6))
    past = make_task(window_start=_days(-10), window_end=_days(-5))
    running = make_task(window_start=_days(-2), window_end=_days(2))
    today = make_task(window_start=_days(0), window_end=_days(0))
    expected = [running.pk, today.pk, upcoming.pk, past.pk, long_past.pk]
    ordered = tasks_agenda(tasks_for_actor(actor=plan_county["admin"]), clock.local_today())
    assert [t.pk for t in ordered] == expected
    html = _client(plan_county["admin"]).get("/work/planning/tasks/").content.decode()
    assert _row_ids(html) == expected
    assert 'class="table-wrap"' in html and html.count('class="row-link"') == 5


def test_issue19_no_approval_in_the_inbox_only_on_the_task_page(plan_county, make_task):
    task = _submitted(plan_county, make_task)
    html = _client(plan_county["head"]).get(INBOX).content.decode()
    assert 'value="approve"' not in html and "批准</button>" not in html
    assert f'href="/work/planning/tasks/{task.pk}/?from=inbox"' in html
    assert 'class="table-wrap"' in html
    page = _client(plan_county["head"]).get(f"/work/planning/tasks/{task.pk}/?from=inbox").content.decode()
    assert 'id="task-approve"' in page and 'id="task-reject"' in page
    assert '<input type="hidden" name="next" value="inbox">' in page
    response = _client(plan_county["head"]).post(f"/work/planning/tasks/{task.pk}/action/",
                                                  {"action": "approve", "next": "inbox", "note": "同意"})
    assert response.status_code == 302 and response.url == INBOX
    task.refresh_from_db()
    assert task.status == "approved" and task.decision_note == "同意"


def test_issue19_r07_returning_needs_a_reason_and_keeps_the_page(plan_county, make_task):
    task = _submitted(plan_county, make_task)
    client = _client(plan_county["head"])
    url = f"/work/planning/tasks/{task.pk}/action/"
    response = client.post(url, {"action": "reject", "note": "  ", "next": "inbox"})
    assert response.status_code == 422 and "请填写退回理由" in _text(response)
    assert not re.search(r"\bnote\s*[::]", _text(response))
    task.refresh_from_db()
    assert task.status == "submitted"
    response = client.post(url, {"action": "reject", "note": "检查事项与企业经营范围不符"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "rejected" and task.decision_note == "检查事项与企业经营范围不符"


def test_issue19_task_page_shows_basis_items_officers_limits_and_overlaps(plan_county, make_task, make_agency,
                                                                          make_officer, make_user_plain):
    from clearcheck.catalog import services as catalog
    from clearcheck.planning.services.tasks import task_create

    task = _submitted(plan_county, make_task, source_reference="东市监〔2026〕12号")
    same_days = make_task(window_start=task.window_start, window_end=task.window_start)
    # Another agency's task at the same enterprise on the same days: named, not linked (not the head's).
    other = make_agency("东阿县应急管理局")
    other_admin = make_user_plain("agency_admin", agency=other)
    item = catalog.item_create(actor=other_admin, code="YJ-001", name="危险化学品安全检查",
                               legal_basis="《安全生产法》第六十五条", object_scope="危化品企业", method="现场检查",
                               special_sector="public_safety")
    catalog.item_list_publish(actor=other_admin, agency=other, reason="首次公布")
    item.refresh_from_db()
    foreign = task_create(actor=other_admin, agency=other, enterprise=plan_county["enterprise"],
                          inspection_type="case", source="annual_plan", items=[item],
                          officers=[make_officer(other, "赵刚"), make_officer(other, "钱亮")],
                          window_start=task.window_end, window_end=task.window_end + dt.timedelta(days=3))
    html = _client(plan_county["head"]).get(f"/work/planning/tasks/{task.pk}/").content.decode()
    assert "东市监〔2026〕12号" in html[html.index('id="task-basis"'):]
    items = html[html.index('id="task-items"'):]
    assert "SCJG-001 食品生产许可条件保持情况检查" in items and "《食品安全法》第一百一十条" in items
    officers = html[html.index('id="task-officers"'):]
    assert "张明(行政执法人员)" in officers and "王芳(行政执法人员)" in officers
    limits = html[html.index('id="task-limits"'):]
    assert 'class="limit-line' in limits
    conflicts = html[html.index('id="task-conflicts"'):]
    assert f'href="/work/planning/tasks/{same_days.pk}/"' in conflicts
    assert f"任务 #{foreign.pk}" in conflicts and f'href="/work/planning/tasks/{foreign.pk}/"' not in conflicts
    assert "东阿县应急管理局" in conflicts and "R09" in conflicts
    # The drafter by name and role, never by username.
    assert plan_county["admin"].username not in html
    assert "测试agency_admin" in html


def test_issue19_r13_recused_officer_is_a_conflict_and_approval_keeps_the_note(plan_county, make_task,
                                                                               make_user_plain):
    from clearcheck.registry import recusals

    task = _submitted(plan_county, make_task)
    enterprise_user = make_user_plain("enterprise", enterprise=plan_county["enterprise"])
    request = recusals.recusal_request_file(actor=enterprise_user, officer_id=plan_county["officers"][0].pk,
                                           reason="张明与本企业负责人系近亲属")
    recusals.recusal_request_decide(actor=plan_county["head"], request_id=request.pk, grant=True, reason="属实")
    client = _client(plan_county["head"])
    html = client.get(f"/work/planning/tasks/{task.pk}/").content.decode()
    assert "已决定回避该企业(R13)" in html[html.index('id="task-officers"'):]
    assert "R13" in html[html.index('id="task-conflicts"'):]
    response = client.post(f"/work/planning/tasks/{task.pk}/action/", {"action": "approve", "note": "同意实施"})
    html = response.content.decode()
    assert response.status_code == 422 and "R13" in html and 'value="同意实施"' in html
    task.refresh_from_db()
    assert task.status == "submitted"


def test_issue19_task_without_conflicts_says_so(plan_county, make_task):
    task = _submitted(plan_county, make_task)
    html = _client(plan_county["head"]).get(f"/work/planning/tasks/{task.pk}/").content.decode()
    assert "未发现冲突" in html[html.index('id="task-conflicts"'):]


def _text(response) -> str:
    """The page's messages (where errors go) as text."""
    html = response.content.decode()
    start = html.find('class="messages"')
    return re.sub(r"<[^>]+>", "", html[start:start + 3000]) if start >= 0 else ""


ENGLISH_FIELD = re.compile(r"\b(window_start|window_end|source_reference|annual_cap|code|task_ids|lead_agency_id|"
                           r"period_start|period_end|basis|goals|tier_code|enterprise|officers|items)\s*[::]")


def test_issue19_planning_form_errors_name_fields_in_chinese(plan_county, make_task):
    admin = _client(plan_county["admin"])
    response = admin.post("/work/planning/tasks/new/", {
        "uscc": plan_county["enterprise"].uscc, "inspection_type": "case", "source": "annual_plan",
        "window_start": _days(1).isoformat(), "window_end": "", "source_reference": "号" * 129, "then": "save"})
    text = _text(response)
    assert response.status_code == 422 and "检查结束日期" in text and "来源文号/编号" in text
    assert not ENGLISH_FIELD.search(text), text
    assert 'value="' + "号" * 129 + '"' in response.content.decode()  # what was typed comes back

    response = admin.post("/work/planning/tiers/", {"code": ["A", "B"], "name": ["低风险", "高风险"],
                                                    "annual_cap": ["x", "2"], "sampling_ratio": ["0.1", "0.2"]},
                          follow=True)
    assert "年度上限" in _text(response) and not ENGLISH_FIELD.search(_text(response))

    response = admin.post("/work/planning/plans/", {"year": str(clock.local_year()), "basis": "", "goals": "",
                                                    "forms": "", "scope": "", "content": ""}, follow=True)
    assert "编制依据" in _text(response) and not ENGLISH_FIELD.search(_text(response))

    response = admin.post("/work/planning/special-plans/new/", {"year": str(clock.local_year()), "title": "",
                                                               "period_start": "", "period_end": ""}, follow=True)
    assert "开始日期" in _text(response) and not ENGLISH_FIELD.search(_text(response))

    task = make_task()
    response = admin.post("/work/planning/coordination/", {"task_ids": [task.pk],
                                                           "lead_agency_id": plan_county["agency"].pk}, follow=True)
    assert "联合检查至少须合并两项检查任务" in _text(response) and not ENGLISH_FIELD.search(_text(response))


def test_issue19_tier_grades_show_who_by_name_looked_up_once(plan_county):
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    for n in range(3):
        enterprise_tier_assign(actor=plan_county["admin"], agency=plan_county["agency"],
                               enterprise=plan_county["enterprise"], tier_code="C", reason=f"第 {n} 次评定")
    client = _client(plan_county["admin"])
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/work/planning/tiers/grades/").content.decode()
    grades = html[html.index('id="grades"'):]
    assert plan_county["admin"].username not in grades
    assert grades.count("测试agency_admin") == 3
    # One lookup by username for the three rows (the signed-in user is loaded by id).
    lookups = [q for q in queries.captured_queries if '"accounts_user"."username" ' in q["sql"]]
    assert len(lookups) == 1, lookups


def test_issue19_filings_show_who_filed_by_name(plan_county):
    from clearcheck.planning.services import plans

    admin = plan_county["admin"]
    plan = plans.annual_plan_create(actor=admin, agency=plan_county["agency"], year=clock.local_year(),
                                    basis="依据", goals="目标", forms="现场检查", scope="辖区企业", content="内容")
    plans.annual_plan_entry_set(actor=admin, plan_id=plan.pk, item_id=plan_county["items"]["food"].pk, month=6,
                                target_count=3)
    plans.annual_plan_file(actor=admin, plan_id=plan.pk)
    html = _client(admin).get(f"/work/planning/plans/{plan.pk}/").content.decode()
    filings = html[html.index('id="filings"'):]
    assert "测试agency_admin" in filings and admin.username not in filings


def test_issue19_import_hint_lists_chinese_names_not_codes():
    from clearcheck.registry.validators import enterprise_clean

    _, errors = enterprise_clean({"entity_type": "公司"}, region_codes=set(), industry_codes=set())
    hint = next(e.message for e in errors if e.field == "entity_type")
    assert "法人" in hint and "个体工商户" in hint
    assert "legal_person" not in hint and "(" not in hint
