"""The periodic job of draws (R24): an alert for a draw whose inspection window ended more than the grace
period ago and that the agency has not revealed (一公开: the result must be published), and for a draw
committed but never selected once its window has begun (a silent way to abandon, or re-roll, a draw).

Idempotent and safe to run twice at once: one alert per draw (deduplication key).
"""

import datetime as dt

from django.conf import settings
from django.db import transaction

from clearcheck.alerts.selectors import alert_dedup_keys_existing
from clearcheck.alerts.services import alert_raise
from clearcheck.core import clock

from .choices import DrawStatus
from .models import Draw

DEFAULT_REVEAL_GRACE_DAYS = 7


def reveal_grace_days() -> int:
    """Days after the window's end within which the agency reveals (``CLEARCHECK_DRAW_REVEAL_GRACE_DAYS``)."""
    return int(getattr(settings, "CLEARCHECK_DRAW_REVEAL_GRACE_DAYS", DEFAULT_REVEAL_GRACE_DAYS))


def unrevealed_dedup_key(draw_id: int) -> str:
    """One alert per draw."""
    return f"R24:unrevealed:{draw_id}"


def unselected_dedup_key(draw_id: int) -> str:
    """One alert per draw."""
    return f"R24:unselected:{draw_id}"


def draws_unselected_alert(*, today: dt.date | None = None) -> int:
    """Raise an alert for each draw still only committed when its inspection window has begun; returns how
    many were raised now (a rerun raises nothing: an alert already raised is neither counted nor repeated).
    """
    today = today or clock.local_today()
    stalled = list(Draw.objects.select_related("agency")
                   .filter(status=DrawStatus.COMMITTED, window_start__lt=today).order_by("pk"))
    done = alert_dedup_keys_existing(unselected_dedup_key(d.pk) for d in stalled)
    count = 0
    for draw in stalled:
        if unselected_dedup_key(draw.pk) in done:
            continue
        with transaction.atomic():
            alert_raise(rule_id="R24", subject=draw, agency=draw.agency, dedup_key=unselected_dedup_key(draw.pk),
                        facts={"draw": draw.pk, "title": draw.title, "window_start": draw.window_start,
                               "public_source": draw.public_source,
                               "problem": "committed but never selected (possible re-roll)"})
        count += 1
    return count


def draws_unrevealed_alert(*, today: dt.date | None = None) -> int:
    """Raise an alert for each selected draw still unrevealed ``reveal_grace_days()`` after its window; returns
    how many were raised now (a rerun raises nothing new).
    """
    today = today or clock.local_today()
    overdue = list(Draw.objects.select_related("agency").filter(
        status=DrawStatus.SELECTED, window_end__lt=today - dt.timedelta(days=reveal_grace_days())).order_by("pk"))
    done = alert_dedup_keys_existing(unrevealed_dedup_key(d.pk) for d in overdue)
    count = 0
    for draw in overdue:
        if unrevealed_dedup_key(draw.pk) in done:
            continue
        with transaction.atomic():
            alert_raise(rule_id="R24", subject=draw, agency=draw.agency, dedup_key=unrevealed_dedup_key(draw.pk),
                        facts={"draw": draw.pk, "title": draw.title, "window_end": draw.window_end,
                               "days_overdue": (today - draw.window_end).days, "problem": "result not revealed"})
        count += 1
    return count
