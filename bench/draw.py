"""Benchmark: a double-random draw (双随机, R24) over a pool of ~1,000,000 enterprises filtered from
5,000,000 (issue 5), on SQLite or PostgreSQL.

    python -m bench.draw --db postgres                 # builds the seed the first time (bench.draw_data)
    python -m bench.draw --db sqlite
    python -m bench.draw --database sqlite --n 20000   # (bench.run_all) 20,000 enterprises, 10 officers
    python -m bench.draw --db postgres --regenerate    # rebuild the seed first
    python -m bench.draw --db postgres --profile       # + cProfile of one more commit and select

Data (``bench/draw_data.py``): the seed database (``clearcheck_bench_draw_seed`` /
``var/bench/draw_seed.sqlite3``) is copied into ``clearcheck_bench_draw`` / ``var/bench/draw.sqlite3``
before every run (``CREATE DATABASE … TEMPLATE`` / a file copy), so each run starts from the same registry.
Frames are stored under ``var/bench/draw/files`` (``CLEARCHECK_MEDIA_ROOT``), emptied before each commit:
the blob store is content-addressed and would otherwise skip writing an identical frame.

Measured in the same run, ``--repeat`` times each (medians reported), each repetition a new draw of the
pool (``draw_create``, untimed) with ratio 0.05 in tiers B, C and D (A, cap 0, never enters a frame):
  * **baseline**: a bare ``SELECT uscc, coalesce(tier code, default)`` with the pool's filter (regions,
    entity type, operating) left-joined to the agency's current grades, fetched to Python (``fetchall``
    of a plain cursor), right before the draw;
  * **commit**: ``sampling.services.draw_commit`` (frame query, R21 cap exclusion, canonical frame,
    SHA-256, pre-checks, blob store, commitment, audit) and **select**:
    ``sampling.services.draw_select`` (stored frame read and checked, seed, ranking, teams, picks stored,
    audit); their sum and its ratio to the baseline. Timers wrapped around the functions they call (no
    change in behaviour) split both into parts;
  * references, same rows: the frame's full query (with cap usage) in raw SQL, and the pool query's rows
    (stratum, uscc, eligible) through the ORM's iterator, fetched without any work;
  * **tasks**: ``sampling.services.draw_tasks_make`` for each draw (one task per pick);
  * **verification** of the last draw: the clock is frozen after the window (``clearcheck.core.clock.now``),
    ``draw_reveal``; the document ``documents.draw_document`` written as ``clearcheck draw export`` writes
    it; then ``algorithm.verify_document`` on the loaded JSON, the standalone ``python algorithm.py FILE``
    and ``clearcheck draw verify FILE`` (subprocesses, start-up included) — each must report a match.
With ``--profile``: one more draw under cProfile (commit, then select), profiles in ``var/bench/draw/``.
The prototypes measured on 28 Nov 2026 (``--variant``, ``bench/draw_variants.py``) were applied or dropped; they
are in the history at commit 683ccaa.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_VAR, ROOT, Report, machine_facts, target_resolve
from bench.draw_timing import Parts, load, parts_install, timed

RUN_DB = "clearcheck_bench_draw"
RUN_SQLITE = BENCH_VAR / "draw.sqlite3"
WORK = BENCH_VAR / "draw"
MEDIA = WORK / "files"
PG = "postgres://postgres@127.0.0.1:5432/"
SAMPLE = {"B": "0.05", "C": "0.05", "D": "0.05"}


# --- databases --------------------------------------------------------------------------------------


def seed_ensure(args) -> dict:
    """The seed's facts; builds it (``bench.draw_data`` in a subprocess) when missing or of another size."""
    from bench import draw_data

    seed = draw_data.seed_target(args.db)
    facts = None if args.regenerate else draw_data.meta_read(seed)
    if facts and (facts["enterprises"] != args.enterprises or facts["officers"] != args.officers):
        print(f"the seed has {facts['enterprises']:,} enterprises / {facts['officers']} officers: regenerating")
        facts = None
    if facts is None:
        command = [sys.executable, "-m", "bench.draw_data", "--database", args.db,
                   "--enterprises", str(args.enterprises), "--officers", str(args.officers)]
        print("building the seed:", " ".join(command[1:]), flush=True)
        subprocess.run(command, cwd=ROOT, check=True)
        facts = draw_data.meta_read(seed)
        if facts is None:
            sys.exit("the seed generation did not finish")
    return facts


