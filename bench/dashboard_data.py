"""Data generator of the dashboard benchmark (issue 6): N inspection visits over 1,000,000 enterprises.

    python -m bench.dashboard_data --database postgres --visits 10000000 --enterprises 1000000

Writes into its own database (PostgreSQL ``clearcheck_bench_dashboard`` / ``var/bench/dashboard.sqlite3``),
dropped, recreated and migrated here (every app, see ``bench.common``). The
registry, tasks, tiers and cap usage come from ``bench.planning_data.generate`` (30 agencies, the
enterprises, T tasks of the current year with their sources, tiers A–D, CapUsage). Then, bulk only
(psycopg ``COPY`` / ``executemany``, never the ORM per row), seeded:

  * 400 joint inspections (``planning_jointinspection``; fewer when there are fewer enterprises, one
    each) that 8 % of the visits belong to;
  * N visits (``inspections_visit``) in id order over time, from 1 January of last year to 10 minutes
    before now (ids grow with ``started_at``, as check-ins make them). Each visit takes a random task
    (its agency and enterprise; enterprises skewed as the tasks are): kind inspection; entry by
    enterprise code 85 %, geolocation 15 %; status closed 97 %, expired 2 %, cancelled 1 %; a closed
    visit was open 20 minutes to 4 hours (hours hosted); its source, drawn flag and tier as check-in keeps
    them (the task's source; the agency's current tier of the enterprise); one ``inspections_visittask``
    row per visit;
  * the last ``--open`` visits are still open (the live tail a panel reads next to the rollups).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import sys

from bench.common import Target, database_recreate, django_setup, stopwatch, target_resolve
from bench.planning_data import (
    Writer,
)

SEED = 20261128
JOINTS = 400
CHUNK = 200_000


def generate_visits(target: Target, *, visits: int, open_visits: int, now: dt.datetime, first_id: int = 1,
                    figures: list, label: str = "visits", seed: int = SEED) -> dict:
    """Write ``visits`` visits (ids from ``first_id``) and their visit-task rows; the last ``open_visits`` open."""
    from django.db import connection, transaction

    from clearcheck.inspections.models import Visit, VisitTask
    from clearcheck.planning.models import InspectionTask, JointInspection

    rng = random.Random(seed + first_id)
    engine = target.engine
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM planning_inspectiontask")
        tasks = cur.fetchone()[0]
    task_rows: dict[int, tuple[int, int, str]] = {}
    for task_id, agency_id, enterprise_id, source in (InspectionTask.objects.values_list(
            "id", "agency_id", "enterprise_id", "source").iterator(chunk_size=50_000)):
        task_rows[task_id] = (agency_id, enterprise_id, source)
    task_ids = list(task_rows)
    tier_of = _tiers(task_rows.values())
    joints = JointInspection.objects.count()
    if not joints:
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM registry_enterprise")
            joints = min(JOINTS, cur.fetchone()[0])  # joint inspection i is at enterprise i
        with transaction.atomic():
            Writer(engine, JointInspection, ["id", "enterprise_id", "lead_agency_id", "window_start", "window_end",
                                             "status", "created_by", "created_at"]).write(
                (i, i, 1 + i % 30, now.date(), now.date(), "planned", "bench", now) for i in range(1, joints + 1))
    start = dt.datetime(now.year - 1, 1, 1, tzinfo=dt.UTC) if first_id == 1 else now - dt.timedelta(minutes=30)
    end = now - dt.timedelta(minutes=10)
    step = (end - start) / max(visits, 1)
    links: list = []
    open_tasks: set[int] = set()

    def rows():
        for k in range(visits):
            visit_id = first_id + k
            task_id = task_ids[rng.randrange(len(task_ids))]
            is_open = k >= visits - open_visits
            while is_open and task_id in open_tasks:  # one pending/open visit per task (visit_task_one_active)
                task_id = task_ids[rng.randrange(len(task_ids))]
            if is_open:
                open_tasks.add(task_id)
            agency_id, enterprise_id, source = task_rows[task_id]
            started = start + step * k
            x = rng.random()
            status = "open" if is_open else "closed" if x < 0.97 else "expired" if x < 0.99 else "cancelled"
            opened = started + dt.timedelta(minutes=2) if status in ("open", "closed") else None
            closed = opened + dt.timedelta(minutes=rng.randint(20, 240)) if status == "closed" else None
            joint = 1 + visit_id % joints if rng.random() < 0.08 else None
            method = "code" if rng.random() < 0.85 else "geolocation"
            links.append((visit_id, task_id, is_open))
            local = started.astimezone(dt.timezone(dt.timedelta(hours=8)))
            yield (visit_id, "inspection", enterprise_id, agency_id, joint, local.year, status, method, "bench",
                   visit_id, str(visit_id), started, started + dt.timedelta(minutes=10), opened, closed,
                   source, source == "draw", tier_of[(agency_id, enterprise_id)])

    columns = ["id", "kind", "enterprise_id", "agency_id", "joint_inspection_id", "year", "status", "entry_method",
               "started_by", "started_by_user_id", "idempotency_key", "started_at", "confirm_deadline", "opened_at",
               "closed_at", "source", "drawn", "tier"]
    written = 0
    with stopwatch(figures, f"generate + bulk write: {label}", visits):
        done, stream = 0, rows()
        while done < visits:
            k = min(CHUNK, visits - done)
            links.clear()
            with transaction.atomic():
                written += Writer(engine, Visit, columns).write(itertools.islice(stream, k))
                Writer(engine, VisitTask, ["visit_id", "task_id", "active"]).write(iter(list(links)))
            done += k
    if engine == "postgresql":
        with connection.cursor() as cur:
            for table in ("inspections_visit", "inspections_visittask"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                cur.execute(f"VACUUM ANALYZE {table}")
    return {"visits written": written, "tasks": tasks}


def _tiers(tasks) -> dict[tuple[int, int], str]:
    """(agency, enterprise) → tier code, as check-in keeps it on the visit: the current grade, or the
    agency's tier for the ungraded."""
    from clearcheck.planning.models import EnterpriseTier
    from clearcheck.planning.selectors.tiers import tiers_ungraded

    ungraded = {agency_id: tier.code for agency_id, tier in tiers_ungraded().items()}
    result = {(a, e): ungraded[a] for a, e, _source in tasks}
    for a, e, code in (EnterpriseTier.objects.filter(is_current=True)
                       .values_list("agency_id", "enterprise_id", "tier__code").iterator(chunk_size=50_000)):
        if (a, e) in result:
            result[(a, e)] = code
    return result


