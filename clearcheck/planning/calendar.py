"""Working days (工作日) by the official schedule of holidays and make-up workdays (R10 deadlines).

A date is a working day when it is Monday–Friday and not a listed holiday, or when it is a listed
make-up workday (调休上班) on a weekend. The schedule is published each year by the State Council
General Office; ``data/work_calendar.json`` holds the years the platform ships (2025, 2026) and the
bureau loads later years (``services.calendar.calendar_year_load``).

Working days are never guessed silently (issue 20): a year counts exactly only when it is *loaded*
(``WorkCalendarYear``). ``is_working_day`` and ``working_days_add`` raise ``CalendarYearNotLoaded``
for a date in a year that is not; the only way to count into such a year is ``working_days_deadline``,
whose ``Deadline`` carries ``provisional=True`` (Monday–Friday for now), and every stored deadline
keeps that flag next to its date (``StoredDeadline``) until loading the year recomputes it.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Min

from clearcheck.core import clock
from clearcheck.core.errors import Conflict

from .choices import CalendarDayKind
from .models import WorkCalendarDay, WorkCalendarYear

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_calendar.json"


class CalendarYearNotLoaded(Conflict):
    """A date was asked for exactly in a year whose official calendar is not loaded."""

    def __init__(self, years: Iterable[int]):
        self.years = sorted(set(years))
        names = "、".join(f"{y} 年" for y in self.years)
        super().__init__(f"{names}的工作日历尚未载入,无法准确计算工作日;请县司法局载入该年工作日历")


class Deadline(NamedTuple):
    """A working-day deadline. ``provisional``: it reaches into a year not loaded and was counted
    Monday–Friday there; it must be shown as such and is recomputed when the year is loaded.
    """

    date: dt.date
    provisional: bool


# --- loaded years ---------------------------------------------------------------------------------------


def calendar_years_loaded(model=WorkCalendarYear) -> set[int]:
    """The years whose schedule is loaded in full."""
    return set(model.objects.values_list("year", flat=True))


def calendar_year_loaded(year: int) -> bool:
    """Whether ``year``'s official schedule is loaded (its dates count exactly)."""
    return WorkCalendarYear.objects.filter(year=year).exists()


def years_unloaded(start: dt.date, end: dt.date, loaded: set[int] | None = None) -> list[int]:
    """The years of the days after ``start`` up to ``end`` (what a count from ``start`` looks at) not loaded."""
    if end <= start:
        return []
    loaded = calendar_years_loaded() if loaded is None else loaded
    return [y for y in range((start + dt.timedelta(days=1)).year, end.year + 1) if y not in loaded]


def calendar_days_load(model=WorkCalendarDay) -> int:
    """Load the shipped schedule (idempotent); ``model`` lets a data migration pass its historical model."""
    rows = json.loads(DATA_FILE.read_text(encoding="utf-8"))["days"]
    existing = set(model.objects.values_list("date", flat=True))
    new = [model(date=dt.date.fromisoformat(day), kind=kind, name=name) for day, kind, name in rows
           if dt.date.fromisoformat(day) not in existing]
    model.objects.bulk_create(new)
    return len(new)


def calendar_years_mark_shipped(day_model=WorkCalendarDay, year_model=WorkCalendarYear) -> int:
    """Mark the shipped file's years loaded (the file lists every exception of each of its years)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    years = sorted({int(day[:4]) for day, _kind, _name in data["days"]})
    existing = set(year_model.objects.values_list("year", flat=True))
    now = clock.now()
    year_model.objects.bulk_create([year_model(year=y, source=data.get("source", ""), loaded_at=now,
                                               loaded_by="随平台发布") for y in years if y not in existing])
    return len(years)


# --- counting -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """The exceptions and loaded years of a stretch of dates, read once (two queries) for a whole count."""

    exceptions: dict[dt.date, str]
    loaded: set[int]

    def works(self, day: dt.date) -> bool:
        """Working day by the schedule; Monday–Friday in a year not loaded (callers flag that)."""
        kind = self.exceptions.get(day)
        if kind == CalendarDayKind.HOLIDAY:
            return False
        if kind == CalendarDayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def add(self, start: dt.date, days: int) -> Deadline:
        """``days`` working days after ``start``, flagged provisional if it looked at a year not loaded."""
        if days < 0:
            raise ValueError("days must not be negative")
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.works(day):
                counted += 1
        return Deadline(day, bool(years_unloaded(start, day, self.loaded)))

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (what ``add`` counted to reach ``end``)."""
        total, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            total += self.works(day)
        return total


