"""Benchmark: check-in throughput and latency on PostgreSQL behind gunicorn, next to a minimal JSON view.

    apt-get install -y wrk                                   # once (Debian package; the script checks)
    python -m bench.checkin                                  # one run (builds the seed county the first time)
    python -m bench.checkin --regenerate --agencies 6 --enterprises 4000
    python -m bench.checkin --n 5000 --warmup 3 --duration 10 --open-duration 15   # (bench.run_all) 5,000 tasks

One run, against one gunicorn (``config.wsgi``, 2 sync workers, ``--timeout 30`` as docs/deployment.md
has it) on ``127.0.0.1:<free port>``, with the database ``clearcheck_bench_checkin`` copied afresh from
the seed county (``bench/checkin_data.py``):

  (1) baseline: ``GET /ping`` (``clearcheck.core.ping``: the whole middleware stack, no database) with
      ``wrk -t2 -c32 -d30s`` — the requests per second the server itself can do;
  (2) ``POST /api/visits/start-by-code`` (scan the enterprise code: the visit starts, pending) with the
      same wrk settings, every request a fresh approved task (no task is ever requested twice);
  (3) the full check-in: the start, then the team's second officer ``POST /api/visits/{id}/confirm`` —
      the visit opens (R14; R21's place taken; the on-site record created); pairs per second;
  (4) open loop: starts at a fixed rate of half of (2)'s successful requests per second for 60 s, from
      a timetable (see ``open_loop``): latency is measured from each request's *scheduled* time, so a
      slow server cannot slow the load down and hide its own queueing (no coordinated omission);
  (5) a profile of single requests in this process (queries per request, SQL vs Python time, cProfile).

Without wrk the run says so and skips (1)-(3); the open loop then runs at ``--open-rate`` (default 20/s).
A seed too small for the phases' durations does not stop the run: a phase left without fresh tasks is
skipped, the open loop sends the tasks left, each with a WARNING. The profile's tasks, and the open loop's
when ``--open-rate`` is given, are set aside before the closed-loop phases start.

Only 2xx responses count as check-ins; every status is counted and reported (a start of a task already in
a visit is refused with 409 — with fresh tasks none should be). After each phase the visits written are
counted in the database and must equal the 2xx count. The server runs as production would: DEBUG off,
``CLEARCHECK_AUDIT_SEAL_MODE=job`` (ADR 0004: requests never seal; the periodic ``audit seal`` job runs
between phases here, untimed), persistent database connections (``DB_CONN_MAX_AGE`` default, health checks
on). Every phase records the load average and the CPU seconds spent by the gunicorn workers, the
PostgreSQL backends of the run and wrk, so each request's CPU cost can be read off. Results: JSON in
``var/bench/results/checkin-postgresql-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_VAR, RESULTS_DIR, ROOT, machine_facts, target_resolve

RUN_DB = "clearcheck_bench_checkin"
SEED_DB = "clearcheck_bench_checkin_seed"
PG = "postgres://postgres@127.0.0.1:5432/"
LUA = Path(__file__).with_name("checkin_wrk.lua")
WORK = BENCH_VAR / "checkin"
TICKS = os.sysconf("SC_CLK_TCK")
NO_WRK_RATE = 20.0  # open-loop starts per second when there is no phase (2) to take half of


# --- databases ----------------------------------------------------------------------------------------


def _admin(sql_list: list[str]) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        for sql in sql_list:
            conn.execute(sql)


def seed_facts() -> dict | None:
    """The seed county's facts, or None when there is no finished seed."""
    import psycopg

    try:
        with psycopg.connect(PG + SEED_DB) as conn:
            row = conn.execute("SELECT facts FROM bench_checkin_meta").fetchone()
    except psycopg.Error:
        return None
    return json.loads(row[0]) if row else None


def seed_ensure(args) -> dict:
    """Build the seed county unless a finished one whose task windows include today is there."""
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    facts = None if args.regenerate else seed_facts()
    if facts and not (dt.date.fromisoformat(facts["window"][0]) <= today <= dt.date.fromisoformat(facts["window"][1])):
        print(f"the seed's task windows {facts['window']} do not include today ({today}): regenerating")
        facts = None
    from bench.checkin_data import code_key_digest

    if facts and facts.get("code_key") != code_key_digest():
        print("the seed's enterprise codes were signed with another key (another checkout's var/bench/keys): "
              "regenerating")
        facts = None
    size = (args.agencies, args.enterprises, args.agencies * args.officers)
    if facts and (facts["agencies"], facts["enterprises"], facts["officers"]) != size:
        print(f"the seed has {facts['agencies']} agencies × {facts['enterprises']:,} enterprises, {facts['officers']} "
              f"officers: regenerating")
        facts = None
    if facts is None:
        command = [sys.executable, "-m", "bench.checkin_data", "--agencies", str(args.agencies),
                   "--enterprises", str(args.enterprises), "--officers", str(args.officers), "--jobs", str(args.jobs)]
        print("building the seed county:", " ".join(command[1:]), flush=True)
        subprocess.run(command, cwd=ROOT, check=True)
        facts = seed_facts()
    return facts


