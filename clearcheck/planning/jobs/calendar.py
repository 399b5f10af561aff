"""R10 (working days count correctly): ask the bureau to load a year's official calendar before deadlines need
it. The State Council publishes next year's schedule in the autumn, usually in November (issue 20).

One alert per missing year (dedup key ``R10:calendar:<year>``), raised for the bureau (no agency):
- from 1 November, when next year is not loaded;
- when this year is not loaded (a new year began without its calendar);
- whenever a stored deadline is provisional, for each year those deadlines reach that is not loaded.
Loading the year resolves its alert (``services.calendar.calendar_year_load``).
"""

import datetime as dt

from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

from ..calendar import calendar_years_loaded
from ..selectors.calendar import provisional_deadlines_by_year

NEXT_YEAR_FROM = (11, 1)  # month, day: the notice for next year is usually out by then


def calendar_alert_key(year: int) -> str:
    """The one alert asking for ``year``'s calendar."""
    return f"R10:calendar:{year}"


def calendar_missing_years(today: dt.date) -> dict[int, str]:
    """Year → why the bureau must load it now (the alert's problem text), for the years not loaded."""
    loaded = calendar_years_loaded()
    wanted: dict[int, str] = {}
    if today.year not in loaded:
        wanted[today.year] = f"本年度({today.year} 年)工作日历尚未载入,工作日期限暂按周一至周五计算"
    if (today.month, today.day) >= NEXT_YEAR_FROM and today.year + 1 not in loaded:
        wanted[today.year + 1] = (f"{today.year + 1} 年工作日历尚未载入;国务院办公厅公布该年节假日安排后,"
                                  "请及时载入")
    for year, n in sorted(provisional_deadlines_by_year().items()):
        text = f"有 {n} 个期限延伸至 {year} 年,暂按周一至周五计算,待载入该年工作日历后确定"
        wanted[year] = f"{wanted[year]};{text}" if year in wanted else text
    return wanted


def calendar_year_missing_alert(*, today: dt.date | None = None) -> int:
    """Raise R10 once per year the bureau should load now (see the module); returns how many were raised."""
    today = today or clock.local_today()
    wanted = calendar_missing_years(today)
    keys = {year: calendar_alert_key(year) for year in wanted}
    done = alert_dedup_keys_existing(keys.values())
    raised = 0
    for year, problem in sorted(wanted.items()):
        if keys[year] in done:
            continue
        alert_raise(rule_id="R10", subject=("planning.workcalendaryear", year), dedup_key=keys[year],
                    subject_label=f"{year} 年工作日历待载入",
                    facts={"year": year, "problem": problem, "today": today})
        raised += 1
    return raised
