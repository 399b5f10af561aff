"""Issue 20 (Deliver 7): the bureau loads a whole year (file check with line errors, audited), loading recomputes
the provisional deadlines of that year, and an R10 alert asks for a year before it is needed.
"""

import datetime as dt
import json

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.planning.calendar import calendar_year_loaded, is_working_day, working_days_deadline
from clearcheck.planning.calendar_files import schedule_file_parse
from clearcheck.planning.jobs.calendar import calendar_alert_key, calendar_year_missing_alert
from clearcheck.planning.services.calendar import calendar_year_load

from .calendar_samples import CSV_2027, year_from_chinese_calendar
from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)
from .test_tasks_fixtures import freeze

pytestmark = pytest.mark.django_db


def _messages(exc) -> list[str]:
    return [e.message for e in exc.errors]


def _refused(text: str, **kw) -> list[str]:
    with pytest.raises(ValidationFailed) as refused:
        schedule_file_parse(text, **kw)
    return _messages(refused.value)


# --- the file check --------------------------------------------------------------------------------------


def test_issue20_year_file_parses_csv_and_json_alike():
    csv_year = schedule_file_parse(CSV_2027, year=2027)
    rows = [{"date": d.isoformat(), "kind": k, "name": n} for d, k, n in csv_year.days]
    json_year = schedule_file_parse(json.dumps({"year": 2027, "source": "测试", "days": rows}))
    assert csv_year.days == json_year.days and json_year.year == 2027 and json_year.source == "测试"
    assert csv_year.days[0] == (dt.date(2027, 1, 1), "holiday", "元旦")
    assert (dt.date(2027, 2, 20), "workday", "春节调休上班") in csv_year.days


def test_issue20_year_file_refuses_bad_lines_with_their_numbers():
    bad = CSV_2027.replace("2027-04-05,放假,清明节", "2027-02-30,放假,清明节") + (
        "2026-12-31,放假,元旦\n2027-05-03,放假,劳动节\n2027-03-02,调休上班,补班\n2027-03-06,午休,x\n")
    messages = _refused(bad, year=2027)
    assert any(m.startswith("第 8 行:日期“2027-02-30”不正确") for m in messages)
    assert "第 20 行:2026-12-31 不在 2027 年内" in messages
    assert any(m.startswith("第 21 行:2027-05-03 重复") and "第 9 行" in m for m in messages)
    assert any(m.startswith("第 22 行:2027-03-02 是周一至周五") for m in messages)
    assert any(m.startswith("第 23 行:类型须为") for m in messages)


def test_issue20_year_file_must_be_a_whole_explicit_year():
    without_autumn = "\n".join(line for line in CSV_2027.splitlines() if "中秋" not in line and "国庆" not in line)
    [message] = _refused(without_autumn, year=2027)
    assert "缺少中秋节、国庆节" in message
    assert "哪一年" in _refused(CSV_2027)[0]  # a CSV names no year: the form or --year must
    assert "不一致" in _refused(json.dumps({"year": 2028, "days": []}), year=2027)[0]
    assert "2000 至 2100" in _refused(CSV_2027, year=1999)[0]
    assert "空" in _refused("", year=2027)[0]
    assert "JSON" in _refused("{not json", year=2027)[0]
    assert "三项" in _refused("2027-01-01,放假\n", year=2027)[0]


# --- loading a year --------------------------------------------------------------------------------------


def test_issue20_loading_a_year_from_chinese_calendar_agrees_day_by_day(make_user_plain):
    """The loader is right for a real year: 2024 from ``chinese-calendar`` loads and every day agrees."""
    bureau = make_user_plain("bureau")
    assert not calendar_year_loaded(2024)
    done = calendar_year_load(actor=bureau, schedule=schedule_file_parse(year_from_chinese_calendar(2024), year=2024))
    assert done["year"] == 2024 and done["workdays"] == 8
    day = dt.date(2024, 1, 1)
    while day.year == 2024:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    event = AuditEvent.objects.get(action="calendar_year.load")
    assert event.subject_type == "planning.workcalendaryear" and event.subject_id == "2024"


def test_issue20_only_the_bureau_loads(make_user):
    with pytest.raises(PermissionDenied):
        calendar_year_load(actor=make_user("agency_admin"), schedule=schedule_file_parse(CSV_2027, year=2027))
    assert not calendar_year_loaded(2027)


