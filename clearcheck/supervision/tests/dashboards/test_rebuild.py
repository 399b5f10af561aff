"""The set-based rebuild (ADR 0014) gives exactly the rollups the incremental fold gives, on both databases."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.supervision.dashboards.fold import rollups_fold, watermark
from clearcheck.supervision.dashboards.rebuild import ROLLUPS, rollups_rebuild
from clearcheck.supervision.models.rollups import RollupFoldedVisit
from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403
from clearcheck.supervision.tests.dashboards.fixtures import data_migration_run
from clearcheck.supervision.tests.dashboards.test_rollups import assert_panels_equal_scratch

pytestmark = pytest.mark.django_db
NO_LAG = dt.timedelta(0)
UTC = dt.UTC


def rollup_rows() -> dict[str, list[tuple]]:
    """Every rollup table's rows without their ids, sorted."""
    tables = {}
    for model in ROLLUPS:
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key or model is RollupFoldedVisit]
        tables[model.__name__] = sorted(model.objects.values_list(*names))
    return tables


@pytest.fixture
def varied_visits(inspect, dash_county):
    """Closed visits across a month and a year boundary (local time), with sub-second durations, a drawn
    visit, one still open, one expired; returns the open one."""
    from clearcheck.inspections.models import Visit

    moments = [
        # opened, closed: 3599.2 s (truncated to 3599), and the local month / year boundaries
        (dt.datetime(2026, 3, 10, 2, 0, 0, 900000, tzinfo=UTC), dt.datetime(2026, 3, 10, 3, 0, 0, 100000, tzinfo=UTC)),
        (dt.datetime(2026, 1, 31, 15, 59, 59, 999999, tzinfo=UTC), dt.datetime(2026, 1, 31, 17, 0, tzinfo=UTC)),
        (dt.datetime(2025, 12, 31, 16, 0, tzinfo=UTC), dt.datetime(2025, 12, 31, 16, 30, 0, 500000, tzinfo=UTC)),
    ]
    visits = []
    for n, (opened, closed) in enumerate(moments):
        visit = inspect(dash_county["other_enterprise"] if n % 2 else None)
        Visit.objects.filter(pk=visit.pk).update(opened_at=opened, closed_at=closed)
        visits.append(visit)
    drawn = inspect(dash_county["other_enterprise"])
    Visit.objects.filter(pk=drawn.pk).update(source="draw", drawn=True)  # as a draw's task gives it
    expired = inspect(close=False)
    Visit.objects.filter(pk=expired.pk).update(status="expired", closed_at=None)
    return inspect(close=False)


def test_rebuild_equals_the_incremental_fold(varied_visits):
    """Fold, then rebuild from scratch: every rollup row, the floor and the markers are the same."""
    assert rollups_fold(lag=NO_LAG) == 5  # four closed inspections and the expired visit
    folded, floor = rollup_rows(), watermark().floor_id
    generation = watermark().generation
    assert rollups_rebuild(lag=NO_LAG) == 4
    assert rollup_rows() == folded
    assert watermark().floor_id == floor and watermark().generation > generation  # panels reading across retry
    assert rollups_fold(lag=NO_LAG) == 0  # nothing left: the rebuild marked what the fold would have
    assert_panels_equal_scratch(year=2026)
    assert_panels_equal_scratch(year=2025)


def test_rebuild_then_fold_counts_a_visit_closed_later(varied_visits, finish):
    """A visit open at the rebuild stays in the live tail, and the next fold adds it once."""
    rollups_rebuild(lag=NO_LAG)
    assert watermark().floor_id <= varied_visits.pk
    assert_panels_equal_scratch()
    finish(varied_visits)
    assert rollups_fold(lag=NO_LAG) == 1
    assert_panels_equal_scratch()
    rollups_rebuild(lag=NO_LAG)
    assert watermark().floor_id == varied_visits.pk + 1
    assert not RollupFoldedVisit.objects.exists()
    assert_panels_equal_scratch()


