"""Benchmark: cap checks for 10,000 proposed tasks (R21) and the coordination groups of one month (R09).

    python -m bench.planning_caps --database postgres                  # generate 1M / 2M, then measure
    python -m bench.planning_caps --database postgres --reuse          # measure the data already there
    python -m bench.planning_caps --database sqlite --enterprises 1000000 --tasks 2000000

Data: ``bench.planning_data`` (1,000,000 enterprises, 2,000,000 tasks of one year over 30 agencies, tiers
and CapUsage rows) in ``clearcheck_bench_plan`` / ``var/bench/plan.sqlite3``; ``--reuse`` skips the
generation when that database already holds a finished generation.

Measured in the same run, on the same rows:
  (a) ``cap_check_batch(agency_id=…, year=…, enterprise_ids=[10,000 ids])`` — the
      platform's batch cap check (``clearcheck.planning.rules`` or ``.services.caps``; goal: one set-based query per batch, under 1 s on PostgreSQL) — next to
      a baseline: a bare ``SELECT count(*) FROM planning_capusage WHERE agency_id = … AND year = … AND
      enterprise_id IN (…10,000 ids…)``. The ids: 10,000 distinct enterprises drawn (seeded) from all of
      them, so some have cap usage with that agency and most do not, as a draw's proposals would.
      If ``cap_check_batch`` is not there yet, (a) reports only the baseline and says so.
  (b) ``clearcheck.planning.selectors.coordination.coordination_groups(start, end)`` for one month (goal:
      under 10 s) next to a baseline: a bare ``SELECT id, agency_id, enterprise_id, window_start,
      window_end FROM planning_inspectiontask`` of the tasks whose window meets that month.
Each timed step runs once after one untimed warm-up run of the same call (both see a warm cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys

from bench.common import Report, django_setup, stopwatch, target_resolve


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def cap_baseline(agency_id: int, year: int, ids: list[int]) -> int:
    from django.db import connection

    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM planning_capusage WHERE agency_id = %s AND year = %s "
                    f"AND enterprise_id IN ({marks})", [agency_id, year, *ids])
        return cur.fetchone()[0]


def month_baseline(start: dt.date, end: dt.date) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT id, agency_id, enterprise_id, window_start, window_end FROM planning_inspectiontask "
                    "WHERE window_start <= %s AND window_end >= %s", [end, start])
        return len(cur.fetchall())


def _cap_check_batch():
    """The platform's batch cap check, wherever the planning app keeps it (rules, then services.caps)."""
    import importlib

    for module in ("clearcheck.planning.rules", "clearcheck.planning.services.caps"):
        try:
            return importlib.import_module(module).cap_check_batch
        except (ImportError, AttributeError):
            continue
    return None


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="sqlite", help="sqlite | postgres | a bench-only URL")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=2_000_000)
    parser.add_argument("--n", type=int, default=None, help="(bench.run_all) tasks; enterprises = n / 2")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--month", type=int, default=6)
    parser.add_argument("--batch", type=int, default=10_000, help="proposed tasks per cap-check batch")
    parser.add_argument("--reuse", action="store_true", help="keep the generated data if it is complete")
    args = parser.parse_args(argv)
    if args.n:
        args.tasks, args.enterprises = args.n, max(1, args.n // 2)

    from bench import planning_data

    target = target_resolve(args.database, "plan")
    report = Report("planning_caps", target.label, args.tasks)
    figs = report.figures
    reused = False
    if args.reuse:
        django_setup(target)
        meta = planning_data.meta_read()
        reused = bool(meta and meta["enterprises"] == args.enterprises and meta["tasks"] == args.tasks
                      and meta["year"] == args.year)
        if reused:
            print(f"reusing the generated data: {meta}")
            report.facts.update(meta)
    if not reused:
        from bench.common import database_recreate

        if args.reuse:
            sys.exit("--reuse: no finished generation of that size here; run without --reuse")
        database_recreate(target)
        django_setup(target)
        report.facts.update(planning_data.generate(target, enterprises=args.enterprises, tasks=args.tasks,
                                                   year=args.year, figures=figs))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clearcheck.planning.selectors.coordination import coordination_groups

    # (a) cap checks ----------------------------------------------------------------------------------
    rng = random.Random(7)
    agency_id = 1
    ids = rng.sample(range(1, args.enterprises + 1), min(args.batch, args.enterprises))
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM planning_capusage WHERE agency_id = %s AND year = %s", [agency_id, args.year])
        report.facts["cap usage rows of agency 1"] = cur.fetchone()[0]
    cap_baseline(agency_id, args.year, ids)
    with stopwatch(figs, f"(a) baseline: SELECT count(*) FROM planning_capusage … IN ({len(ids):,} ids)",
                   len(ids)) as step:
        step["note"] = f"{cap_baseline(agency_id, args.year, ids):,} rows"
    cap_check_batch = _cap_check_batch()
    if cap_check_batch is None:
        report.facts["cap_check_batch"] = "not in the platform yet: (a) measured the baseline only"
        print("  cap_check_batch is not there yet: skipping the platform side of (a)")
    else:
        report.facts["cap_check_batch"] = f"{cap_check_batch.__module__}.cap_check_batch"
    if cap_check_batch is not None:
        cap_check_batch(agency_id=agency_id, year=args.year, enterprise_ids=ids)
        with CaptureQueriesContext(connection) as queries, \
                stopwatch(figs, f"(a) cap_check_batch(agency, year, {len(ids):,} enterprise ids)", len(ids)) as step:
            verdicts = cap_check_batch(agency_id=agency_id, year=args.year, enterprise_ids=ids)
            allowed = sum(1 for v in verdicts.values() if v.allowed)
            step["note"] = f"{len(verdicts):,} verdicts, {allowed:,} allowed"
        report.facts["cap_check_batch queries per batch"] = len(queries.captured_queries)
        print(f"  cap_check_batch ran {len(queries.captured_queries)} queries")
        runs = []
        for _ in range(5):
            sample = rng.sample(range(1, args.enterprises + 1), len(ids))
            with stopwatch(runs, "again"):
                cap_check_batch(agency_id=1 + len(runs) % 30, year=args.year, enterprise_ids=sample)
        report.facts["cap_check_batch, 5 more batches (other ids/agencies): median s"] = round(
            statistics.median(r.seconds for r in runs), 3)

    # (b) coordination for one month ------------------------------------------------------------------
    start, end = _month(args.year, args.month)
    month_baseline(start, end)
    with stopwatch(figs, f"(b) baseline: bare SELECT of the tasks meeting {start:%Y-%m}", None) as step:
        rows = month_baseline(start, end)
        step["rows"] = rows
        step["note"] = f"{rows:,} tasks"
    coordination_groups(start=start, end=end)
    with CaptureQueriesContext(connection) as queries, \
            stopwatch(figs, f"(b) coordination_groups({start}, {end})", rows) as step:
        groups = coordination_groups(start=start, end=end)
        tasks = sum(len(g.tasks) for g in groups)
        visits = sum(len(g.suggestion) for g in groups)
        multi = sum(1 for g in groups if g.multi_agency)
        step["note"] = (f"{len(groups):,} groups ({multi:,} multi-agency), {tasks:,} tasks → {visits:,} visits")
    report.facts["coordination_groups queries"] = len(queries.captured_queries)
    report.facts["coordination: groups / tasks in groups / suggested visits"] = f"{len(groups)} / {tasks} / {visits}"
    print(report.table())
    print(f"results: {report.save()}")
    return report


if __name__ == "__main__":
    main()