def test_issue20_loading_again_replaces_the_year(make_user_plain):
    bureau = make_user_plain("bureau")
    calendar_year_load(actor=bureau, schedule=schedule_file_parse(CSV_2027, year=2027))
    assert not is_working_day(dt.date(2027, 4, 5))
    moved = CSV_2027.replace("2027-04-05,放假,清明节", "2027-04-06,放假,清明节")
    calendar_year_load(actor=bureau, schedule=schedule_file_parse(moved, year=2027))
    assert is_working_day(dt.date(2027, 4, 5)) and not is_working_day(dt.date(2027, 4, 6))


def test_issue20_urgent_task_deadline_is_provisional_then_exact(plan_county, make_task, monkeypatch,
                                                                 make_user_plain):
    """R10 + issue 20: an urgent start on Tuesday 2026-12-29 with 3 working days reaches 2027 (provisional,
    counted Monday–Friday: 30, 31 Dec, 1 Jan); loading 2027 (1 January a holiday) makes it exact: 4 January.
    """
    from clearcheck.planning.services import tasks as svc
    freeze(monkeypatch, dt.date(2026, 12, 29))
    day = dt.date(2026, 12, 29)
    task = make_task(inspection_type="case", source="complaint", window_start=day, window_end=day)
    task = svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报")
    assert (task.approval_deadline, task.approval_deadline_provisional) == (dt.date(2027, 1, 1), True)
    page = _client(plan_county["admin"]).get(f"/work/planning/tasks/{task.pk}/")
    assert "待县司法局载入该年工作日历后确定" in page.content.decode()
    api = _client(plan_county["admin"]).get(f"/api/tasks/{task.pk}").json()
    assert api["approval_deadline_provisional"] is True
    bureau = make_user_plain("bureau")
    done = calendar_year_load(actor=bureau, schedule=schedule_file_parse(CSV_2027, year=2027))
    task.refresh_from_db()
    assert (task.approval_deadline, task.approval_deadline_provisional) == (dt.date(2027, 1, 4), False)
    assert done["deadlines_recomputed"] == 1
    event = AuditEvent.objects.get(action="deadline.recompute", subject_id=str(task.pk))
    assert event.subject_type == "planning.inspectiontask"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the alert ---------------------------------------------------------------------------------------------


def test_issue20_alert_asks_for_next_year_from_1_november(make_user_plain):
    assert calendar_year_missing_alert(today=dt.date(2026, 10, 31)) == 0
    assert calendar_year_missing_alert(today=dt.date(2026, 11, 1)) == 1
    assert calendar_year_missing_alert(today=dt.date(2026, 11, 2)) == 0  # once
    alert = Alert.objects.get(dedup_key=calendar_alert_key(2027))
    assert alert.rule_id == "R10" and alert.agency_id is None and "2027" in alert.subject_label
    calendar_year_load(actor=make_user_plain("bureau"), schedule=schedule_file_parse(CSV_2027, year=2027))
    alert.refresh_from_db()
    assert alert.state == "resolved"
    assert calendar_year_missing_alert(today=dt.date(2026, 11, 3)) == 0


def test_issue20_alert_whenever_a_deadline_is_provisional(plan_county, make_task, monkeypatch):
    """Before 1 November too: a stored provisional deadline asks for its year at once."""
    from clearcheck.planning.services import tasks as svc
    freeze(monkeypatch, dt.date(2026, 12, 29))
    day = dt.date(2026, 12, 29)
    task = make_task(inspection_type="case", source="complaint", window_start=day, window_end=day)
    svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报")
    assert calendar_year_missing_alert(today=dt.date(2026, 6, 1)) == 1
    facts = Alert.objects.get(dedup_key=calendar_alert_key(2027)).facts
    assert "有 1 个期限延伸至 2027 年" in facts


def test_issue20_a_new_year_without_its_calendar_alerts():
    assert calendar_year_missing_alert(today=dt.date(2027, 1, 4)) >= 1
    assert Alert.objects.filter(dedup_key=calendar_alert_key(2027)).exists()


# --- pages and the command ---------------------------------------------------------------------------------