def run_database_copy() -> float:
    """``clearcheck_bench_checkin`` as a fresh copy of the seed (``CREATE DATABASE … TEMPLATE``)."""
    started = time.perf_counter()
    _admin([f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)',
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{SEED_DB}'",
            f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{SEED_DB}"'])
    return time.perf_counter() - started


# --- the server and CPU accounting ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(seal_mode: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLEARCHECK_", "DB_"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=PG + RUN_DB, DJANGO_DEBUG="0",
               CLEARCHECK_VAR_DIR=str(BENCH_VAR), CLEARCHECK_AUDIT_SEAL_MODE=seal_mode,
               DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING",
               DB_PREPARED_STATEMENTS=os.environ.get("DB_PREPARED_STATEMENTS", "1"))
    return env


def server_start(port: int, workers: int, seal_mode: str) -> subprocess.Popen:
    import urllib.request

    WORK.mkdir(parents=True, exist_ok=True)
    log = open(WORK / "gunicorn.log", "w")  # noqa: SIM115 — lives as long as the server
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "30"], cwd=ROOT, env=server_env(seal_mode), stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    sys.exit(f"gunicorn did not answer on port {port}; see {WORK / 'gunicorn.log'}")


def server_drain(port: int) -> float:
    """Wait until the requests a finished wrk run left queued are answered: when wrk stops it closes its
    connections, but the requests already sent (up to one per connection) are still served, one after the
    other, by the sync workers. Two pings, one per worker, sent behind them come back only once the queue
    is empty. Returns the seconds waited."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()

    def ping(_):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=120) as r:  # noqa: S310
            return r.status

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(ping, range(2)))
    return round(time.perf_counter() - started, 2)


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def cpu_sample(server: subprocess.Popen) -> dict:
    """CPU seconds so far of the gunicorn workers and of this run's PostgreSQL backends, by pid."""
    from django.db import connection

    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [RUN_DB])
        backends = [row[0] for row in cur.fetchall()]
    return {"workers": {int(p): _cpu_of(int(p)) for p in children}, "postgres": {p: _cpu_of(p) for p in backends},
            "children": resource.getrusage(resource.RUSAGE_CHILDREN), "at": time.perf_counter()}


def cpu_delta(before: dict, after: dict) -> dict:
    """CPU seconds spent between two samples: workers, PostgreSQL backends, wrk (a waited-for child)."""
    def spent(kind):
        return sum(v - before[kind].get(pid, 0.0) for pid, v in after[kind].items())

    wrk = ((after["children"].ru_utime + after["children"].ru_stime)
           - (before["children"].ru_utime + before["children"].ru_stime))
    return {"gunicorn_workers_cpu_s": round(spent("workers"), 2), "postgres_cpu_s": round(spent("postgres"), 2),
            "wrk_cpu_s": round(wrk, 2), "wall_s": round(after["at"] - before["at"], 2)}


# --- closed loop: wrk -------------------------------------------------------------------------------------


