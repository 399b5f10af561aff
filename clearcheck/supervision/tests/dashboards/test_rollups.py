"""Rollups (ADR 0014): a panel (rollup + live tail) equals a from-scratch count at every step."""

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.supervision.dashboards.dimensions import all_visit_facts
from clearcheck.supervision.dashboards.enterprises import histogram, top_totals
from clearcheck.supervision.dashboards.filters import Filters
from clearcheck.supervision.dashboards.fold import rollups_fold, watermark
from clearcheck.supervision.dashboards.reading import consistent
from clearcheck.supervision.dashboards.selectors import month_cells
from clearcheck.supervision.models.rollups import RollupFoldedVisit, VisitMonthRollup
from clearcheck.supervision.tests.dashboards.fixtures import *  # noqa: F403
from clearcheck.supervision.tests.dashboards.fixtures import scratch_cells

pytestmark = pytest.mark.django_db
NO_LAG = dt.timedelta(0)


def scratch_totals(year: int, agency_id=None) -> dict[int, list[int]]:
    totals: dict[int, list[int]] = {}
    for f in all_visit_facts():
        if f.year == year and (not agency_id or f.agency_id == agency_id):
            row = totals.setdefault(f.enterprise_id, [0, 0])
            row[0] += 1
            row[1] += f.seconds
    return totals


def assert_panels_equal_scratch(agency_id=None, year=None):
    """Monthly cells, the visits-per-enterprise histogram and the top list all equal a fresh count."""
    filters = Filters(year=year or clock.local_year())
    assert consistent(lambda s: month_cells(s, filters).as_dicts()) == scratch_cells(filters)
    totals = scratch_totals(filters.year, agency_id)
    assert consistent(lambda s: histogram(s, filters)) == dict(Counter(v for v, _s in totals.values()))
    expected = sorted(((e, v, s) for e, (v, s) in totals.items()), key=lambda r: (-r[1], r[0]))[:20]
    assert consistent(lambda s: top_totals(s, filters)) == expected
    for f in all_visit_facts()[:1]:  # every grain of the detail rollup answers its filters
        for narrowed in (replace(filters, region=f.region), replace(filters, industry=f.industry),
                         replace(filters, tier=f.tier), replace(filters, region=f.region, tier=f.tier),
                         replace(filters, tier="ZZ")):
            assert consistent(lambda s, n=narrowed: month_cells(s, n).as_dicts()) == scratch_cells(narrowed)


def test_panel_equals_scratch_before_and_after_folds(inspect, dash_county):
    """Before a fold, after it, after more visits, after a second fold; an open visit counts live."""
    county = dash_county
    inspect()
    inspect(county["other_enterprise"], close=False)
    assert_panels_equal_scratch()
    assert rollups_fold() == 1  # the closed one; the open one stays in the tail
    assert_panels_equal_scratch()
    assert_panels_equal_scratch(agency_id=county["agency"].pk)
    inspect(county["other_enterprise"])
    inspect()
    assert_panels_equal_scratch()
    assert rollups_fold() == 2
    assert rollups_fold() == 0  # idempotent: nothing new
    assert_panels_equal_scratch()
    assert_panels_equal_scratch(agency_id=county["agency"].pk)
    assert sum(VisitMonthRollup.objects.values_list("visits", flat=True)) == 3


def test_open_visit_holds_the_floor_and_marks_carry_the_rest(inspect, finish, dash_county):
    """A visit still open keeps the floor below it; later closed visits are marked, then the floor passes."""
    first = inspect(close=False)
    second = inspect(dash_county["other_enterprise"])
    assert rollups_fold(lag=NO_LAG) == 1
    mark = watermark()
    assert mark.floor_id <= first.pk  # (ids start past 1 on PostgreSQL: sequences are not reset per test)
    assert set(RollupFoldedVisit.objects.values_list("visit_id", flat=True)) == {second.pk}
    assert_panels_equal_scratch()
    finish(first)
    assert_panels_equal_scratch()
    assert rollups_fold(lag=NO_LAG) == 1
    assert watermark().floor_id == second.pk + 1
    assert not RollupFoldedVisit.objects.exists()
    assert rollups_fold(lag=NO_LAG) == 0
    assert_panels_equal_scratch()


