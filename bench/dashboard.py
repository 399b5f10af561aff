"""Dashboard benchmark (issue 6): the bureau's overview panels over N visits, from rollups + the live tail,
next to a bare ``count(*)`` and from-scratch GROUP BYs over the same visits table, in the same run.

    python -m bench.dashboard --database postgres --visits 10000000     # generate, fold, time
    python -m bench.dashboard --database postgres --reuse               # time again on the kept data
    python -m bench.dashboard --database sqlite --n 20000 --runs 3      # (bench.run_all) 20,000 visits

Steps: generate (``bench.dashboard_data``), fold every final visit (``clearcheck rollups_fold``'s
function, timed), add a tail of ``--tail`` visits closed in the last minutes (not folded: the live tail,
next to the ``--open`` visits still open), then time each query ``--runs`` times and report the median
and p95 (nearest rank). Panels run through the same selectors the dashboard view calls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

from bench.common import Figure, Report, database_recreate, django_setup, stopwatch, target_resolve
from bench.dashboard_data import generate_visits, registry_generate


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed(label: str, fn, runs: int, rows: list) -> object:
    """Run ``fn`` ``runs`` times after one warm-up; record median and p95 in milliseconds."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    rows.append((label, statistics.median(times), _p95(times), min(times)))
    print(f"  {label:<64} median {statistics.median(times):9.1f} ms  p95 {_p95(times):9.1f} ms", flush=True)
    return result


