"""Interleaved A/B of the check-in start with and without prepared statements (ADR 0016), in one process
against one copy of the seed county.

    python -m bench.checkin_ab                       # defaults: 10 rounds × 2 settings × 150 starts
    python -m bench.checkin_ab --rounds 20 --starts 200

Why in-process and interleaved: on the shared machines of this project the CPU's speed drifts by tens of
percent over minutes (``/ping`` itself moved from 2,700 to 4,000 requests/s between runs of ``bench.checkin`` on
7 Dec 2026). A wrk run of each setting after the other measures the drift as much as the setting. Here
every round runs both settings one after the other, in alternating order, on fresh tasks, so each
setting sees the same machine; the figures are medians over rounds.

Each start is a real ``POST /api/visits/start-by-code`` through Django's handler (the test client, as in
phase 5 of ``bench.checkin``), with the first officer's bearer token, committed. Measured per start:
this process's CPU (``time.process_time``: the worker's share) and the CPU of this connection's
PostgreSQL backend (``/proc/<pid>/stat``: the database's share). The baseline is the start without
prepared statements (as it ran before ADR 0016), measured in the same rounds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time

from bench.checkin import BENCH_VAR, PG, ROOT, RUN_DB, _cpu_of, run_database_copy, seed_ensure

SETTINGS = {"client-side binding (before)": False, "prepared statements (now)": True}


def _apply(prepared: bool) -> None:
    from django.db import connection

    # psycopg prepares nothing while the threshold is None (core.rows.prepared_cursor then binds on the
    # client, as Django does); dropping what was prepared makes each setting start from the same state.
    connection.ensure_connection()
    raw = connection.connection
    raw.prepare_threshold = 5 if prepared else None
    raw._prepared.clear()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--starts", type=int, default=150, help="starts per setting and round")
    parser.add_argument("--warm", type=int, default=20, help="starts before each measured block (untimed)")
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    facts = seed_ensure(args)
    copy_s = run_database_copy()
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL=PG + RUN_DB,
                      CLEARCHECK_VAR_DIR=str(BENCH_VAR), CLEARCHECK_AUDIT_SEAL_MODE="job",
                      CLEARCHECK_FAST_PASSWORDS="1", DJANGO_DEBUG="0", DB_PREPARED_STATEMENTS="1",
                      DB_CONN_MAX_AGE="86400")  # one backend, whose CPU is read
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench import checkin_data

    call_command("migrate", verbosity=0, interactive=False)
    call_command("init", verbosity=0)  # keys are made only on purpose
    checkin_data.tokens_issue()
    rows = iter(checkin_data.plan_read(0, 10**9))
    needed = args.rounds * len(SETTINGS) * (args.starts + args.warm)
    if needed > facts["tasks"]:
        raise SystemExit(f"{needed:,} starts need as many fresh tasks; the seed has {facts['tasks']:,}")
    client = Client()
    nonce = "ab" + dt.datetime.now(dt.UTC).strftime("%H%M%S")

    def start(i: int) -> None:
        task, _e, token, first, _second = next(rows)
        response = client.post("/api/visits/start-by-code",
                               json.dumps({"token": token, "task_ids": [task], "idempotency_key": f"{nonce}-{i}"}),
                               content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {first}")
        if response.status_code != 201:
            raise SystemExit(f"start answered {response.status_code}: {response.content[:300]!r}")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print(f"A/B of the check-in start: {args.rounds} rounds × {len(SETTINGS)} settings × {args.starts} starts "
          f"({needed:,} tasks of {facts['tasks']:,}); database copy {copy_s:.1f} s", flush=True)
    names = list(SETTINGS)
    per_start: dict[str, dict[str, list[float]]] = {n: {"worker_ms": [], "postgres_ms": []} for n in names}
    counter = 0
    for rnd in range(args.rounds):
        order = names[rnd % len(names):] + names[:rnd % len(names)]
        for name in order:
            _apply(SETTINGS[name])
            for _ in range(args.warm):
                start(counter := counter + 1)
            pg_before, cpu_before = _cpu_of(backend), time.process_time()
            for _ in range(args.starts):
                start(counter := counter + 1)
            cpu, pg = time.process_time() - cpu_before, _cpu_of(backend) - pg_before
            per_start[name]["worker_ms"].append(cpu * 1000 / args.starts)
            per_start[name]["postgres_ms"].append(pg * 1000 / args.starts)
        print(f"  round {rnd + 1}: " + "; ".join(
            f"{n}: {per_start[n]['worker_ms'][-1]:.2f} + {per_start[n]['postgres_ms'][-1]:.2f} ms" for n in names),
            flush=True)
    _apply(True)
    summary = {}
    base = None
    for name in names:
        worker = statistics.median(per_start[name]["worker_ms"])
        postgres = statistics.median(per_start[name]["postgres_ms"])
        total = worker + postgres
        base = base or total
        summary[name] = {"worker_ms_median": round(worker, 2), "postgres_ms_median": round(postgres, 2),
                         "total_ms": round(total, 2), "vs_before": round(total / base, 3),
                         "worker_ms_rounds": [round(v, 2) for v in per_start[name]["worker_ms"]],
                         "postgres_ms_rounds": [round(v, 2) for v in per_start[name]["postgres_ms"]]}
        print(f"{name:30} worker {worker:5.2f} ms + PostgreSQL {postgres:5.2f} ms = {total:5.2f} ms per start "
              f"({total / base:.0%} of before)")
    report = {"bench": "checkin_ab", "started_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "settings": vars(args), "seed": facts, "per_start": summary}
    out = BENCH_VAR / "results" / f"checkin-ab-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"results: {out}")
    return report


if __name__ == "__main__":
    main()
