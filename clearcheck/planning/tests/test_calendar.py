"""R10 working days: the shipped 2025/2026 schedule and the bureau's additions."""

import datetime as dt

import pytest

from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.planning.calendar import calendar_day_set, is_working_day, working_days_add

pytestmark = pytest.mark.django_db


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


def test_r10_bureau_adds_a_later_holiday(make_user_plain, make_user):
    bureau = make_user_plain("bureau")
    calendar_day_set(actor=bureau, date=dt.date(2027, 10, 1), kind="holiday", name="国庆节")
    assert not is_working_day(dt.date(2027, 10, 1))
    with pytest.raises(ValidationFailed):
        calendar_day_set(actor=bureau, date=dt.date(2027, 10, 2), kind="holiday", name="国庆节")  # a Saturday
    with pytest.raises(PermissionDenied):
        calendar_day_set(actor=make_user("agency_admin"), date=dt.date(2027, 10, 4), kind="holiday",
                         name="国庆节")
