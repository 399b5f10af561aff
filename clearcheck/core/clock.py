"""The platform's clock. Time is stored in UTC; deadlines and years are reckoned in Asia/Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    """The current time (aware, UTC). Tests freeze it by patching this function."""
    return timezone.now()


def local_now() -> dt.datetime:
    """The current time in Asia/Shanghai."""
    return now().astimezone(LOCAL_TZ)


def local_today() -> dt.date:
    """Today's date in Asia/Shanghai (the date an official would write)."""
    return local_now().date()


def local_year() -> int:
    """The current year in Asia/Shanghai."""
    return local_now().year


def to_utc(value: dt.datetime) -> dt.datetime | None:
    """An aware datetime in UTC, as the databases store it; None when it has no zone or cannot be one
    (a year at the edge of the calendar). PostgreSQL refuses offsets beyond ±15:59, which Python accepts,
    so a time is converted before it is stored, never passed on with the caller's offset.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        return None
    try:
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
