"""Shared fixtures of the on-site tests (check-in, records, evidence, outcomes, documents); no tests here.

Import the fixtures into a test module with
``from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403``
together with ``from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403``.

``onsite_county`` extends ``plan_county``: each officer has an account, the enterprise a registered
WGS-84 location and an enterprise code, and the enterprise an account. ``open_visit`` returns an open
inspection visit of an approved task with its on-site record. ``frozen_now`` stops the platform clock
(``frozen_now.advance(minutes=10)`` moves it); ``point_north(metres)`` is a WGS-84 point that far north of
the enterprise's registered location.
"""

import datetime as dt
import math

import pytest

from clearcheck.core import clock

__all__ = ["frozen_now", "onsite_county", "open_visit", "point_north"]

# 东阿县 town centre (WGS-84); the enterprise is registered here.
SITE = (36.335210, 116.248390)


def point_north(metres: float, origin=None) -> tuple[float, float]:
    """A WGS-84 point ``metres`` due north of ``origin`` (default: the enterprise's site); along a meridian
    the haversine distance is exactly the arc, so 299 m is 299 m (to the 6th decimal, ~0.1 m)."""
    from clearcheck.inspections.rules import EARTH_RADIUS_M

    lat, lng = origin or SITE
    return round(lat + math.degrees(metres / EARTH_RADIUS_M), 6), lng


class FrozenClock:
    """The platform clock held at one moment; ``advance`` moves it."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta) -> dt.datetime:
        self.moment += dt.timedelta(**delta)
        return self.moment


@pytest.fixture
def frozen_now(monkeypatch):
    """Stop ``clock.now`` at 10:00 Asia/Shanghai today (so a test never straddles midnight)."""
    moment = dt.datetime.combine(clock.local_today(), dt.time(10), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    frozen = FrozenClock(moment)
    monkeypatch.setattr(clock, "now", frozen)
    return frozen


@pytest.fixture
def onsite_county(plan_county, make_user_plain, officials):
    """``plan_county`` plus: officer accounts (``officer_users``), the enterprise's location and code
    (``code``), an enterprise account (``enterprise_user``), and a task approved for today (``task``)."""
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit
    from clearcheck.registry.codes import enterprise_code_issue
    from clearcheck.registry.models import Enterprise

    county = plan_county
    enterprise = county["enterprise"]
    Enterprise.objects.filter(pk=enterprise.pk).update(latitude=SITE[0], longitude=SITE[1], coordinate_datum="wgs84")
    enterprise.refresh_from_db()
    county["officer_users"] = [make_user_plain("officer", agency=county["agency"], officer=o)
                               for o in county["officers"]]
    county["enterprise_user"] = make_user_plain("enterprise", enterprise=enterprise)
    county["code"] = enterprise_code_issue(actor=officials("bureau"), enterprise_id=enterprise.pk)
    today = clock.local_today()
    task = task_create(
        actor=county["admin"], agency=county["agency"], enterprise=enterprise, inspection_type="case",
        source="complaint", items=[county["items"]["food"]], officers=county["officers"], window_start=today,
        window_end=today + dt.timedelta(days=10), checklist=county["checklist"], notice="请备好食品生产许可证",
    )
    task_submit(actor=county["admin"], task_id=task.pk)
    county["task"] = task_approve(actor=county["head"], task_id=task.pk)
    county["site"] = SITE
    return county


@pytest.fixture
def open_visit(onsite_county):
    """Open an inspection visit of ``onsite_county["task"]`` (both officers confirmed); returns the Visit.

    Built through the check-in services: the first officer scans, the second confirms.
    """
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
    from clearcheck.registry.codes import enterprise_code_token

    def build(task=None, *, key: str = "fixture-visit"):
        county = onsite_county
        task = task or county["task"]
        first, second = county["officer_users"][:2]
        visit = visit_start_by_code(actor=first, token=enterprise_code_token(county["code"]),
                                    task_ids=[task.pk], idempotency_key=key)
        return visit_confirm(actor=second, visit_id=visit.pk)

    return build
