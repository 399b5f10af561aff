"""Reads of the working-day calendar: the years loaded, a year's listed days, and the provisional deadlines
waiting for a year (issue 20). The calendar is the State Council's public schedule: nothing here is scoped.
"""

import datetime as dt

from django.db.models import Max, Min

from clearcheck.core import clock

from ..calendar import calendar_years_loaded, stored_deadlines, years_unloaded
from ..models import WorkCalendarDay, WorkCalendarYear


def calendar_years_overview() -> list[dict]:
    """Each loaded year, newest first: source, who loaded it and when, holidays and make-up workdays (two
    queries).
    """
    counts = _counts_by_year()
    return [{"year": y.year, "source": y.source, "loaded_at": y.loaded_at, "loaded_by": y.loaded_by,
             "holidays": counts.get(y.year, {}).get("holiday", 0),
             "workdays": counts.get(y.year, {}).get("workday", 0)}
            for y in WorkCalendarYear.objects.order_by("-year")]


def _counts_by_year() -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
        bucket = found.setdefault(day.year, {})
        bucket[kind] = bucket.get(kind, 0) + 1
    return found


def calendar_days_of_year(year: int) -> list[WorkCalendarDay]:
    """The listed days of ``year`` (holidays and make-up workdays), by date."""
    return list(WorkCalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
                .order_by("date"))


def provisional_deadlines_by_year() -> dict[int, int]:
    """Years not loaded that stored provisional deadlines reach → how many such deadlines."""
    loaded = calendar_years_loaded()
    found: dict[int, int] = {}
    for kind in stored_deadlines():
        flagged = kind.model.objects.filter(**{kind.flag_field: True})
        span = flagged.aggregate(first=Min(kind.start_field), last=Max(kind.date_field))
        if span["first"] is None:
            continue
        start = span["first"].astimezone(clock.LOCAL_TZ).date()
        for year in years_unloaded(start, span["last"], loaded):
            n = flagged.filter(**{f"{kind.date_field}__gte": dt.date(year, 1, 1),
                                  f"{kind.start_field}__lt": dt.datetime(year, 12, 31, tzinfo=clock.LOCAL_TZ)}
                               ).count()
            if n:
                found[year] = found.get(year, 0) + n
    return found
