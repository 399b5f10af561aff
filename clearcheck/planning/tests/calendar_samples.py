"""Year files for tests (issue 20). ``chinese-calendar`` 1.11.0 ends at 2026, so 2027 is a test schedule (not the
State Council's, which is not published yet); 2024 is built from ``chinese-calendar``.
"""

import datetime as dt

import chinese_calendar

CSV_2027 = """date,kind,name
2027-01-01,放假,元旦
2027-02-08,放假,春节
2027-02-09,放假,春节
2027-02-10,放假,春节
2027-02-11,放假,春节
2027-02-20,调休上班,春节调休上班
2027-04-05,放假,清明节
2027-05-03,放假,劳动节
2027-05-04,放假,劳动节
2027-05-05,放假,劳动节
2027-06-09,放假,端午节
2027-09-15,放假,中秋节
2027-10-01,放假,国庆节
2027-10-04,放假,国庆节
2027-10-05,放假,国庆节
2027-10-06,放假,国庆节
2027-10-07,放假,国庆节
2027-10-09,调休上班,国庆节调休上班
"""

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def year_from_chinese_calendar(year: int) -> str:
    """A CSV year file of ``year`` from ``chinese-calendar``: its named holidays and make-up workdays."""
    lines = ["date,kind,name"]
    day = dt.date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name:
            lines.append(f"{day.isoformat()},holiday,{HOLIDAY_NAMES.get(name, name)}")
        elif not on_holiday and day.weekday() >= 5:
            lines.append(f"{day.isoformat()},workday,{HOLIDAY_NAMES.get(name, name or '调休')}调休上班")
        day += dt.timedelta(days=1)
    return "\n".join(lines) + "\n"