def schedule_read(start: dt.date, end: dt.date) -> Schedule:
    """The schedule between two dates (inclusive)."""
    exceptions = dict(WorkCalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
    return Schedule(exceptions, calendar_years_loaded())


def _window(start: dt.date, days: int) -> dt.date:
    # Holidays never run longer than ~10 days: a window of 4×days + 30 days always suffices.
    return start + dt.timedelta(days=4 * days + 30)


def working_days_deadline(start: dt.date, days: int) -> Deadline:
    """The date ``days`` working days after ``start`` (``start`` itself does not count), with its flag.

    E.g. 3 working days after Friday 2025-01-24 is Wednesday 2025-02-05: Sunday 26 January is a
    make-up workday (1), Monday 27 January the second, and the Spring Festival holiday runs from
    28 January to 4 February. A count into a year not loaded is Monday–Friday there and provisional.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    return schedule_read(start, _window(start, days)).add(start, days)


def working_days_add(start: dt.date, days: int) -> dt.date:
    """The exact date ``days`` working days after ``start``; ``CalendarYearNotLoaded`` if that needs a year
    not loaded (use ``working_days_deadline`` to get a provisional date instead).
    """
    deadline = working_days_deadline(start, days)
    if deadline.provisional:
        raise CalendarYearNotLoaded(years_unloaded(start, deadline.date))
    return deadline.date


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day by the official schedule; ``CalendarYearNotLoaded`` if its year is not
    loaded (never a silent Monday–Friday guess).
    """
    schedule = schedule_read(day, day)
    if day.year not in schedule.loaded:
        raise CalendarYearNotLoaded([day.year])
    return schedule.works(day)


# --- deadlines stored on records ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDeadline:
    """A working-day deadline stored on a model: the date, its provisional flag, and the datetime the count
    started from (its local date is the start). The owning app registers it in ``AppConfig.ready`` so that
    loading a year or correcting a day recomputes it (planning cannot import the apps above it).
    """

    label: str
    model: type
    start_field: str
    date_field: str
    flag_field: str

    def spanning(self, first: dt.date, last: dt.date):
        """Rows whose count covers a day between ``first`` and ``last``: started before ``last`` ended and due
        on or after ``first``.
        """
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=clock.LOCAL_TZ)
        return (self.model.objects.filter(**{f"{self.date_field}__gte": first, f"{self.start_field}__lt": end})
                .exclude(**{f"{self.start_field}__isnull": True}).order_by("pk"))

    def start_of(self, row) -> dt.date:
        """The local date the row's count starts from."""
        return getattr(row, self.start_field).astimezone(clock.LOCAL_TZ).date()


_stored: dict[str, StoredDeadline] = {}


def stored_deadline_register(**fields) -> StoredDeadline:
    """Name a stored working-day deadline (from the owning app's ``ready``); registering again is a no-op."""
    kind = StoredDeadline(**fields)
    existing = _stored.get(kind.label)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"stored deadline {kind.label} is already registered differently")
    _stored[kind.label] = kind
    return kind


def stored_deadlines() -> list[StoredDeadline]:
    """Every registered stored deadline, by label."""
    return [_stored[label] for label in sorted(_stored)]



def provisional_flags_backfill(model, *, start_field: str, date_field: str, flag_field: str,
                               loaded: set[int]) -> int:
    """Flag the stored deadlines of ``model`` whose count covers a year not in ``loaded`` (a data migration
    passes its historical model and years): one UPDATE per such year. Returns how many rows were flagged.
    """
    span = model.objects.aggregate(first=Min(start_field), last=Max(date_field))
    if span["first"] is None or span["last"] is None:
        return 0
    start = span["first"].astimezone(clock.LOCAL_TZ).date()
    flagged = 0
    for year in years_unloaded(start, span["last"], loaded):
        # The count looks at the days after its start up to the deadline: it covers the year when it is due
        # on or after 1 January and started before 31 December.
        before_last_day = dt.datetime(year, 12, 31, tzinfo=clock.LOCAL_TZ)
        flagged += model.objects.filter(**{f"{date_field}__gte": dt.date(year, 1, 1),
                                           f"{start_field}__lt": before_last_day, flag_field: False}
                                        ).update(**{flag_field: True})
    return flagged
