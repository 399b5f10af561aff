"""R10 working days: the shipped 2025/2026 schedule, the years it holds, and never a silent guess beyond them
(issue 20, Deliver 7).
"""

import datetime as dt

import chinese_calendar
import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.planning.calendar import (
    CalendarYearNotLoaded,
    Deadline,
    calendar_year_loaded,
    calendar_years_loaded,
    is_working_day,
    working_days_add,
    working_days_deadline,
)
from clearcheck.planning.services.calendar import calendar_day_set

pytestmark = pytest.mark.django_db


def _days(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_issue20_every_day_agrees_with_chinese_calendar(year):
    """Issue 20: for every year both hold, a day is a working day in ours iff it is in ``chinese-calendar``."""
    assert calendar_year_loaded(year)
    differ = [day for day in _days(year) if is_working_day(day) != chinese_calendar.is_workday(day)]
    assert differ == []


def test_issue20_shipped_years_are_loaded_and_no_other():
    assert calendar_years_loaded() == {2025, 2026}
    assert not calendar_year_loaded(2027) and not calendar_year_loaded(2024)


def test_issue20_a_day_in_a_year_not_loaded_is_never_guessed():
    """Issue 20: ``is_working_day(2027-01-01)`` was silently True (Monday–Friday); now it refuses to answer."""
    with pytest.raises(CalendarYearNotLoaded) as refused:
        is_working_day(dt.date(2027, 1, 1))
    assert refused.value.years == [2027] and "2027 年" in refused.value.detail
    with pytest.raises(CalendarYearNotLoaded):
        is_working_day(dt.date(2024, 12, 31))


def test_issue20_exact_add_refuses_and_deadline_is_flagged_across_the_year_end():
    """A complaint received on 2026-12-15 with 15 working days reaches 2027: the exact count refuses, the
    deadline is the Monday–Friday count there and says so.
    """
    with pytest.raises(CalendarYearNotLoaded):
        working_days_add(dt.date(2026, 12, 15), 15)
    assert working_days_deadline(dt.date(2026, 12, 15), 15) == Deadline(dt.date(2027, 1, 5), True)
    # Within a loaded year: exact.
    assert working_days_deadline(dt.date(2026, 12, 1), 15) == Deadline(dt.date(2026, 12, 22), False)
    # Ending on 31 December looks at no day of 2027.
    assert working_days_deadline(dt.date(2026, 12, 30), 1) == Deadline(dt.date(2026, 12, 31), False)


def test_r10_spring_festival_2025_make_up_sunday_then_holiday():
    # Friday 24 January 2025: Sunday 26 is a make-up workday, Mon 27, then 28 Jan–4 Feb off, Wed 5 Feb.
    assert working_days_add(dt.date(2025, 1, 24), 3) == dt.date(2025, 2, 5)


def test_r10_new_year_2026_make_up_sunday():
    # Wednesday 31 December 2025: 1–2 January off, Sunday 4 January is a make-up workday.
    assert not is_working_day(dt.date(2026, 1, 2))
    assert working_days_add(dt.date(2025, 12, 31), 1) == dt.date(2026, 1, 4)


def test_r10_zero_days_is_the_same_day_and_negative_is_an_error():
    assert working_days_add(dt.date(2025, 11, 14), 0) == dt.date(2025, 11, 14)
    with pytest.raises(ValueError):
        working_days_add(dt.date(2025, 11, 14), -1)


def test_issue20_bureau_corrects_a_day_of_a_loaded_year_audited(make_user_plain, make_user):
    bureau = make_user_plain("bureau")
    assert is_working_day(dt.date(2026, 6, 1))
    calendar_day_set(actor=bureau, date=dt.date(2026, 6, 1), kind="holiday", name="国务院临时调整")
    assert not is_working_day(dt.date(2026, 6, 1))
    event = AuditEvent.objects.filter(action="calendar_day.set").latest("id")
    assert event.subject_id == "2026-06-01"
    calendar_day_set(actor=bureau, date=dt.date(2026, 6, 1), kind="normal")  # back to Monday–Friday
    assert is_working_day(dt.date(2026, 6, 1))
    with pytest.raises(ValidationFailed) as bad:
        calendar_day_set(actor=bureau, date=dt.date(2026, 6, 2), kind="workday", name="调休")  # a Tuesday
    assert bad.value.errors[0].field == "date"
    with pytest.raises(ValidationFailed) as unloaded:
        calendar_day_set(actor=bureau, date=dt.date(2027, 10, 1), kind="holiday", name="国庆节")
    assert "尚未载入" in unloaded.value.errors[0].message
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=make_user("agency_admin"), date=dt.date(2026, 10, 9), kind="holiday",
                         name="国庆节")