def test_safety_lag_keeps_recent_visits_marked(inspect, monkeypatch):
    """Within the lag a folded visit is marked, not passed; after the lag the floor passes it."""
    visit = inspect()
    assert rollups_fold() == 1
    assert watermark().floor_id <= visit.pk
    assert RollupFoldedVisit.objects.filter(visit_id=visit.pk).exists()
    later = clock.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert rollups_fold() == 0
    assert watermark().floor_id == visit.pk + 1
    assert not RollupFoldedVisit.objects.exists()
    assert_panels_equal_scratch()


def test_hours_hosted_are_summed(inspect, finish, monkeypatch):
    """Hours = closed_at − opened_at of closed visits; an open visit counts with no hours yet."""
    visit = inspect(close=False)
    later = visit.opened_at + dt.timedelta(minutes=90)
    monkeypatch.setattr(clock, "now", lambda: later)
    finish(visit)
    rollups_fold(lag=NO_LAG)
    assert sum(VisitMonthRollup.objects.values_list("seconds", flat=True)) == 5400
    assert_panels_equal_scratch()


def test_local_month_boundary(inspect):
    """2026-01-31 23:30 Asia/Shanghai (15:30 UTC) counts in January; 16:00 UTC is 1 February; the year of
    a visit opened at 2025-12-31 16:00 UTC is 2026."""
    from clearcheck.inspections.models import Visit

    moments = [dt.datetime(2026, 1, 31, 15, 30, tzinfo=dt.UTC), dt.datetime(2026, 1, 31, 16, 0, tzinfo=dt.UTC),
               dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC), dt.datetime(2025, 12, 31, 15, 59, tzinfo=dt.UTC)]
    for moment in moments:
        visit = inspect()
        Visit.objects.filter(pk=visit.pk).update(opened_at=moment, closed_at=moment + dt.timedelta(hours=1))
    filters = Filters(year=2026, month_from=1, month_to=2)
    before = consistent(lambda s: month_cells(s, filters).as_dicts())
    rollups_fold(lag=NO_LAG)
    after = consistent(lambda s: month_cells(s, filters).as_dicts())
    assert before == after
    per_month = Counter()
    for key, (n, _s) in after[0].items():
        per_month[key[0]] += n
    assert per_month == {dt.date(2026, 1, 1): 2, dt.date(2026, 2, 1): 1}
    assert_panels_equal_scratch(year=2026)
    assert_panels_equal_scratch(year=2025)


@pytest.mark.django_db(transaction=True)
def test_two_folds_at_once_fold_each_visit_once(inspect, dash_county):
    """Safe to run twice at once: the watermark lock serializes them; the second finds nothing new."""
    import threading

    from django.db import connection

    for _ in range(3):
        inspect()
    inspect(dash_county["other_enterprise"])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    folded: list[int] = []

    def run():
        try:
            barrier.wait(timeout=30)
            folded.append(rollups_fold(lag=NO_LAG))
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(folded) == [0, 4]
    assert_panels_equal_scratch()
    assert sum(VisitMonthRollup.objects.values_list("visits", flat=True)) == 4


def test_fold_command_is_idempotent(inspect):
    """``clearcheck rollups_fold`` folds once; a second run folds nothing."""
    import io

    from django.core.management import call_command

    inspect()
    out = io.StringIO()
    call_command("rollups_fold", "--lag-seconds", "0", stdout=out)
    assert out.getvalue().splitlines()[0] == "folded: 1"
    out = io.StringIO()
    call_command("rollups_fold", stdout=out)
    assert out.getvalue().splitlines()[0] == "folded: 0"


def test_demo_part_folds_what_exists(inspect):
    """``dashboards_load`` folds the visits the demo built through the services (and invents none)."""
    from clearcheck.demo.dashboards import dashboards_load
    from clearcheck.inspections.models import Visit

    inspect()
    messages: list[str] = []
    counts = dashboards_load(progress=messages.append)
    assert counts["folded"] == 1 and counts["visits"] == Visit.objects.count() == 1
    assert len(messages) == 2


