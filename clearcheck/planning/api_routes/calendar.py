"""``/api/work-calendar``: the working-day calendar (issue 20): the years loaded and their listed days (any
government account), loading a whole year and correcting one day (the judicial bureau). A year's body is
checked by the same function as the bureau's form and ``clearcheck calendar load``.
"""

import datetime as dt
import json
from typing import Annotated

from ninja import Router, Schema
from pydantic import Field

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES
from clearcheck.core.errors import NotFound, PermissionDenied

from ..calendar import calendar_years_loaded
from ..calendar_files import MAX_YEAR, MIN_YEAR, schedule_file_parse
from ..selectors.calendar import calendar_days_of_year, calendar_years_overview, provisional_deadlines_by_year
from ..services.calendar import calendar_day_set, calendar_year_load

router = Router(tags=["planning"])
READERS = AGENCY_ROLES | COUNTY_ROLES
CalendarYear = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
CalendarDate = Annotated[dt.date, Field(ge=dt.date(MIN_YEAR, 1, 1), le=dt.date(MAX_YEAR, 12, 31))]


class CalendarYearOut(Schema):
    """A loaded year: its source, who loaded it and when, and how many days it lists."""

    year: int
    source: str
    loaded_at: dt.datetime
    loaded_by: str
    holidays: int
    workdays: int


class CalendarOverviewOut(Schema):
    """The loaded years, newest first, and the years that provisional deadlines wait for."""

    years: list[CalendarYearOut]
    provisional_deadlines: dict[str, int] = Field(
        description="年度 → 延伸至该年(尚未载入)的暂定期限个数")


class CalendarDayOut(Schema):
    """A listed day: a holiday (放假) or a make-up workday (调休上班)."""

    date: dt.date
    kind: str = Field(description="holiday(放假)或 workday(调休上班)")
    name: str


class CalendarDaysOut(Schema):
    """A loaded year's listed days, by date; a date not listed follows Monday–Friday."""

    year: int
    days: list[CalendarDayOut]


class CalendarDayIn(Schema):
    """One listed day of a year's file."""

    date: str = Field(description="YYYY-MM-DD")
    kind: str = Field(description="holiday / workday(亦可写 放假 / 调休上班)")
    name: str


class CalendarYearIn(Schema):
    """A whole year: every holiday and every make-up workday of the State Council's notice."""

    source: str = Field("", max_length=200, description="依据,如国务院办公厅通知文号")
    days: list[CalendarDayIn] = Field(max_length=366)


class CalendarDayFixIn(Schema):
    """A correction of one day of a loaded year; ``normal`` removes the listed day (Monday–Friday again)."""

    kind: str = Field(description="holiday / workday / normal")
    name: str = ""


class CalendarLoadOut(Schema):
    """What loading changed."""

    year: int
    holidays: int
    workdays: int
    deadlines_recomputed: int


def _reader(request) -> None:
    if getattr(request.user, "role", None) not in READERS:
        raise PermissionDenied("只有政府工作人员可以查看工作日历")


@router.get("/work-calendar", response=CalendarOverviewOut, summary="Loaded working-day calendar years")
def calendar_overview(request):
    """The years whose official schedule is loaded, and the years provisional deadlines wait for."""
    _reader(request)
    return {"years": calendar_years_overview(),
            "provisional_deadlines": {str(y): n for y, n in provisional_deadlines_by_year().items()}}


@router.get("/work-calendar/years/{year}", response=CalendarDaysOut, summary="A loaded year's holidays and workdays")
def calendar_year_days(request, year: CalendarYear):
    """The holidays and make-up workdays of a loaded year; 404 for a year not loaded."""
    _reader(request)
    if year not in calendar_years_loaded():
        raise NotFound("该年工作日历尚未载入")
    return {"year": year, "days": calendar_days_of_year(year)}


@router.put("/work-calendar/years/{year}", response=CalendarLoadOut, summary="Load a whole year (bureau)")
def calendar_year_put(request, year: CalendarYear, payload: CalendarYearIn):
    """Judicial bureau: load (or load again) the year; stored deadlines covering it are recomputed."""
    body = json.dumps({"year": year, "source": payload.source, "days": [d.dict() for d in payload.days]},
                      ensure_ascii=False)
    return calendar_year_load(actor=request.user, schedule=schedule_file_parse(body, year=year))


@router.put("/work-calendar/days/{date}", response=CalendarDaysOut, summary="Correct one day (bureau)")
def calendar_day_put(request, date: CalendarDate, payload: CalendarDayFixIn):
    """Judicial bureau: correct a day of a loaded year; answers the year's listed days after the change."""
    calendar_day_set(actor=request.user, date=date, kind=payload.kind, name=payload.name)
    return {"year": date.year, "days": calendar_days_of_year(date.year)}
