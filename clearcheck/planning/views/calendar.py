"""The working-day calendar's pages under /work/planning/calendar/ (issue 20): the years loaded, each year's
holidays and make-up workdays, and the bureau's forms to load a year (paste or upload) and correct one day.

Views parse, call the file check and the services, and render; a refused form comes back (422) with what was
typed and every problem with its line.
"""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.core import clock
from clearcheck.core.errors import DomainError, FieldError, ValidationFailed
from clearcheck.core.web import role_required

from ..calendar import calendar_years_loaded
from ..calendar_files import MAX_YEAR, MIN_YEAR, schedule_file_parse
from ..choices import CalendarDayKind
from ..jobs.calendar import calendar_missing_years
from ..selectors.calendar import calendar_days_of_year, calendar_years_overview, provisional_deadlines_by_year
from ..services.calendar import NORMAL, calendar_day_set, calendar_year_load

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
DAY_KINDS = [*CalendarDayKind.choices, (NORMAL, "恢复为平常日(按周一至周五)")]


def _messages_of(exc: DomainError) -> list[str]:
    errors = getattr(exc, "errors", None)
    return [e.message for e in errors] if errors else [exc.detail]


def _page(request, *, load_form=None, day_form=None, load_errors=(), day_errors=(), status: int = 200):
    today = clock.local_today()
    loaded = calendar_years_loaded()
    return render(request, "planning/calendar/index.html", {
        "years": calendar_years_overview(), "missing": sorted(calendar_missing_years(today).items()),
        "provisional": sorted(provisional_deadlines_by_year().items()),
        "can_manage": request.user.role == Role.BUREAU,
        "year_choices": list(range(today.year - 1, today.year + 3)),
        "next_year": today.year + 1 if today.year + 1 not in loaded else max(loaded | {today.year}) + 1,
        "load_form": load_form or {}, "day_form": day_form or {}, "day_kinds": DAY_KINDS,
        "load_errors": list(load_errors), "day_errors": list(day_errors),
    }, status=status)


@role_required(*READERS)
def calendar_index(request):
    """The years loaded, what is missing, and (for the bureau) the forms to load a year and correct a day."""
    return _page(request)


@role_required(*READERS)
def calendar_year(request, year: int):
    """A loaded year's holidays and make-up workdays, by date."""
    if not MIN_YEAR <= year <= MAX_YEAR or year not in calendar_years_loaded():
        raise Http404("该年工作日历尚未载入")
    days = calendar_days_of_year(year)
    return render(request, "planning/calendar/year.html", {
        "year": year, "holidays": [d for d in days if d.kind == CalendarDayKind.HOLIDAY],
        "workdays": [d for d in days if d.kind == CalendarDayKind.WORKDAY],
        "can_manage": request.user.role == Role.BUREAU,
    })


@role_required(Role.BUREAU)
@require_POST
def calendar_load(request):
    """Load a whole year from a pasted text or an uploaded CSV/JSON file (the file wins when both are sent)."""
    upload = request.FILES.get("file")
    form = {"year": request.POST.get("year", ""), "text": request.POST.get("text", "")}
    try:
        if upload is not None:
            content, name = upload.read(), upload.name
        else:
            content, name = form["text"], ""
        schedule = schedule_file_parse(content, year=form["year"], filename=name)
        done = calendar_year_load(actor=request.user, schedule=schedule)
    except DomainError as exc:
        return _page(request, load_form=form, load_errors=_messages_of(exc), status=422)
    text = f"已载入 {done['year']} 年工作日历:放假 {done['holidays']} 天,调休上班 {done['workdays']} 天"
    if done["deadlines_recomputed"]:
        text += f";已按新日历重新计算 {done['deadlines_recomputed']} 个期限"
    messages.success(request, text)
    return redirect("planning:calendar_year", year=done["year"])


@role_required(Role.BUREAU)
@require_POST
def calendar_day(request):
    """Correct one day of a loaded year (holiday, make-up workday, or back to Monday–Friday)."""
    form = {name: request.POST.get(name, "") for name in ("date", "kind", "name")}
    try:
        try:
            date = dt.date.fromisoformat(form["date"])
        except ValueError:
            raise ValidationFailed(FieldError("date", "请填写正确的日期")) from None
        calendar_day_set(actor=request.user, date=date, kind=form["kind"], name=form["name"])
    except DomainError as exc:
        return _page(request, day_form=form, day_errors=_messages_of(exc), status=422)
    messages.success(request, f"已更正 {date:%Y-%m-%d}")
    return redirect("planning:calendar_year", year=date.year)