def wrk_run(url: str, mode: str, plan: Path | None, nonce: str, *, threads: int, connections: int,
            duration: int) -> dict:
    """One wrk run with checkin_wrk.lua; returns its BENCH_JSON line (statuses, latency) and rates."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(LUA), url,
               "--", mode, str(plan or "-"), nonce, str(threads)]
    if mode != "ping" and (plan is None or plan.stat().st_size == 0):
        sys.exit("no fresh tasks left for wrk: rebuild the seed with more enterprises (--regenerate --enterprises N)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    out = done.stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no result:\n{out}")
    result = json.loads(line.split(" ", 1)[1])
    seconds = result["duration_us"] / 1e6
    ok = sum(n for status, n in result["statuses"].items() if status.startswith("2"))
    result.update(command=" ".join(command), seconds=round(seconds, 2), ok=ok,
                  non_2xx=result["responses"] - ok, rps_all=round(result["requests"] / seconds, 1),
                  rps_ok=round(ok / seconds, 1), load_after=round(os.getloadavg()[0], 2))
    return result


def plan_write(rows: list[tuple], name: str) -> Path:
    path = WORK / f"plan-{name}.tsv"
    path.write_text("".join(f"{task}\t{token}\t{first}\t{second}\n" for task, _e, token, first, second in rows))
    return path


# --- open loop --------------------------------------------------------------------------------------------


def _start_request(port: int, row: tuple, key: str) -> bytes:
    task, _enterprise, token, bearer, _second = row
    body = json.dumps({"token": token, "task_ids": [task], "idempotency_key": key}).encode()
    head = (f"POST /api/visits/start-by-code HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {bearer}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + body


async def _fire(port: int, raw: bytes, scheduled: float, out: list) -> None:
    loop = asyncio.get_running_loop()
    sent, status = loop.time(), 0
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), None)
        await (reader.readexactly(length) if length is not None else reader.read())
        writer.close()
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        status = 0
    out.append((scheduled, sent, loop.time(), status))


async def _timetable(port: int, requests: list[bytes], rate: float, grace: float) -> tuple[list, float]:
    loop = asyncio.get_running_loop()
    out: list = []
    pending = set()
    t0 = loop.time() + 0.2
    for i, raw in enumerate(requests):
        scheduled = t0 + i / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(_fire(port, raw, scheduled, out))
        pending.add(task)
        task.add_done_callback(pending.discard)
    if pending:
        await asyncio.wait(pending, timeout=grace)
    return out, t0


def open_loop(port: int, rows: list[tuple], rate: float, duration: int, nonce: str) -> dict:
    """Starts on a fixed timetable: request i is due at t0 + i / rate, sent then whatever the answers to
    earlier ones, each on its own connection (gunicorn's sync workers close after every response); its
    latency runs from its *due* time to the last byte of the answer, so time spent waiting behind a slow
    server counts (no coordinated omission). Requests still unanswered 30 s after the last was due count
    as failures with an infinite latency.
    """
    count = needed = int(rate * duration)
    if count > len(rows):
        print(f"  WARNING: the open loop needs {needed:,} fresh tasks, {len(rows):,} are left: it sends those "
              "(rebuild the seed with more tasks)", flush=True)
        count = len(rows)
    requests = [_start_request(port, row, f"{nonce}-{i}") for i, row in enumerate(rows[:count])]
    out, _t0 = asyncio.run(_timetable(port, requests, rate, grace=30.0))
    answered = {s for s, *_ in out}
    latencies = sorted((done - scheduled) * 1000 for scheduled, _sent, done, status in out)
    missing = count - len(answered)
    latencies += [float("inf")] * missing
    lags = sorted((sent - scheduled) * 1000 for scheduled, sent, _d, _s in out)
    statuses: dict[str, int] = {}
    for *_, status in out:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    if missing:
        statuses["unanswered"] = missing

    def pct(values, p):
        return round(values[min(len(values) - 1, int(p / 100 * len(values)))], 1) if values else None

    ok = sum(n for s, n in statuses.items() if s.startswith("2"))
    return {"rate": round(rate, 1), "duration_s": duration, "scheduled": count, "short_of_tasks": needed - count,
            "ok": ok, "non_2xx": count - ok,
            "statuses": statuses, "latency_ms": {str(p): pct(latencies, p) for p in (50, 75, 90, 99, 99.9)}
            | {"max": round(latencies[-1], 1) if latencies else None},
            "send_lag_ms": {"50": pct(lags, 50), "99": pct(lags, 99), "max": round(lags[-1], 1) if lags else None},
            "load_after": round(os.getloadavg()[0], 2)}


# --- checks and profile ------------------------------------------------------------------------------------


def visits_written(nonce: str) -> dict:
    """Visits this phase wrote (idempotency keys start with its nonce), by status."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM inspections_visit WHERE idempotency_key LIKE %s GROUP BY status",
                    [nonce + "-%"])
        return dict(cur.fetchall())


def seal() -> float:
    """The periodic job (``audit_seal``) between phases, as production's timer runs it; untimed in figures."""
    from clearcheck.audit.services import audit_seal

    started = time.perf_counter()
    audit_seal()
    return round(time.perf_counter() - started, 2)


