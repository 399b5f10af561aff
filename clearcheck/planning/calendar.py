"""Working days (工作日) by the official schedule of holidays and make-up workdays (R10 deadlines).

A date is a working day when it is Monday–Friday and not a listed holiday, or when it is a listed
make-up workday (调休上班) on a weekend. The schedule is published each year by the State Council
General Office; ``data/work_calendar.json`` holds the years the platform knows and the bureau adds
later years through ``calendar_day_set``.
"""

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from clearcheck.audit.services import audit_record
from clearcheck.core.errors import FieldError, PermissionDenied, ValidationFailed

from .choices import CalendarDayKind
from .models import WorkCalendarDay

DATA_FILE = Path(__file__).resolve().parent / "data" / "work_calendar.json"


def calendar_days_load(model=WorkCalendarDay) -> int:
    """Load the shipped schedule (idempotent); ``model`` lets a data migration pass its historical model."""
    rows = json.loads(DATA_FILE.read_text(encoding="utf-8"))["days"]
    existing = set(model.objects.values_list("date", flat=True))
    new = [model(date=dt.date.fromisoformat(day), kind=kind, name=name) for day, kind, name in rows
           if dt.date.fromisoformat(day) not in existing]
    model.objects.bulk_create(new)
    return len(new)


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    return dict(WorkCalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))


def is_working_day(day: dt.date, exceptions: dict[dt.date, str] | None = None) -> bool:
    """Whether ``day`` is a working day by the official schedule."""
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.WORKDAY:
        return True
    return day.weekday() < 5


def working_days_add(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count).

    E.g. 3 working days after Friday 2025-01-24 is Wednesday 2025-02-05: Sunday 26 January is a
    make-up workday (1), Monday 27 January the second, and the Spring Festival holiday runs from
    28 January to 4 February.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    # Holidays never run longer than ~10 days: a window of 4×days + 30 days always suffices.
    exceptions = _exceptions(start, start + dt.timedelta(days=4 * days + 30))
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return day


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, name: str) -> WorkCalendarDay:
    """Record a holiday on a weekday or a make-up workday on a weekend (bureau only)."""
    if getattr(actor, "role", None) != "bureau":
        raise PermissionDenied("只有司法局可以维护节假日安排")
    errors = []
    if kind not in CalendarDayKind.values:
        errors.append(FieldError("kind", "类型须为法定节假日或调休上班"))
    elif kind == CalendarDayKind.HOLIDAY and date.weekday() >= 5:
        errors.append(FieldError("date", "周末本就不是工作日,无需登记为节假日"))
    elif kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        errors.append(FieldError("date", "周一至周五本就是工作日,无需登记为调休上班"))
    if not (name or "").strip():
        errors.append(FieldError("name", "请填写名称"))
    if errors:
        raise ValidationFailed(errors)
    before = WorkCalendarDay.objects.filter(date=date).values("kind", "name").first()
    day, _ = WorkCalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name.strip()})
    audit_record(actor=actor, action="calendar_day.set", subject=("planning.workcalendarday", date.isoformat()),
                 before=before, after={"kind": kind, "name": day.name})
    return day
