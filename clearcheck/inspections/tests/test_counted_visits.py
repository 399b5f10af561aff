"""One definition of "a visit that counts as an inspection" (issue 18): the filter, the test on a row and
the hand-written SQL condition the dashboards use agree on every kind, status and opening.
"""

import itertools

import pytest
from django.db import connection

from clearcheck.core import clock
from clearcheck.inspections.choices import VisitKind, VisitStatus
from clearcheck.inspections.models import Visit
from clearcheck.inspections.selectors.visits import counted_visit_sql, counted_visits_q, visit_counts
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _sql_ids(closed_only: bool = False) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v.id FROM {Visit._meta.db_table} v WHERE {counted_visit_sql('v', closed_only=closed_only)}")
        return {row[0] for row in cursor.fetchall()}


def test_every_form_of_the_counted_visit_agrees(open_visit):
    visit = open_visit()
    opened = clock.now()
    for kind, status, opened_at in itertools.product(VisitKind.values, VisitStatus.values, (None, opened)):
        Visit.objects.filter(pk=visit.pk).update(kind=kind, status=status, opened_at=opened_at)
        expected = visit_counts(kind=kind, status=status, opened_at=opened_at)
        case = (kind, status, opened_at is not None)
        assert Visit.objects.filter(counted_visits_q(), pk=visit.pk).exists() == expected, case
        assert (visit.pk in _sql_ids()) == expected, case
        assert (visit.pk in _sql_ids(closed_only=True)) == (expected and status == VisitStatus.CLOSED), case
        expected_count = kind == VisitKind.INSPECTION and opened_at is not None and status in ("open", "closed")
        assert expected == expected_count, case  # the definition itself, spelt out once here