# --- the run ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="postgres", choices=["postgres"], help="PostgreSQL only (issue 4)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--duration", type=int, default=30, help="seconds of each wrk phase")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of wrk before each measured phase")
    parser.add_argument("--open-duration", type=int, default=60)
    parser.add_argument("--open-rate", type=float, default=None, help="default: half of (2)'s successful rps")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seal-mode", default="job", choices=["job", "on_commit"])
    parser.add_argument("--no-pair", action="store_true", help="skip (3), the start + confirm pairs")
    parser.add_argument("--profile", type=int, default=40, help="requests profiled in-process (0: none)")
    parser.add_argument("--no-prepared-statements", action="store_true",
                        help="DB_PREPARED_STATEMENTS=0 for the server and the profile (the baseline of ADR 0016)")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the seed county")
    parser.add_argument("--keep", action="store_true", help="keep clearcheck_bench_checkin afterwards")
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--n", type=int, default=None,
                        help="(bench.run_all) tasks in the seed: enterprises = n / agencies")
    args = parser.parse_args(argv)
    if args.n:
        args.enterprises = -(-args.n // args.agencies)
    has_wrk = shutil.which("wrk") is not None
    if not has_wrk:
        print("wrk is not installed (apt-get install -y wrk, the Debian package): phases (1)-(3) are SKIPPED; the "
              f"open loop runs at --open-rate (default {NO_WRK_RATE:g}/s) and the profile as usual", flush=True)
    target_resolve(PG + RUN_DB, "checkin")  # the bench-only name check of bench.common
    facts = seed_ensure(args)
    report: dict = {"bench": "checkin", "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "seed": facts, "settings": vars(args), "phases": {}}
    report["database_copy_s"] = round(run_database_copy(), 2)

    os.environ["DB_PREPARED_STATEMENTS"] = "0" if args.no_prepared_statements else "1"
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=PG + RUN_DB, CLEARCHECK_VAR_DIR=str(BENCH_VAR),
                      CLEARCHECK_AUDIT_SEAL_MODE="job", CLEARCHECK_FAST_PASSWORDS="1", DJANGO_DEBUG="0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from bench import checkin_data

    call_command("migrate", verbosity=0, interactive=False)  # a migration added since the seed was built
    call_command("init", verbosity=0)  # keys are made only on purpose
    checkin_data.tokens_issue()
    rows = checkin_data.plan_read(0, 10**9)
    # The profile's tasks, and the open loop's when its rate is given, are set aside first, so that closed-loop
    # phases which use up the plan leave them their share.
    profile_count = 3 * args.profile + 3 if args.profile else 0
    open_count = int(args.open_rate * args.open_duration) if args.open_rate else 0
    cut = max(0, len(rows) - profile_count - open_count)
    rows, open_rows, profile_rows = rows[:cut], rows[cut:cut + open_count], rows[cut + open_count:]
    nonce = "b" + dt.datetime.now(dt.UTC).strftime("%H%M%S")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = server_start(port, args.workers, args.seal_mode)
    phases = report["phases"]
    offset = 0
    wrk_opts = {"threads": args.threads, "connections": args.connections}

    def skipped(name: str, why: str) -> dict:
        print(f"  WARNING: ({name}) SKIPPED: {why} (rebuild the seed with more tasks: --n or --enterprises)", flush=True)
        return {"skipped": why}

    def step(name: str, mode: str) -> dict:
        nonlocal offset
        if mode != "ping" and offset >= len(rows):
            return skipped(name, "no fresh tasks left")
        plan = plan_write(rows[offset:], name) if mode != "ping" else None
        if args.warmup:
            warm = wrk_run(url, mode, plan, f"{nonce}w{name}", duration=args.warmup, **wrk_opts)
            server_drain(port)
            if plan:
                offset += warm["plan_lines_used_per_thread_max"] * args.threads + args.threads
                if offset >= len(rows):
                    return skipped(name, "its warm-up used the last fresh tasks")
                plan = plan_write(rows[offset:], name)
        before = cpu_sample(server)
        result = wrk_run(url, mode, plan, f"{nonce}{name}", duration=args.duration, **wrk_opts)
        result["drain_s"] = server_drain(port)  # the in-flight requests finish (and write) after wrk stops
        result["cpu"] = cpu_delta(before, cpu_sample(server))
        if plan:
            offset += result["plan_lines_used_per_thread_max"] * args.threads + args.threads
            result["visits_written"] = visits_written(f"{nonce}{name}")
            result["seal_s"] = seal()
            if result["exhausted"]:
                print(f"  WARNING: {name} ran out of fresh tasks ({result['exhausted']} repeats, refused)")
        # The CPU window includes the drain, so divide by every request served: for the starts, the visits
        # written (the 2xx plus those answered after wrk stopped); for the pairs, visits written + opened.
        written = sum(result.get("visits_written", {}).values())
        served = {"ping": result["ok"], "start": written,
                  "pair": written + result.get("visits_written", {}).get("open", 0)}[mode] or 1
        result["requests_served"] = served
        result["cpu_ms_per_request_served"] = {k.replace("_cpu_s", ""): round(v * 1000 / served, 2)
                                               for k, v in result["cpu"].items() if k.endswith("_cpu_s")}
        print(f"  ({name}) {result['rps_ok']:,.1f} 2xx/s, non-2xx {result['non_2xx']}, statuses {result['statuses']}, "
              f"p50 {result['latency_us']['percentiles']['50'] / 1000:.1f} ms, "
              f"p99 {result['latency_us']['percentiles']['99'] / 1000:.1f} ms, load {result['load_after']}, "
              f"cpu {result['cpu']}", flush=True)
        time.sleep(2)
        return result

    try:
        print(f"server: gunicorn config.wsgi -w {args.workers} on {url}; {len(rows):,} fresh tasks", flush=True)
        if has_wrk:
            phases["1_ping"] = step("ping", "ping")
            phases["2_start"] = step("start", "start")
        else:
            phases["1_ping"] = phases["2_start"] = {"skipped": "wrk is not installed"}
        if not args.no_pair:
            pair = phases["3_pair"] = step("pair", "pair") if has_wrk else {"skipped": "wrk is not installed"}
            if "skipped" not in pair:
                pair["pairs_per_s"] = round(pair["statuses"].get("200", 0) / pair["seconds"], 1)
                print(f"  (pair) {pair['pairs_per_s']} opened visits/s")
        rate = args.open_rate or phases["2_start"].get("rps_ok", 0) / 2 or NO_WRK_RATE
        open_nonce = f"{nonce}open"
        open_rows = open_rows or rows[offset:]  # set aside, or what the closed-loop phases left
        if not open_rows:
            phases["4_open_loop"] = skipped("open loop", "no fresh tasks left")
        else:
            before = cpu_sample(server)
            result = open_loop(port, open_rows, rate, args.open_duration, open_nonce)
            result["cpu"] = cpu_delta(before, cpu_sample(server))
            result["visits_written"] = visits_written(open_nonce)
            result["seal_s"] = seal()
            phases["4_open_loop"] = result
            print(f"  (open loop) {result['rate']}/s for {result['duration_s']} s: latency ms {result['latency_ms']}, "
                  f"statuses {result['statuses']}, send lag ms {result['send_lag_ms']}, load {result['load_after']}",
                  flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.profile:
        from bench.checkin_profile import components, profile

        phases["5_profile"] = profile(profile_rows, args.profile)
        phases["5_profile"]["components"] = components(profile_rows[2 * args.profile + 3:], args.profile)
        print(f"  (profile) {json.dumps({k: v for k, v in phases['5_profile'].items() if k != 'files'})}")
    ping, start = phases["1_ping"].get("rps_ok"), phases["2_start"].get("rps_ok")
    ratio = report["ratio_start_to_ping"] = round(start / ping, 3) if ping and start is not None else None
    p99 = phases["4_open_loop"].get("latency_ms", {}).get("99")
    # None: not measured (no wrk, or no fresh tasks left for the phase).
    report["goals"] = {"throughput: start ≥ 15% of ping": None if ratio is None else ratio >= 0.15,
                       "latency: open-loop p99 < 50 ms": None if p99 is None else p99 < 50}
    import hashlib

    report["code_under_test"] = {
        name: hashlib.sha256((ROOT / name).read_bytes()).hexdigest()[:12]
        for name in ("clearcheck/inspections/services/visits.py", "clearcheck/inspections/api_routes/visits.py",
                     "clearcheck/inspections/selectors/visits.py", "clearcheck/inspections/services/records.py",
                     "clearcheck/inspections/rules.py", "clearcheck/planning/services/caps.py")
        if (ROOT / name).exists()
    } | {"git_head": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip()}
    report["machine"] = machine_facts() | {"load_at_end": os.getloadavg(), "wrk": "not installed" if not has_wrk else
                                           subprocess.run(["wrk", "--version"], capture_output=True,
                                                          text=True).stdout.split("\n")[0].strip()}
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _admin([f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)'])
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"checkin-postgresql-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(f"ratio start/ping {report['ratio_start_to_ping']}; goals {report['goals']}\nresults: {path}")
    return report


if __name__ == "__main__":
    main()
