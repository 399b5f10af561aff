"""R10: the approval deadline of an urgent start counts working days by the official schedule (weekends,
public holidays, make-up workdays), and overdue urgent tasks raise one alert each.
"""

import datetime as dt

import pytest

from clearcheck.alerts.models import Alert
from clearcheck.planning.calendar import is_working_day, working_days_add
from clearcheck.planning.jobs.urgent import urgent_approvals_overdue_alert
from clearcheck.planning.services import tasks as svc

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)
from .test_tasks_fixtures import freeze

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _autumn_2025(monkeypatch):
    # Autouse fixtures run first: officers' credentials are then valid from autumn 2024 to autumn 2026.
    freeze(monkeypatch, dt.date(2025, 9, 1))


def _start(plan_county, make_task, monkeypatch, day: dt.date, source="complaint"):
    freeze(monkeypatch, day)
    task = make_task(inspection_type="case", source=source, window_start=day, window_end=day + dt.timedelta(days=2))
    return svc.task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报")


def test_r10_calendar_knows_holidays_and_make_up_workdays():
    assert is_working_day(dt.date(2025, 9, 28))  # Sunday, 调休上班
    assert not is_working_day(dt.date(2025, 10, 1))  # Wednesday, 国庆节
    assert is_working_day(dt.date(2025, 10, 11))  # Saturday, 调休上班
    assert not is_working_day(dt.date(2025, 11, 15))  # an ordinary Saturday


def test_r10_deadline_spans_an_ordinary_weekend(plan_county, make_task, monkeypatch):
    task = _start(plan_county, make_task, monkeypatch, dt.date(2025, 11, 14))  # Friday
    assert task.approval_deadline == dt.date(2025, 11, 19)  # Mon, Tue, Wed


def test_r10_deadline_counts_a_make_up_sunday(plan_county, make_task, monkeypatch):
    # Friday 26 September 2025: Sunday 28 September is a make-up workday (1), Mon 29 (2), Tue 30 (3).
    task = _start(plan_county, make_task, monkeypatch, dt.date(2025, 9, 26))
    assert task.approval_deadline == dt.date(2025, 9, 30)


def test_r10_deadline_spans_the_national_day_holiday_then_a_make_up_saturday(plan_county, make_task, monkeypatch):
    # Tuesday 30 September 2025: 1–8 October are holidays; Thu 9 (1), Fri 10 (2), Sat 11 make-up workday (3).
    task = _start(plan_county, make_task, monkeypatch, dt.date(2025, 9, 30))
    assert task.approval_deadline == dt.date(2025, 10, 11)


def test_r10_deadline_2026_mid_autumn_and_national_day():
    # Thursday 24 September 2026: Fri 25 is 中秋节, then the weekend; Mon 28, Tue 29, Wed 30.
    assert working_days_add(dt.date(2026, 9, 24), 3) == dt.date(2026, 9, 30)
    # Wednesday 30 September 2026: 1–7 October off; Thu 8, Fri 9, Sat 10 (make-up workday).
    assert working_days_add(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_r10_overdue_job_raises_once_and_ignores_approved_or_timely_tasks(plan_county, make_task, monkeypatch):
    late = _start(plan_county, make_task, monkeypatch, dt.date(2025, 9, 30))  # deadline 11 Oct
    done = _start(plan_county, make_task, monkeypatch, dt.date(2025, 9, 30))
    svc.task_approve(actor=plan_county["head"], task_id=done.pk)
    assert urgent_approvals_overdue_alert(today=dt.date(2025, 10, 11)) == 0  # the deadline day itself is in time
    assert urgent_approvals_overdue_alert(today=dt.date(2025, 10, 12)) == 1
    assert urgent_approvals_overdue_alert(today=dt.date(2025, 10, 13)) == 0  # run again: nothing new
    alert = Alert.objects.get(rule_id="R10")
    assert alert.subject_id == str(late.pk) and alert.occurrences == 1 and alert.agency_id == late.agency_id
    assert '"deadline":"2025-10-11"' in alert.facts and '"source":"complaint"' in alert.facts


def test_r10_overdue_job_uses_shanghai_today(plan_county, make_task, monkeypatch):
    _start(plan_county, make_task, monkeypatch, dt.date(2025, 11, 14))  # deadline Wed 19 Nov
    freeze(monkeypatch, dt.date(2025, 11, 20), hour=0)  # 00:00 Thursday in Shanghai = Wednesday 16:00 UTC
    assert urgent_approvals_overdue_alert() == 1