def test_issue20_bureau_loads_and_corrects_on_the_page(make_user_plain, make_user):
    bureau = _client(make_user_plain("bureau"))
    page = bureau.get("/work/planning/calendar/")
    assert page.status_code == 200 and "载入全年安排" in page.content.decode()
    refused = bureau.post("/work/planning/calendar/load/", {"year": "2027", "text": "2027-13-01,放假,元旦\n"})
    body = refused.content.decode()
    assert refused.status_code == 422 and "第 1 行:日期“2027-13-01”不正确" in body and "2027-13-01,放假" in body
    loaded = bureau.post("/work/planning/calendar/load/", {"year": "2027", "text": CSV_2027})
    assert loaded.status_code == 302 and loaded["Location"] == "/work/planning/calendar/2027/"
    year = bureau.get("/work/planning/calendar/2027/").content.decode()
    assert "春节调休上班" in year and "day-2027-02-20" in year
    fixed = bureau.post("/work/planning/calendar/day/", {"date": "2027-06-10", "kind": "holiday", "name": "端午节"})
    assert fixed.status_code == 302 and not is_working_day(dt.date(2027, 6, 10))
    bad_day = bureau.post("/work/planning/calendar/day/", {"date": "2028-01-03", "kind": "holiday", "name": "x"})
    assert bad_day.status_code == 422 and "尚未载入" in bad_day.content.decode()
    admin = _client(make_user("agency_admin"))
    assert admin.get("/work/planning/calendar/").status_code == 200
    assert "载入全年安排" not in admin.get("/work/planning/calendar/").content.decode()
    refused = admin.post("/work/planning/calendar/load/", {"year": "2027", "text": CSV_2027.replace("2027", "2028")})
    assert refused.status_code in (403, 404) and not calendar_year_loaded(2028)


def test_issue20_command_loads_a_file(make_user_plain, tmp_path, capsys):
    bureau = make_user_plain("bureau")
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    call_command("calendar", "load", str(path), "--year", "2027", "--user", bureau.username)
    assert calendar_year_loaded(2027) and "已载入 2027 年工作日历" in capsys.readouterr().out
    bad = tmp_path / "2028.csv"
    bad.write_text("2028-02-30,放假,春节\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 1 行"):
        call_command("calendar", "load", str(bad), "--year", "2028", "--user", bureau.username)
    assert not calendar_year_loaded(2028)


def test_issue20_deadline_into_a_loaded_year_is_exact_after_load(make_user_plain):
    calendar_year_load(actor=make_user_plain("bureau"), schedule=schedule_file_parse(CSV_2027, year=2027))
    assert working_days_deadline(dt.date(2026, 12, 15), 15) == (dt.date(2027, 1, 6), False)


def test_issue20_api_reads_loads_and_corrects(make_user_plain, make_user):
    bureau = make_user_plain("bureau")
    client = _client(bureau)
    overview = client.get("/api/work-calendar").json()
    assert [y["year"] for y in overview["years"]] == [2026, 2025]
    assert client.get("/api/work-calendar/years/2027").status_code == 404
    days = [{"date": line.split(",")[0], "kind": line.split(",")[1], "name": line.split(",")[2]}
            for line in CSV_2027.splitlines()[1:]]
    bad = client.put("/api/work-calendar/years/2027", {"source": "测试", "days": days[:-1] + [days[0]]},
                     content_type="application/json")
    assert bad.status_code == 422 and any("重复" in e["message"] for e in bad.json()["errors"])
    loaded = client.put("/api/work-calendar/years/2027", {"source": "测试", "days": days},
                        content_type="application/json")
    assert loaded.status_code == 200 and loaded.json()["holidays"] == 16
    listed = client.get("/api/work-calendar/years/2027").json()["days"]
    assert listed[0] == {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}
    fixed = client.put("/api/work-calendar/days/2027-06-10", {"kind": "holiday", "name": "端午节"},
                       content_type="application/json")
    assert fixed.status_code == 200 and not is_working_day(dt.date(2027, 6, 10))
    admin = _client(make_user("agency_admin"))
    assert admin.get("/api/work-calendar").status_code == 200
    assert admin.put("/api/work-calendar/days/2027-06-11", {"kind": "holiday", "name": "x"},
                     content_type="application/json").status_code == 403


def test_issue20_hostile_year_files_are_refused_not_crashed_on():
    """Issue 20 Deliver 1 applies to the calendar too: NUL, lone surrogates and over-long text give field errors."""
    assert "控制字符" in _refused(CSV_2027 + "2027-12-31,放假,元\x00旦\n", year=2027)[0]
    assert "控制字符" in _refused(CSV_2027.replace("元旦", "元\x00旦"), year=2027)[0]
    rows = [{"date": "\ud800", "kind": "holiday", "name": "元旦"}]
    assert "无法显示" in _refused(json.dumps({"year": 2027, "days": rows}))[0]
    named = [{"date": "2027-01-01", "kind": "holiday", "name": "元\u202e旦"}]
    assert "不可见" in _refused(json.dumps({"year": 2027, "days": named}))[0]
    assert "不超过 200" in _refused(json.dumps({"year": 2027, "source": "国" * 201, "days": []}))[0]
    assert "不超过 64" in _refused(json.dumps({"year": 2027, "days": [["2027-01-01", "holiday", "节" * 65]]}))[0]
