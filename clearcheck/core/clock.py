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