def test_large_batches_take_the_copy_path_on_postgresql(inspect, dash_county, monkeypatch):
    """On PostgreSQL big upserts go through COPY into a temporary table; the counts are the same."""
    from django.db import connection

    from clearcheck.supervision.dashboards import fold

    if connection.vendor == "postgresql":
        monkeypatch.setattr(fold, "UPSERT_ROWS", 0)
    inspect()
    inspect(dash_county["other_enterprise"])
    assert rollups_fold(lag=NO_LAG) == 2
    inspect()
    assert rollups_fold(lag=NO_LAG) == 1
    assert_panels_equal_scratch()


def test_visit_keeps_its_first_tasks_source_and_whether_one_was_drawn(dash_county, finish):
    """A visit of two tasks takes the source of its lowest-id task and counts as drawn when any of its tasks
    came from a draw: kept on the visit at check-in, the same in the tail, the fold and the rebuild."""
    from clearcheck.inspections.services.visits import visit_confirm, visit_start_by_code
    from clearcheck.planning.models import InspectionTask
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit
    from clearcheck.registry.codes import enterprise_code_token
    from clearcheck.supervision.dashboards.rebuild import rollups_rebuild

    county = dash_county
    today = clock.local_today()
    tasks = []
    for item in ("food", "food"):
        task = task_create(actor=county["admin"], agency=county["agency"], enterprise=county["enterprise"],
                           inspection_type="case", source="complaint", items=[county["items"][item]],
                           officers=county["officers"], window_start=today, window_end=today + dt.timedelta(days=10),
                           checklist=county["checklist"], notice="请备好许可证")
        task_submit(actor=county["admin"], task_id=task.pk)
        task_approve(actor=county["head"], task_id=task.pk)
        tasks.append(task)
    InspectionTask.objects.filter(pk=tasks[1].pk).update(source="draw")  # as a draw's task would be
    first, second = county["officer_users"][:2]
    visit = visit_start_by_code(actor=first, token=enterprise_code_token(county["code"]),
                                task_ids=[tasks[1].pk, tasks[0].pk], idempotency_key="two-tasks")
    visit = visit_confirm(actor=second, visit_id=visit.pk)
    assert (visit.source, visit.drawn) == ("complaint", True)
    assert [(f.source, f.drawn) for f in all_visit_facts()] == [("complaint", True)]
    assert_panels_equal_scratch()  # open: in the tail
    finish(visit)
    assert rollups_fold(lag=NO_LAG) == 1
    assert_panels_equal_scratch()
    rollups_rebuild(lag=NO_LAG)
    assert_panels_equal_scratch()
    cells = consistent(lambda s: month_cells(s, Filters(year=clock.local_year())).as_dicts())
    assert [key[1:] for key in cells[1]] == [(True, "code")]


def test_most_visited_reads_only_the_rollup_rows_near_the_top(inspect, finish, dash_county, monkeypatch):
    """The top list is exact whether the tail is joined enterprise by enterprise or only the rollup rows
    the tail could lift into the top are read (ties broken by id)."""
    from clearcheck.supervision.dashboards import enterprises

    county = dash_county
    joined = []
    join = enterprises._add_tail_joined
    monkeypatch.setattr(enterprises, "_add_tail_joined", lambda *a: joined.append(a) or join(*a))
    filters = Filters(year=clock.local_year())

    def expected(limit):
        totals = scratch_totals(filters.year)
        return sorted(((e, v, s) for e, (v, s) in totals.items()), key=lambda r: (-r[1], r[0]))[:limit]

    def top(limit):
        return consistent(lambda s: enterprises.top_totals(s, filters, limit=limit))

    for _ in range(3):
        inspect()
    inspect(county["other_enterprise"])
    rollups_fold(lag=NO_LAG)  # rollup: 3 and 1
    still_open = inspect(county["other_enterprise"], close=False)  # tail: 1 more at the second
    assert top(1) == expected(1) and not joined  # floor 3, reach 3 − 1 = 2: the second (1 + 1) cannot get there
    assert top(2) == expected(2) and len(joined) == 1  # fewer leaders than places: joined
    finish(still_open)
    rollups_fold(lag=NO_LAG)  # rollup: 3 and 2
    inspect(county["other_enterprise"], close=False)  # tail: 1 more at the second, which ties the first at 3
    joined.clear()
    assert top(1) == expected(1) and not joined
    monkeypatch.setattr(enterprises, "NEAR", 0)  # too many rows near the top: joined instead
    assert top(1) == expected(1) and len(joined) == 1
