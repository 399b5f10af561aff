"""The bureau keeps the working-day calendar: loads a year's official schedule and corrects a single day
(issue 20). Either change recomputes, in the same transaction, every stored working-day deadline whose count
covers the changed days (``calendar.StoredDeadline``), so a deadline always agrees with the calendar and a
provisional one becomes exact when its year is loaded.
"""

import datetime as dt

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.alerts.choices import AlertState
from clearcheck.alerts.selectors import alerts_about
from clearcheck.alerts.services import alert_resolve
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, PermissionDenied, ValidationFailed

from ..calendar import StoredDeadline, schedule_read, stored_deadlines
from ..calendar_files import YearSchedule, day_check, year_check
from ..models import WorkCalendarDay, WorkCalendarYear

NORMAL = "normal"  # a correction that removes a listed day: it follows Monday–Friday again
BATCH = 500
YEAR_SUBJECT = "planning.workcalendaryear"


def _bureau_check(actor) -> None:
    if getattr(actor, "role", None) != Role.BUREAU:
        raise PermissionDenied("只有司法局可以维护工作日历")


def _actor_label(actor) -> str:
    return getattr(actor, "username", "") or str(actor)


def _snapshot(first: dt.date, last: dt.date) -> list[dict]:
    rows = WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).order_by("date")
    return [{"date": d.date, "kind": d.kind, "name": d.name} for d in rows]


class _Recompute:
    """Stored deadlines whose count covers ``first``–``last``: their working-day counts are read with the
    calendar as it is *before* the change (every earlier change recomputed them, so the stored date is that
    count's end), and after the change each is counted again from its start.
    """

    def __init__(self, first: dt.date, last: dt.date):
        self.pending: list[tuple[StoredDeadline, list, dict[int, int]]] = []
        for kind in stored_deadlines():
            rows = list(kind.spanning(first, last).select_for_update())
            if not rows:
                continue
            schedule = schedule_read(min(kind.start_of(r) for r in rows),
                                     max(getattr(r, kind.date_field) for r in rows))
            counts = {r.pk: schedule.count(kind.start_of(r), getattr(r, kind.date_field)) for r in rows}
            self.pending.append((kind, rows, counts))

    def apply(self, *, actor, reason: str) -> int:
        changed_total = 0
        for kind, rows, counts in self.pending:
            first = min(kind.start_of(r) for r in rows)
            last = max(kind.start_of(r) + dt.timedelta(days=4 * counts[r.pk] + 30) for r in rows)
            schedule = schedule_read(first, last)
            changed = []
            for row in rows:
                new = schedule.add(kind.start_of(row), counts[row.pk])
                old = (getattr(row, kind.date_field), getattr(row, kind.flag_field))
                if old == tuple(new):
                    continue
                setattr(row, kind.date_field, new.date)
                setattr(row, kind.flag_field, new.provisional)
                changed.append(row)
                audit_record(actor=actor, action="deadline.recompute", subject=row,
                             before={kind.date_field: old[0], kind.flag_field: old[1]},
                             after={kind.date_field: new.date, kind.flag_field: new.provisional},
                             extra={"working_days": counts[row.pk], "reason": reason})
            kind.model.objects.bulk_update(changed, [kind.date_field, kind.flag_field], batch_size=BATCH)
            changed_total += len(changed)
        return changed_total


def _alerts_resolve(*, actor, year: int) -> None:
    # The alert that asked for this year (jobs.calendar) has been answered.
    for alert in alerts_about((YEAR_SUBJECT, year)).exclude(state=AlertState.RESOLVED):
        alert_resolve(actor=actor, alert_id=alert.pk, note=f"已载入 {year} 年工作日历")


@transaction.atomic
def calendar_year_load(*, actor, schedule: YearSchedule) -> dict:
    """Load (or load again) a whole year checked by ``calendar_files.schedule_file_parse``: its listed days
    replace the year's, the year becomes exact, and stored deadlines covering it are recomputed (bureau only).
    Returns what changed: ``{"year", "holidays", "workdays", "deadlines_recomputed"}``.
    """
    _bureau_check(actor)
    year = schedule.year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    existing = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    before = {"loaded": existing is not None, "days": _snapshot(first, last)}
    recompute = _Recompute(first, last)
    WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).delete()
    WorkCalendarDay.objects.bulk_create([WorkCalendarDay(date=d, kind=k, name=n) for d, k, n in schedule.days])
    WorkCalendarYear.objects.update_or_create(year=year, defaults={
        "source": schedule.source, "loaded_at": clock.now(), "loaded_by": _actor_label(actor)})
    counts = {"holidays": sum(k == "holiday" for _d, k, _n in schedule.days),
              "workdays": sum(k == "workday" for _d, k, _n in schedule.days)}
    audit_record(actor=actor, action="calendar_year.load", subject=(YEAR_SUBJECT, year), before=before,
                 after={"loaded": True, "source": schedule.source, "days": _snapshot(first, last), **counts})
    recomputed = recompute.apply(actor=actor, reason=f"calendar_year.load {year}")
    _alerts_resolve(actor=actor, year=year)
    return {"year": year, **counts, "deadlines_recomputed": recomputed}


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, name: str = "") -> WorkCalendarDay | None:
    """Correct one day of a loaded year: a holiday (放假), a make-up workday (调休上班), or ``"normal"`` to
    remove a listed day so it follows Monday–Friday again (bureau only). Stored deadlines covering the day are
    recomputed. Returns the listed day, or None when it was made normal.
    """
    _bureau_check(actor)
    if not isinstance(date, dt.date):
        raise ValidationFailed(FieldError("date", "请填写日期"))
    year_check(date.year, "date")
    if not WorkCalendarYear.objects.filter(year=date.year).exists():
        raise ValidationFailed(FieldError("date", f"{date.year} 年的工作日历尚未载入,请先载入该年全年安排"))
    name = (name or "").strip()
    if kind != NORMAL and (errors := day_check(date, kind, name)):
        raise ValidationFailed(errors)
    before = WorkCalendarDay.objects.filter(date=date).values("kind", "name").first()
    after = None if kind == NORMAL else {"kind": kind, "name": name}
    if before == after:
        return WorkCalendarDay.objects.filter(date=date).first()
    recompute = _Recompute(date, date)
    day = None
    if kind == NORMAL:
        WorkCalendarDay.objects.filter(date=date).delete()
    else:
        day, _ = WorkCalendarDay.objects.update_or_create(date=date, defaults={"kind": kind, "name": name})
    audit_record(actor=actor, action="calendar_day.set", subject=("planning.workcalendarday", date.isoformat()),
                 before=before, after=after)
    recompute.apply(actor=actor, reason=f"calendar_day.set {date.isoformat()}")
    return day
