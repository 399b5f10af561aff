"""How fresh the periodic jobs' work is, for ``/healthz`` and ``/metrics`` (issue 21, part 6).

Each app that owns a periodic job registers a *probe* (``freshness_probe_register``): a function that answers,
with one cheap query, the moment up to which the job's work is done (the last fold, the last finished alert run,
the oldest event the seal has not reached yet) or ``None`` when the job never ran. A job whose moment is older
than its threshold is *stale*; ``CLEARCHECK_STALE_<NAME>_SECONDS`` overrides a threshold (e.g.
``CLEARCHECK_STALE_ROLLUPS_FOLD_SECONDS``). Core knows no app: the apps fill the registry when they load.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from . import clock


@dataclass(frozen=True)
class Probe:
    """A periodic job's freshness: ``done_until()`` → datetime or None (never ran); stale after ``stale_seconds``."""

    name: str
    done_until: Callable[[], datetime | None]
    stale_seconds: int


_PROBES: dict[str, Probe] = {}


def freshness_probe_register(name: str, done_until: Callable[[], datetime | None], *, stale_seconds: int) -> None:
    """Register (or replace) the probe of the periodic job ``name``."""
    _PROBES[name] = Probe(name, done_until, stale_seconds)


def stale_seconds(probe: Probe) -> int:
    """The probe's threshold, from ``CLEARCHECK_STALE_<NAME>_SECONDS`` when set."""
    return int(getattr(settings, f"CLEARCHECK_STALE_{probe.name.upper()}_SECONDS", probe.stale_seconds))


def jobs_freshness() -> dict[str, dict]:
    """Every job's state: ``ok``, ``stale`` or ``never`` (never ran), with its age in seconds and threshold."""
    moment = clock.now()
    report = {}
    for name, probe in sorted(_PROBES.items()):
        limit = stale_seconds(probe)
        done = probe.done_until()
        if done is None:
            report[name] = {"state": "never", "age_seconds": None, "stale_after_seconds": limit}
            continue
        age = max(0, int((moment - done).total_seconds()))
        report[name] = {"state": "stale" if age > limit else "ok", "age_seconds": age, "stale_after_seconds": limit}
    return report
