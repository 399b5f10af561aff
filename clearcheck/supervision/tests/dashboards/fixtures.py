"""Shared fixtures of the dashboard tests; no tests here.

Import with::

    from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
    from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
    from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
    from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403

``inspect(enterprise=None, *, close=True)`` runs a whole inspection through the real services: a
complaint task (exempt from the cap) is created, submitted and approved, the officers scan and confirm,
every entry is recorded compliant and, unless ``close=False``, the record is signed and the visit closed.
``second_enterprise`` is ``other_enterprise`` with a location and an enterprise code.
"""

import datetime as dt
import itertools

import pytest

from clearcheck.core import clock

__all__ = ["dash_county", "data_migration_run", "finish", "inspect", "scratch_cells"]

_keys = itertools.count(1)


@pytest.fixture
def dash_county(outcomes_county, officials):
    """``outcomes_county`` plus a code and location for ``other_enterprise`` and an enterprise account of it."""
    from clearcheck.registry.codes import enterprise_code_issue
    from clearcheck.registry.models import Enterprise

    county = outcomes_county
    other = county["other_enterprise"]
    Enterprise.objects.filter(pk=other.pk).update(latitude=county["site"][0], longitude=county["site"][1],
                                                  coordinate_datum="wgs84")
    county["other_code"] = enterprise_code_issue(actor=officials("bureau"), enterprise_id=other.pk)
    return county


@pytest.fixture
def finish(dash_county, visit_finish):
    """Record every entry compliant, sign and close an open visit; returns the Visit."""
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.records_fill import record_entry_set

    def run(visit):
        visit = Visit.objects.get(pk=visit.pk)
        for entry in visit.record.entries.all():
            record_entry_set(actor=dash_county["officer_users"][0], visit_id=visit.pk, entry_id=entry.pk,
                             result="compliant", note="现场查看")
        return visit_finish(visit)

    return run


@pytest.fixture
def inspect(dash_county, finish):
    """Run one inspection at ``enterprise`` (default the county's); returns the Visit."""
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit
    from clearcheck.registry.codes import enterprise_code_token

    county = dash_county

    def run(enterprise=None, *, close=True):
        enterprise = enterprise or county["enterprise"]
        code = county["code"] if enterprise.pk == county["enterprise"].pk else county["other_code"]
        today = clock.local_today()
        task = task_create(
            actor=county["admin"], agency=county["agency"], enterprise=enterprise, inspection_type="case",
            source="complaint", items=[county["items"]["food"]], officers=county["officers"], window_start=today,
            window_end=today + dt.timedelta(days=10), checklist=county["checklist"], notice="请备好许可证",
        )
        task_submit(actor=county["admin"], task_id=task.pk)
        task_approve(actor=county["head"], task_id=task.pk)
        first, second = county["officer_users"][:2]
        visit = visit_start_by_code(actor=first, token=enterprise_code_token(code), task_ids=[task.pk],
                                    idempotency_key=f"dash-{next(_keys)}")
        visit = visit_confirm(actor=second, visit_id=visit.pk)
        if close:
            visit = finish(visit)
        return Visit.objects.get(pk=visit.pk)

    return run


def _matches(fact, filters) -> bool:
    return (filters.first_month <= fact.month <= filters.last_month
            and (not filters.agency_id or fact.agency_id == filters.agency_id)
            and (not filters.region or fact.region == filters.region)
            and (not filters.industry or fact.industry == filters.industry)
            and (not filters.tier or fact.tier == filters.tier))


def scratch_cells(filters) -> tuple[dict, dict]:
    """The monthly counts from scratch over every visit, as ``MonthCells.as_dicts()`` gives them:
    (month, agency, source) → [visits, seconds] and (joint, drawn, entry method) → [visits, seconds].
    """
    from collections import defaultdict

    from clearcheck.supervision.dashboards.dimensions import all_visit_facts

    series: dict = defaultdict(lambda: [0, 0])
    kinds: dict = defaultdict(lambda: [0, 0])
    for f in all_visit_facts():
        if _matches(f, filters):
            for cell in (series[(f.month, f.agency_id, f.source)], kinds[(f.joint, f.drawn, f.entry_method)]):
                cell[0] += 1
                cell[1] += f.seconds
    return dict(series), dict(kinds)


def data_migration_run(function) -> None:
    """Run a data migration's ``RunPython`` function as ``migrate`` would, on the test database: with
    the app registry and a schema editor's connection."""
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    function(apps, SimpleNamespace(connection=connection))
