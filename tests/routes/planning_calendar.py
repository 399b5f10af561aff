"""Routes of the working-day calendar (issue 20): every government account reads it; the bureau loads and
corrects it.
"""

from tests.access import BUREAU, INTERNAL, ok, post_only

EXPECTATIONS = {
    "planning:calendar_index": ok(INTERNAL),
    "planning:calendar_year": ok(INTERNAL),
    "planning:calendar_load": post_only(BUREAU),
    "planning:calendar_day": post_only(BUREAU),
    "GET /api/work-calendar": ok(INTERNAL),
    "GET /api/work-calendar/years/{year}": ok(INTERNAL),
}


def world_extend(world: dict) -> None:
    """The crawl reads a shipped year (2026) and corrects a day of it."""
    world["per_route"].update({
        "planning:calendar_year": {"year": 2026},
        "GET /api/work-calendar/years/{year}": {"year": 2026},
        "PUT /api/work-calendar/years/{year}": {"year": 2026},
        "PUT /api/work-calendar/days/{date}": {"date": "2026-06-01"},
    })