def scratch_sql(engine: str, year: int) -> dict[str, str]:
    """From-scratch baselines over the visits table (what the rollups replace)."""
    if engine == "postgresql":
        month = "date_trunc('month', opened_at AT TIME ZONE 'Asia/Shanghai')"
        local_year = "opened_at >= %s AND opened_at < %s"
    else:
        month = "strftime('%%Y-%%m', opened_at, '+8 hours')"
        local_year = "opened_at >= %s AND opened_at < %s"
    counted = "kind = 'inspection' AND status IN ('open', 'closed') AND opened_at IS NOT NULL"
    return {
        "count": "SELECT count(*) FROM inspections_visit",
        "by_month_agency": f"SELECT {month}, agency_id, count(*) FROM inspections_visit WHERE {counted} "
                           f"AND {local_year} GROUP BY 1, 2",
        "most_visited": f"SELECT enterprise_id, count(*) AS n FROM inspections_visit WHERE {counted} AND {local_year} "
                        "GROUP BY enterprise_id ORDER BY n DESC, enterprise_id LIMIT 20",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="postgres")
    parser.add_argument("--visits", type=int, default=10_000_000)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=2_000_000)
    parser.add_argument("--open", type=int, default=2_000)
    parser.add_argument("--tail", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--n", type=int, default=None,
                        help="(bench.run_all) visits, the rest in the defaults' proportions: enterprises n / 10, "
                             "tasks n / 5, open n / 5,000 and tail n / 2,000 (at least 10 each)")
    parser.add_argument("--reuse", action="store_true", help="keep the generated (and folded) data of the last run")
    parser.add_argument("--backfill", choices=("rebuild", "fold", "none"), default=None,
                        help="how history enters the rollups: the set-based rollups_rebuild() (default when "
                             "generating), the per-minute rollups_fold() in batches, or nothing (default with --reuse)")
    parser.add_argument("--add-tail", action="store_true",
                        help="with --reuse: add the --tail visits after the backfill (always done when generating)")
    parser.add_argument("--fold-first", action="store_true",
                        help="with --reuse: fold before timing (the tail is then only the visits still open)")
    args = parser.parse_args(argv)
    if args.n:
        args.visits, args.enterprises, args.tasks = args.n, max(10, args.n // 10), max(10, args.n // 5)
        args.open, args.tail = max(10, args.n // 5000), max(10, args.n // 2000)
    target = target_resolve(args.database, "dashboard")
    figures: list[Figure] = []
    if not args.reuse:
        database_recreate(target)
    django_setup(target)

    from django.db import connection

    from clearcheck.accounts.models import User
    from clearcheck.core import clock
    from clearcheck.inspections.models import Visit
    from clearcheck.registry.models import Agency, Enterprise
    from clearcheck.supervision.dashboards import enterprises, feedback_panels, outcomes
    from clearcheck.supervision.dashboards.burden import public_burden
    from clearcheck.supervision.dashboards.filters import Filters
    from clearcheck.supervision.dashboards.fold import rollups_fold
    from clearcheck.supervision.dashboards.reading import consistent
    from clearcheck.supervision.dashboards.rebuild import rollups_rebuild
    from clearcheck.supervision.dashboards.selectors import _alerts, _entries, dashboard_overview, month_cells
    from clearcheck.supervision.dashboards.tail import tail_sql

    now = dt.datetime.now(dt.UTC)
    facts: dict = {}
    backfill = args.backfill or ("none" if args.reuse else "rebuild")
    if not args.reuse:
        facts |= registry_generate(target, enterprises=args.enterprises, tasks=args.tasks, year=now.year, figures=figures)
        facts |= generate_visits(target, visits=args.visits, open_visits=args.open, now=now, figures=figures)
    if backfill == "rebuild":
        with stopwatch(figures, "backfill: rollups_rebuild() (set-based, every visit)", args.visits):
            facts["counted by the rebuild"] = rollups_rebuild()
    elif backfill == "fold":
        with stopwatch(figures, "backfill: rollups_fold() over every final visit", args.visits):
            facts["folded"] = rollups_fold(batch=50_000)
    if not args.reuse or args.add_tail:
        last = Visit.objects.order_by("-id").values_list("id", flat=True).first()
        facts |= {f"tail {k}": v for k, v in generate_visits(
            target, visits=args.tail, open_visits=0, now=now, first_id=last + 1, figures=figures,
            label="tail visits (closed in the last 30 minutes, not folded)").items()}
    from clearcheck.supervision.dashboards.enterprise_counts import enterprise_counts_refresh

    with stopwatch(figures, "recount: enterprises per region and section (the fold, every 10 minutes)",
                   args.enterprises):
        facts["enterprises recounted"] = enterprise_counts_refresh()
    if args.reuse and args.fold_first:
        with stopwatch(figures, "fold: rollups_fold() (what the last minutes closed)"):
            facts["folded before timing"] = rollups_fold(batch=50_000)
    with connection.cursor() as cur:
        for table in ("inspections_visit", "supervision_visitmonthrollup", "supervision_visitmonthdetailrollup",
                      "supervision_enterpriseyearrollup", "supervision_enterpriseagencyyearrollup",
                      "supervision_visitsperenterprisehistogram", "supervision_rollupfoldedvisit",
                      "supervision_enterprisecountrollup"):
            if target.engine == "postgresql":
                cur.execute(f"ANALYZE {table}")
            cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 — fixed table names
            facts[f"rows {table}"] = cur.fetchone()[0]

    year = clock.local_year()
    bureau = User(username="bench-bureau", role="bureau")
    agency = Agency.objects.order_by("id").first()
    head = User(username="bench-head", role="agency_head", agency=agency)
    # A county that has enterprises (the first county code, 110101, has none in the generated province).
    region = Enterprise.objects.order_by("id").values_list("region_id", flat=True).first()
    facts["region filtered"] = f"{region}: {Enterprise.objects.filter(region_id=region).count()} enterprises"
    filters = Filters(year=year)
    start = dt.datetime(year, 1, 1, tzinfo=clock.LOCAL_TZ)
    end = dt.datetime(year + 1, 1, 1, tzinfo=clock.LOCAL_TZ)
    sql = scratch_sql(target.engine, year)
    rows: list = []
    runs = args.runs
    print(f"timings ({runs} runs each after a warm-up)")

    def raw(query, params=()):
        with connection.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    timed("baseline: SELECT count(*) FROM inspections_visit", lambda: raw(sql["count"]), runs, rows)
    timed("baseline: from scratch GROUP BY local month, agency (this year)",
          lambda: raw(sql["by_month_agency"], [start, end]), runs, rows)
    timed("baseline: from scratch most-visited 20 (GROUP BY enterprise)",
          lambda: raw(sql["most_visited"], [start, end]), runs, rows)
    snapshot = timed("watermark: the snapshot a read starts from (two reads of the watermark)",
                     lambda: consistent(lambda s: s), runs, rows)
    tail, params = tail_sql(snapshot.floor_id)
    facts["tail visits read live"] = raw(f"SELECT count(*) FROM ({tail}) t", params)[0][0]  # noqa: S608
    timed("tail alone: its visits counted by month, agency, source, joint, drawn, entry",
          lambda: raw(f"SELECT month, agency_id, source, joint, drawn, entry_method, count(*) FROM ({tail}) t "  # noqa: S608
                      "GROUP BY 1, 2, 3, 4, 5, 6", params), runs, rows)
    cells = timed("panel: monthly cells (by agency, by source, shares, scan)",
                  lambda: month_cells(snapshot, filters), runs, rows)
    timed("panel: scan compliance + R29 refusals count", lambda: _entries(cells, filters), runs, rows)
    timed("panel: visits-per-enterprise distribution", lambda: enterprises.distribution(snapshot, filters), runs, rows)
    timed("panel: most-visited 20 with caps", lambda: enterprises.most_visited(snapshot, filters), runs, rows)
    timed("panel: most-visited 20, totals only (no caps)",
          lambda: enterprises.top_totals(snapshot, filters), runs, rows)
    timed("panel: closed-loop rate + overdue corrections (live)", lambda: outcomes.closed_loop(filters), runs, rows)
    timed("panel: alerts by rule (live)", lambda: _alerts(filters), runs, rows)
    # Each panel as one request would serve it alone: its own consistent read, the live tail included.
    by_region, by_tier = Filters(year=year, region=region), Filters(year=year, tier="C")

    def alone(panel, panel_filters=filters):
        return lambda: consistent(lambda s: panel(s, panel_filters))

    timed("alone: monthly cells (by agency, by source, shares, scan) + tail", alone(month_cells), runs, rows)
    timed("alone: monthly cells, one region + tail with places", alone(month_cells, by_region), runs, rows)
    timed("alone: monthly cells, tier C + tail", alone(month_cells, by_tier), runs, rows)
    timed("alone: visits-per-enterprise distribution + tail", alone(enterprises.distribution), runs, rows)
    timed("alone: distribution, one region + tail", alone(enterprises.distribution, by_region), runs, rows)
    timed("alone: most-visited 20 with caps + tail", alone(enterprises.most_visited), runs, rows)
    timed("alone: most-visited 20, one region + tail", alone(enterprises.most_visited, by_region), runs, rows)
    timed("panel: evaluation scores (feedback)",
          lambda: feedback_panels.evaluations_panel(actor=bureau, filters=filters), runs, rows)
    timed("panel: complaints (feedback)",
          lambda: feedback_panels.complaints_panel(actor=bureau, filters=filters), runs, rows)
    timed("overview: bureau, all panels (dashboard_overview)",
          lambda: dashboard_overview(actor=bureau, filters=filters), runs, rows)
    timed("overview: bureau, filtered by one region",
          lambda: dashboard_overview(actor=bureau, filters=Filters(year=year, region=region)), runs, rows)
    timed("overview: bureau, filtered by tier C",
          lambda: dashboard_overview(actor=bureau, filters=Filters(year=year, tier="C")), runs, rows)
    timed("overview: one agency (its head)",
          lambda: dashboard_overview(actor=head, filters=Filters(year=year, agency_id=agency.pk)), runs, rows)
    timed("public burden page data (trend, distribution, averages)", lambda: public_burden(year=year), runs, rows)

    report = Report("dashboard", target.label, args.visits, figures, facts)
    for label, median, p95, low in rows:
        report.figures.append(Figure(label=label, seconds=median / 1000, note=f"median {median:.1f} ms, "
                                     f"p95 {p95:.1f} ms, min {low:.1f} ms"))
    print(report.table())
    print(f"saved {report.save()}")


if __name__ == "__main__":
    main()
    sys.exit(0)