def test_rebuild_within_the_lag_marks_instead_of_passing(inspect):
    """A visit started within the lag is counted but marked; the floor stops at it, as the fold's does."""
    visit = inspect()
    assert rollups_rebuild() == 1
    assert watermark().floor_id == visit.pk
    assert RollupFoldedVisit.objects.filter(visit_id=visit.pk).exists()
    assert rollups_fold() == 0


def test_rebuild_of_an_empty_table(db):
    assert rollups_rebuild() == 0
    assert watermark().floor_id == 1 and not any(rollup_rows().values())


def test_command_rebuilds_then_folds(varied_visits):
    out = io.StringIO()
    call_command("rollups_fold", "--rebuild", "--lag-seconds", "0", stdout=out)
    assert out.getvalue().splitlines()[:2] == ["rebuilt from visits: 4", "folded: 0"]


def test_migration_backfill_gives_what_check_in_keeps(inspect, dash_county, monkeypatch):
    """inspections 0007 fills ``Visit.source`` / ``drawn`` of existing visits as check-in now keeps them,
    batch by batch."""
    import importlib

    from clearcheck.inspections.models import Visit
    from clearcheck.planning.models import InspectionTask

    migration = importlib.import_module("clearcheck.inspections.migrations.0007_visit_source_drawn_backfill")
    drawn = inspect(dash_county["other_enterprise"])
    InspectionTask.objects.filter(visit_tasks__visit=drawn).update(source="draw")
    inspect(close=False)
    Visit.objects.update(source="", drawn=False)  # as before the migration
    monkeypatch.setattr(migration, "BATCH", 1)  # one visit per batch: the ranges must not miss one

    data_migration_run(migration.backfill)
    assert sorted(Visit.objects.values_list("source", "drawn")) == [("complaint", False), ("draw", True)]


def test_live_tail_counts_local_month_boundaries_like_the_rollup(varied_visits):
    """Nothing folded: the tail's period filter (UTC bounds of the local months) puts a visit opened at
    23:59:59.999999 local on the last day of a month in that month, one at 00:00 local in the next, for
    whole years and for month ranges."""
    from dataclasses import replace

    from clearcheck.supervision.dashboards.filters import Filters
    from clearcheck.supervision.dashboards.reading import consistent
    from clearcheck.supervision.dashboards.selectors import month_cells
    from clearcheck.supervision.tests.dashboards.fixtures import scratch_cells

    assert_panels_equal_scratch(year=2026)
    assert_panels_equal_scratch(year=2025)
    for year, first, last in ((2026, 1, 1), (2026, 2, 3), (2025, 12, 12), (2026, 1, 12)):
        filters = replace(Filters(year=year), month_from=first, month_to=last)
        assert consistent(lambda s, f=filters: month_cells(s, f).as_dicts()) == scratch_cells(filters)
    january = consistent(lambda s: month_cells(s, replace(Filters(year=2026), month_to=1)))
    # 2026-01-31 23:59:59.999999 local and 2026-01-01 00:00 local (2025-12-31 16:00 UTC)
    assert sum(n for n, _s in january.series.values()) == 2
    december = consistent(lambda s: month_cells(s, replace(Filters(year=2025), month_from=12)))
    assert sum(n for n, _s in december.series.values()) == 0  # 2026-01-01 00:00 local is next year


def test_migration_derives_the_histograms_coarse_rows(varied_visits):
    """supervision 0006 gives existing rollups the coarse histogram rows the fold now keeps."""
    import importlib

    from clearcheck.supervision.models.rollups import VisitsPerEnterpriseHistogram

    migration = importlib.import_module("clearcheck.supervision.migrations.0006_histogram_coarse_rows")
    rollups_fold(lag=NO_LAG)
    folded = rollup_rows()
    coarse = VisitsPerEnterpriseHistogram.objects.filter(region="*")
    assert coarse.exists()
    coarse.delete()  # as before the migration

    data_migration_run(migration.coarse_rows)
    data_migration_run(migration.coarse_rows)  # idempotent
    assert rollup_rows() == folded
