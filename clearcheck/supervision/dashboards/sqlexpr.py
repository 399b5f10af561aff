"""SQL for the visits' rollup dimensions (``dimensions.py`` defines them in Python), on SQLite and
PostgreSQL: used by the set-based rebuild and by the live tail. ``test_rebuild`` and ``test_rollups``
check that the SQL and the Python give the same counts.

A literal ``%`` is written ``%%``: statements built from these fragments are always executed with a
parameter list (possibly empty), which the drivers format.
"""

# ruff: noqa: S608 — SQL fragments from the models' table names and code constants only.
import datetime as dt

from django.db import connection

from clearcheck.core import clock
from clearcheck.inspections.models import Visit

VISIT = Visit._meta.db_table


def local_month_sql(column: str) -> str:
    """The first day of ``column``'s month in Asia/Shanghai, as a date (text 'YYYY-MM-01' on SQLite)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column} AT TIME ZONE '{clock.LOCAL_TZ.key}') AS date)"
    # SQLite stores UTC text; Asia/Shanghai has kept UTC+8 without daylight saving since 1991. The
    # fraction is cut off first: SQLite rounds it to milliseconds, and 23:59:59.9996 would become the next day.
    hours = int(dt.datetime.now(clock.LOCAL_TZ).utcoffset().total_seconds() // 3600)
    return f"strftime('%%Y-%%m-01', substr({column}, 1, 19), '{hours:+d} hours')"


def year_sql(month: str) -> str:
    """The year of a ``local_month_sql`` value, as an integer."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(YEAR FROM {month}) AS integer)"
    return f"CAST(strftime('%%Y', {month}) AS integer)"


def seconds_sql(opened: str, closed: str) -> str:
    """Whole seconds from ``opened`` to ``closed``, truncated as ``int(timedelta.total_seconds())`` is."""
    if connection.vendor == "postgresql":
        return f"GREATEST(CAST(FLOOR(EXTRACT(EPOCH FROM ({closed} - {opened}))) AS bigint), 0)"

    # Microseconds from the text SQLite stores ("YYYY-MM-DD HH:MM:SS[.ffffff]"), then integer division:
    # SQLite's own date functions round the fraction to milliseconds.
    def micros(column: str) -> str:
        return (f"(CAST(strftime('%%s', substr({column}, 1, 19)) AS integer) * 1000000"
                f" + CAST(substr({column} || '.000000', 21, 6) AS integer))")
    return f"MAX(({micros(closed)} - {micros(opened)}) / 1000000, 0)"


def month_value(value) -> dt.date:
    """A ``local_month_sql`` value as a date (SQLite returns the text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def local_months_range(first: dt.date, last: dt.date) -> tuple:
    """The ``opened_at`` bounds of the local months ``first`` … ``last`` (inclusive) as parameters:
    [midnight of ``first`` in Asia/Shanghai, midnight after ``last``'s month), in UTC as the column holds
    it. Comparing the column with these is what ``local_month_sql`` between the two months means, without
    converting every row's time zone.
    """
    after = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    bounds = [dt.datetime(d.year, d.month, 1, tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC) for d in (first, after)]
    return tuple(connection.ops.adapt_datetimefield_value(moment) for moment in bounds)
