"""Fixtures of the feedback tests (no tests here): a county with closed visits to evaluate.

Import with ``from clearcheck.feedback.tests.fixtures import *  # noqa: F403`` (it pulls in the on-site
and planning fixtures). Visits are closed through the real services: a patrol (non-inspection visit,
R26) opens on the scan and closes with a summary, which is all an evaluation needs; one test also
evaluates a full inspection.
"""

import datetime as dt
import itertools

import pytest

from clearcheck.core import clock
from clearcheck.feedback import services
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.onsite_fixtures import SITE
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

_n = itertools.count(1)


def local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment in Asia/Shanghai, as UTC."""
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


def portal_complaint(county):
    """A complaint the county's enterprise sends from its portal about the county's agency."""
    return services.complaint_receive(actor=county["enterprise_user"], subject="检查过于频繁",
                                      content="一个月内三次到厂检查", agency_id=county["agency"].pk)


@pytest.fixture
def frozen_at(monkeypatch):
    """``frozen_at(moment)`` stops the platform clock at ``moment``."""

    def freeze(moment: dt.datetime):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return freeze


@pytest.fixture
def feedback_county(onsite_county, make_user_plain):
    """``onsite_county`` plus a bureau account, a discipline account and a second enterprise's account."""
    county = onsite_county
    county["discipline"] = make_user_plain("discipline")
    county["other_enterprise_user"] = make_user_plain("enterprise", enterprise=county["other_enterprise"])
    return county


@pytest.fixture
def closed_visit(feedback_county):
    """``closed_visit(enterprise=None)``: a patrol of the county's agency at the enterprise, opened and
    closed now (by the platform clock) through the check-in and close services.
    """
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.visits import visit_start_non_inspection

    def build(enterprise=None):
        county = feedback_county
        first = county["officer_users"][0]
        enterprise = enterprise or county["enterprise"]
        if enterprise.latitude is None:
            type(enterprise).objects.filter(pk=enterprise.pk).update(latitude=SITE[0], longitude=SITE[1],
                                                                     coordinate_datum="wgs84")
        visit = visit_start_non_inspection(
            actor=first, kind="patrol", purpose="日常巡查", officer_ids=[county["officers"][1].pk],
            idempotency_key=f"patrol-{next(_n)}", enterprise_id=enterprise.pk, latitude=SITE[0], longitude=SITE[1])
        return visit_close(actor=first, visit_id=visit.pk, summary="巡查生产车间,未开展行政检查")

    return build