def registry_generate(target: Target, *, enterprises: int, tasks: int, year: int, seed: int = 20261127,
                      figures: list | None = None) -> dict:
    """``bench.planning_data.generate`` over a province's counties (Shandong, 37…: the platform's stated
    scale, ~15 million market entities), without its own meta file."""
    from bench.planning_data import generate

    return generate(target, enterprises=enterprises, tasks=tasks, year=year, seed=seed, figures=figures,
                    region_prefix="37", write_meta=False)



def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="postgres", help="sqlite | postgres | a bench-only URL")
    parser.add_argument("--visits", type=int, default=10_000_000)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=2_000_000)
    parser.add_argument("--open", type=int, default=2_000)
    args = parser.parse_args(argv)
    target = target_resolve(args.database, "dashboard")
    print(f"dashboard data: {args.visits:,} visits, {args.enterprises:,} enterprises on {target.label}")
    database_recreate(target)
    django_setup(target)
    figures: list = []
    now = dt.datetime.now(dt.UTC)
    facts = registry_generate(target, enterprises=args.enterprises, tasks=args.tasks, year=now.year, figures=figures)
    facts |= generate_visits(target, visits=args.visits, open_visits=args.open, now=now, figures=figures)
    print(facts)
    return facts


if __name__ == "__main__":
    main()
    sys.exit(0)
