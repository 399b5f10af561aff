"""Issue 20: the demo county shows the working-day calendar: 2025 and 2026 loaded, and from 1 November (the demo
runs on today's date) the R10 alert asking the bureau for next year's calendar.
"""


def test_issue20_demo_shows_the_calendar_and_asks_for_next_year(demo_database):
    from clearcheck.alerts.models import Alert
    from clearcheck.core import clock
    from clearcheck.planning.calendar import calendar_years_loaded
    from clearcheck.planning.jobs.calendar import NEXT_YEAR_FROM, calendar_alert_key

    today = clock.local_today()
    assert calendar_years_loaded() >= {2025, 2026}
    asked = Alert.objects.filter(dedup_key=calendar_alert_key(today.year + 1), rule_id="R10").exists()
    due = (today.month, today.day) >= NEXT_YEAR_FROM and today.year + 1 not in calendar_years_loaded()
    assert asked == due