def run_copy(engine: str) -> tuple[str, float]:
    """A fresh run database copied from the seed; returns its URL and the seconds the copy took."""
    from bench import draw_data

    started = time.perf_counter()
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(PG + "postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')
            conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                         f"'{draw_data.SEED_DB}'")
            conn.execute(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{draw_data.SEED_DB}"')
        url = PG + RUN_DB
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{RUN_SQLITE}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(draw_data.SEED_SQLITE, RUN_SQLITE)
        url = f"sqlite:///{RUN_SQLITE}"
    return url, time.perf_counter() - started


def django_ready(url: str) -> None:
    """Settings pointed at the run database, frames under ``var/bench/draw/files``; the ``sampling`` app's
    tables rebuilt from the migrations on disk (the seed holds no rows of it); migrate."""
    target = target_resolve(url, "draw")
    os.environ["CLEARCHECK_MEDIA_ROOT"] = str(MEDIA)
    os.environ["CLEARCHECK_FAST_PASSWORDS"] = "1"
    from bench.common import django_setup

    django_setup(target, migrate=False)  # the sampling reset comes first
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cur:
        tables = [t for t in connection.introspection.table_names(cur) if t.startswith("sampling_")]
        if connection.vendor == "postgresql":
            for table in tables:
                cur.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        else:
            cur.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cur.execute(f'DROP TABLE IF EXISTS "{table}"')
            cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("DELETE FROM django_migrations WHERE app = 'sampling'")
    call_command("migrate", verbosity=0, interactive=False)


# --- the draw -----------------------------------------------------------------------------------------


class Bench:
    """The run database's agency, pool and accounts, and the steps of one draw."""

    def __init__(self, facts: dict, engine: str):
        from django.db.models import Q

        from clearcheck.accounts.models import User
        from clearcheck.catalog.models import InspectionItem
        from clearcheck.planning.settings import planning_settings_for
        from clearcheck.registry.models import Region

        self.engine = engine
        self.facts = facts
        self.agency_id = facts["agency_id"]
        self.admin = User.objects.get(username="bench-scjg-admin")
        self.head = User.objects.get(username="bench-scjg-head")
        self.item_ids = list(InspectionItem.objects.filter(agency_id=self.agency_id, status="published")
                             .order_by("code").values_list("pk", flat=True))[:2]
        self.default_tier = planning_settings_for(self.agency_id).ungraded_tier_code
        prefecture = facts["pool_filters"]["regions"][0]
        self.regions = sorted(Region.objects.filter(Q(code=prefecture) | Q(parent_id=prefecture))
                              .values_list("code", flat=True))
        self.entity_types = facts["pool_filters"]["entity_types"]
        self.number = 0
        self.pool_id = self.pool_make().pk

    def pool_make(self):
        """The pool, through ``sampling.services.pool_create`` (its filters from the seed's facts)."""
        from bench.draw_data import POOL_NAME
        from clearcheck.sampling.services import pool_create

        return pool_create(actor=self.admin, name=POOL_NAME, filters=self.facts["pool_filters"],
                           note="基准测试:聊城市辖区(含各县市区)的企业法人")

    # baselines ------------------------------------------------------------------------------------

    def _where(self) -> tuple[str, list]:
        regions = ", ".join(["%s"] * len(self.regions))
        types = ", ".join(["%s"] * len(self.entity_types))
        return (f"e.status = 'operating' AND e.region_id IN ({regions}) AND e.entity_type IN ({types})",
                [*self.regions, *self.entity_types])

    def baseline(self, scan: bool = False) -> int:
        """The bare SELECT: the pool's identifiers (USCC + tier code), same filter, fetched to Python.
        ``scan`` (SQLite): ``NOT INDEXED``, a full scan instead of the planner's index search."""
        from django.db import connection

        where, params = self._where()
        hint = " NOT INDEXED" if scan else ""
        with connection.cursor() as cur:
            cur.execute(f"""
                SELECT e.uscc, coalesce(t.code, %s)
                FROM registry_enterprise e{hint}
                LEFT JOIN planning_enterprisetier et
                       ON et.enterprise_id = e.id AND et.agency_id = %s AND et.is_current
                LEFT JOIN planning_tier t ON t.id = et.tier_id
                WHERE {where}""", [self.default_tier, self.agency_id, *params])
            return len(cur.fetchall())

    def frame_sql(self, year: int) -> int:
        """Reference: everything the frame needs (tier code, rank, cap, cap usage) in raw SQL, fetched."""
        from django.db import connection

        where, params = self._where()
        with connection.cursor() as cur:
            cur.execute(f"""
                SELECT e.uscc, coalesce(t.code, %s), coalesce(t.rank, 2), coalesce(t.annual_cap, 1),
                       coalesce(u.proactive_count, 0)
                FROM registry_enterprise e
                LEFT JOIN planning_enterprisetier et
                       ON et.enterprise_id = e.id AND et.agency_id = %s AND et.is_current
                LEFT JOIN planning_tier t ON t.id = et.tier_id
                LEFT JOIN planning_capusage u ON u.enterprise_id = e.id AND u.agency_id = %s AND u.year = %s
                WHERE {where}""", [self.default_tier, self.agency_id, self.agency_id, year, *params])
            return len(cur.fetchall())

    def frame_orm_fetch(self, draw) -> int:
        """Reference: the rows of the pool query ``frame_build`` scans (stratum, uscc, eligible), fetched one by
        one through the ORM's chunked iterator, no work."""
        from clearcheck.sampling.models import Pool
        from clearcheck.sampling.selectors import pool_enterprises

        pools = [Pool.objects.select_related("agency").get(pk=self.pool_id)]
        qs = pool_enterprises(pools, year=draw.year, item_caps={self.agency_id: None}, stratify=draw.stratify,
                              cap_exclusion=False)
        n = 0
        for _ in qs.values_list("stratum", "uscc", "eligible").iterator(chunk_size=20000):
            n += 1
        return n

    # draw steps -----------------------------------------------------------------------------------

    def create(self, sample: dict | None = None, mode: str = "ratio", max_per_team: int | None = None):
        """A new draft draw of the pool (untimed): ratio 0.05 in B, C and D unless ``sample`` is given."""
        from clearcheck.core import clock
        from clearcheck.sampling.services import draw_create

        self.number += 1
        today = clock.local_today()
        teams = self.facts["officers"] // 2
        expected = int(self.facts["pool_filter_expected"] * 0.05 * 1.2) + 100
        return draw_create(
            actor=self.admin, title=f"2026年度第{self.number}批市场主体双随机抽查(基准)", pool_ids=[self.pool_id],
            item_ids=self.item_ids, window_start=today + dt.timedelta(days=2),
            window_end=today + dt.timedelta(days=25),
            public_source=f"中国福利彩票快乐8 第2026{300 + self.number:03d}期(基准 {time.time_ns()})",
            stratify="tier", sample_mode=mode, sample=sample or dict(SAMPLE), team_size=2,
            max_per_team=max_per_team or max(10, expected // max(teams, 1) + 1))

    @staticmethod
    def media_clear() -> None:
        shutil.rmtree(MEDIA / "evidence", ignore_errors=True)

    def commit(self, draw):
        from clearcheck.sampling.services import draw_commit

        return draw_commit(actor=self.admin, draw_id=draw.pk)

    def select(self, draw, secret: str):
        from clearcheck.sampling.services import draw_select

        numbers = random.Random(draw.pk).sample(range(1, 81), 20)
        return draw_select(actor=self.admin, draw_id=draw.pk, secret=secret,
                           public_value=",".join(str(n) for n in numbers))

    def tasks(self, draw) -> int:
        from clearcheck.sampling.services import draw_tasks_make

        return len(draw_tasks_make(actor=self.admin, draw_id=draw.pk))


def _median(values):
    return statistics.median(values) if values else float("nan")


def frozen_after(day: dt.date):
    """Freeze ``clearcheck.core.clock.now`` at 10:00 Asia/Shanghai on ``day`` (as the tests' ``freeze``)."""
    from clearcheck.core import clock

    moment = dt.datetime.combine(day, dt.time(10), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    original = clock.now
    clock.now = lambda: moment
    return original


def profile_draw(bench: Bench, label: str) -> dict:
    """One more commit and select under cProfile; dumps the profiles and returns the top functions."""
    WORK.mkdir(parents=True, exist_ok=True)
    draw = bench.create()
    bench.media_clear()
    summary = {}
    for step in ("commit", "select"):
        profiler = cProfile.Profile()
        profiler.enable()
        if step == "commit":
            draw, secret = bench.commit(draw)
        else:
            bench.select(draw, secret)
        profiler.disable()
        path = WORK / f"profile-{label}-{step}.pstats"
        profiler.dump_stats(path)
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(45)
        text = out.getvalue()
        (WORK / f"profile-{label}-{step}.txt").write_text(text)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        (WORK / f"profile-{label}-{step}-tottime.txt").write_text(out.getvalue())
        summary[step] = str(path)
        print(f"  profile of {step}: {path} (+ .txt, -tottime.txt)")
    return summary


def _partial_save(report: Report, details: dict) -> None:
    """Write what is measured so far (a long run killed half-way keeps its figures)."""
    saved = dict(report.facts)
    report.facts.update(details)
    report.facts["partial"] = True
    report.save()
    report.facts.clear()
    report.facts.update(saved)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", "--db", dest="db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--enterprises", type=int, default=5_000_000)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--n", type=int, default=None,
                        help="(bench.run_all) enterprises; officers = n / 16,667, at least 10 and at most 300")
    parser.add_argument("--repeat", type=int, default=3, help="draws measured (medians reported)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the seed first")
    parser.add_argument("--no-tasks", action="store_true", help="skip draw_tasks_make")
    parser.add_argument("--tasks-repeat", type=int, default=None, help="draws whose tasks are made (default: all)")
    parser.add_argument("--small-tasks", type=int, default=0,
                        help="also make the tasks of a draw of about this many picks (count sample)")
    parser.add_argument("--verify-repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile one more commit and select")
    args = parser.parse_args(argv)
    if args.n:
        args.enterprises, args.officers = args.n, min(300, max(10, args.n // 16_667 // 2 * 2))
    engine = "postgresql" if args.db == "postgres" else "sqlite"

    facts = seed_ensure(args)
    url, copy_seconds = run_copy(engine)
    django_ready(url)
    from django.db import connection

    from clearcheck.core import clock

    label = "PostgreSQL" if engine == "postgresql" else "SQLite"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = Report(f"draw-{stamp}", label, facts["enterprises"])
    details: dict = {"seed": facts}
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--short", "clearcheck/sampling", "clearcheck/planning"], cwd=ROOT,
                           capture_output=True, text=True).stdout.split("\n")
    diff = subprocess.run(["git", "diff", "HEAD", "--", "clearcheck/sampling", "clearcheck/planning"], cwd=ROOT,
                          capture_output=True).stdout
    import hashlib

    report.facts["code"] = (f"HEAD {git.strip()}; {len([d for d in dirty if d.strip()])} changed files in "
                            f"sampling/planning (diff sha256 {hashlib.sha256(diff).hexdigest()[:12]})")
    report.facts.update({"seed copy seconds": round(copy_seconds, 1), "started": stamp,
                         "load at start": os.getloadavg(), "command": " ".join(["python -m bench.draw", *sys.argv[1:]]),
                         "database version": connection.Database.sqlite_version if engine == "sqlite" else
                         connection.cursor().connection.info.server_version})
    figs = report.figures
    bench = Bench(facts, engine)
    parts = Parts()
    parts_install(parts)
    print(f"draw benchmark on {label}: seed {facts['enterprises']:,} enterprises, pool filter ≈ "
          f"{facts['pool_filter_expected']:,}; copy {copy_seconds:.1f} s; load {load():.2f}", flush=True)

    # warm-up: the registry pages into the cache once, as it would be on a server in use
    with timed(figs, "warm-up: baseline once (untimed in the comparison)") as step:
        step["rows"] = bench.baseline()
    pool_rows = figs[-1].rows

    reps = []
    draws = []
    for rep in range(1, args.repeat + 1):
        print(f"repetition {rep}/{args.repeat}", flush=True)
        with timed(figs, f"[{rep}] baseline: bare SELECT uscc, tier code (same filter), fetchall",
                   pool_rows) as step:
            step["rows"] = bench.baseline()
        base = figs[-1]
        draw = bench.create()
        bench.media_clear()
        parts.take()
        with timed(figs, f"[{rep}] draw_commit", pool_rows) as step:
            draw, secret = bench.commit(draw)
            step["note"] = (f"frame {draw.frame_enterprises:,} enterprises, {draw.frame_officers} officers, "
                            f"{draw.frame_exclusions} exclusions, {draw.excluded_at_cap:,} at cap")
        commit = figs[-1]
        commit_parts = parts.take()
        with timed(figs, f"[{rep}] draw_select", pool_rows):
            draw = bench.select(draw, secret)
        select = figs[-1]
        picks = draw.picks.count()
        select.note = f"{picks:,} picks, {draw.teams.count()} teams"
        select_parts = parts.take()
        total = commit.seconds + select.seconds
        reps.append({"baseline": base.seconds, "commit": commit.seconds, "select": select.seconds, "sum": total,
                     "ratio": total / base.seconds, "load": [base.load, commit.load, select.load],
                     "cpu": {"baseline": base.cpu_seconds, "commit": commit.cpu_seconds,
                             "select": select.cpu_seconds},
                     "commit_parts": commit_parts, "select_parts": select_parts, "picks": picks,
                     "frame_enterprises": draw.frame_enterprises, "at_cap": draw.excluded_at_cap,
                     "baseline_rows": base.rows})
        print(f"  → commit + select {total:.2f} s = {total / base.seconds:.2f} × baseline "
              f"({base.seconds:.2f} s); parts: "
              + ", ".join(f"{k} {v:.2f}" for k, v in {**commit_parts, **select_parts}.items()), flush=True)
        draws.append((draw, secret))
        if draw.frame_enterprises + draw.excluded_at_cap != base.rows:
            print(f"  WARNING: frame {draw.frame_enterprises} + at cap {draw.excluded_at_cap} != baseline rows "
                  f"{base.rows}", flush=True)
    details["repetitions"] = reps
    _partial_save(report, details)
    summary = {key: _median([r[key] for r in reps]) for key in ("baseline", "commit", "select", "sum", "ratio")}
    report.facts["median"] = summary
    print("median: " + ", ".join(f"{k} {v:.2f}" for k, v in summary.items()), flush=True)

    # references (once, after the repetitions) -------------------------------------------------------
    year = draws[0][0].year
    with timed(figs, "reference: the frame's whole query (tier, rank, cap, cap usage) in raw SQL, fetchall",
               pool_rows) as step:
        step["rows"] = bench.frame_sql(year)
    with timed(figs, "reference: the pool query's rows (stratum, uscc, eligible) through the ORM iterator, no work",
               pool_rows) as step:
        step["rows"] = bench.frame_orm_fetch(draws[0][0])
    if engine == "sqlite":
        with timed(figs, "reference: the baseline with NOT INDEXED (a full scan, not the region index)",
                   pool_rows) as step:
            step["rows"] = bench.baseline(scan=True)

    # tasks ------------------------------------------------------------------------------------------
    if not args.no_tasks:
        task_runs = []
        for n, (draw, _secret) in enumerate(draws[: args.tasks_repeat or len(draws)], start=1):
            with timed(figs, f"[{n}] draw_tasks_make (one task per pick)") as step:
                made = bench.tasks(draw)
                step["rows"] = made
                step["note"] = f"{made:,} tasks"
            task_runs.append({"seconds": figs[-1].seconds, "tasks": made, "load": figs[-1].load,
                              "per_task_ms": 1000 * figs[-1].seconds / max(made, 1)})
        details["tasks"] = task_runs
    if args.small_tasks:
        small = bench.create(sample={"B": args.small_tasks // 3, "C": args.small_tasks // 3,
                                     "D": args.small_tasks - 2 * (args.small_tasks // 3)}, mode="count")
        bench.media_clear()
        small_draw, small_secret = bench.commit(small)
        small_draw = bench.select(small_draw, small_secret)
        profiler = cProfile.Profile() if args.profile else None
        with timed(figs, f"draw_tasks_make, a draw of {args.small_tasks:,} picks"
                   + (" (under cProfile)" if profiler else "")) as step:
            if profiler:
                profiler.enable()
            made = bench.tasks(small_draw)
            if profiler:
                profiler.disable()
            step["rows"] = made
            step["note"] = f"{made:,} tasks"
        details["tasks_small"] = {"seconds": figs[-1].seconds, "tasks": made, "profiled": bool(profiler),
                                  "per_task_ms": 1000 * figs[-1].seconds / max(made, 1)}
        if profiler:
            WORK.mkdir(parents=True, exist_ok=True)
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(40)
                (WORK / f"profile-{engine}-tasks-{order}.txt").write_text(out.getvalue())
            print(f"  profile of draw_tasks_make: {WORK}/profile-{engine}-tasks-*.txt")

    # verification -----------------------------------------------------------------------------------
    from clearcheck.sampling import algorithm
    from clearcheck.sampling.documents import draw_document
    from clearcheck.sampling.services import draw_reveal

    draw, secret = draws[-1]
    clock_now = frozen_after(draw.window_end + dt.timedelta(days=1))
    try:
        with timed(figs, "draw_reveal (after the window; recomputes the draw)", pool_rows):
            draw = draw_reveal(actor=bench.admin, draw_id=draw.pk, secret=secret)
    finally:
        clock.now = clock_now
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"draw-{engine}.json"
    with timed(figs, "export: draw_document + json.dumps (as `clearcheck draw export`) + write", pool_rows) as step:
        text = json.dumps(draw_document(draw), ensure_ascii=False, indent=1)
        path.write_text(text, encoding="utf-8")
        step["note"] = f"{path.stat().st_size / 1e6:.1f} MB"
    report.facts["document"] = {"path": str(path), "bytes": path.stat().st_size}
    del text
    verify_runs: dict[str, list[float]] = {"load": [], "verify": [], "standalone": [], "cli": []}
    algorithm_file = Path(algorithm.__file__)
    env = dict(os.environ)
    for n in range(1, args.verify_repeat + 1):
        with timed(figs, f"[{n}] json.load of the published document", pool_rows), \
                open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        verify_runs["load"].append(figs[-1].seconds)
        with timed(figs, f"[{n}] algorithm.verify_document(document)", pool_rows) as step:
            problems = algorithm.verify_document(document)
            step["note"] = "MATCH" if not problems else f"MISMATCH {problems[0][:80]}"
        verify_runs["verify"].append(figs[-1].seconds)
        if problems:
            sys.exit(f"verification failed: {problems}")
        del document
        with timed(figs, f"[{n}] python algorithm.py FILE (standalone, subprocess)", pool_rows) as step:
            done = subprocess.run([sys.executable, str(algorithm_file), str(path)], capture_output=True, text=True,
                                  check=False, env={"PATH": env.get("PATH", "")})
            step["note"] = f"exit {done.returncode}: {done.stdout.strip()[:60]}"
        verify_runs["standalone"].append(figs[-1].seconds)
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
        # The command runs without Django's system checks (requires_system_checks = []): what the
        # ``--skip-checks`` run measured before is now the command itself.
        with timed(figs, f"[{n}] clearcheck draw verify FILE (subprocess)", pool_rows) as step:
            done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "clearcheck"), "draw", "verify",
                                   str(path)], capture_output=True, text=True, check=False, env=env)
            step["note"] = f"exit {done.returncode}: {done.stdout.strip()[:60]}"
        verify_runs["cli"].append(figs[-1].seconds)
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)
    details["verify"] = {k: {"runs": v, "median": _median(v)} for k, v in verify_runs.items()}

    # profile ----------------------------------------------------------------------------------------------
    if args.profile:
        details["profile"] = profile_draw(bench, engine)

    report.facts["load at end"] = os.getloadavg()
    print(report.table())
    report.facts.update(details)
    report.facts["machine"] = machine_facts()
    print(f"results: {report.save()}")
    from django.db import connections

    connections.close_all()
    return report


if __name__ == "__main__":
    main()
