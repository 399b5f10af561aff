"""Run every benchmark at one size on SQLite and (when it answers) PostgreSQL; print one table.

    python -m bench.run_all                 # n = 20,000 (what `make bench` runs)
    python -m bench.run_all --tiny          # n = 1,000 and short phases: every bench runs once, for CI
    python -m bench.run_all --n 200000 --database postgres --only draw dashboard

Each benchmark runs in its own process (Django is configured once per process) against its own
throw-away database, as ``python -m bench.<name> --database <engine> --n <n × scale>`` plus the
arguments of ``BENCHES`` (what n counts differs by bench: see ``BENCHES`` and bench/README.md). The
figures are also kept as JSON under ``var/bench/results/``. Exit status 1 if any benchmark failed
(non-zero exit or no results file), or if PostgreSQL was asked for and does not answer.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.common import RESULTS_DIR, ROOT


@dataclass(frozen=True)
class Bench:
    """One benchmark as run_all drives it."""

    name: str  # the module bench.<name>, and the prefix of its results file
    counts: str  # what its --n counts
    scale: float = 1.0  # its n = run_all's n × scale
    engines: tuple[str, ...] = ("sqlite", "postgres")
    args: tuple[str, ...] = ()  # extra arguments at the default size
    tiny: tuple[str, ...] = ()  # extra arguments with --tiny


BENCHES = [
    Bench("audit_verify", "sealed audit events"),
    Bench("import_enterprises", "enterprises imported from CSV"),
    Bench("planning_caps", "tasks, over n / 2 enterprises"),
    Bench("draw", "enterprises in the registry (the pool admits ~21 %); officers n / 16,667, 10 to 300",
          tiny=("--repeat", "1", "--verify-repeat", "1")),
    Bench("dashboard", "visits; enterprises n / 10, tasks n / 5", args=("--runs", "5"), tiny=("--runs", "3")),
    # Its seed is built through the services (~50 ms a task), hence a quarter of n; the phases are shortened
    # to what such a seed can feed (a phase left without fresh tasks is skipped with a warning).
    Bench("checkin", "approved tasks in the seed county", scale=0.25, engines=("postgres",),
          args=("--warmup", "3", "--duration", "10", "--open-duration", "15"),
          tiny=("--agencies", "2", "--officers", "4", "--warmup", "0", "--duration", "1", "--open-duration", "2",
                "--open-rate", "20", "--profile", "5")),
]
TINY_N = 1_000
ENGINE_LABEL = {"sqlite": "sqlite", "postgres": "postgresql"}


def postgres_answers() -> bool:
    """Whether the local PostgreSQL server accepts connections."""
    try:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def result_read(bench: Bench, database: str, since: float) -> dict | None:
    """The results file the run just wrote (its name carries a time stamp for some benches)."""
    engine = ENGINE_LABEL[database]
    written = [p for p in RESULTS_DIR.glob(f"{bench.name}-*.json")
               if p.stat().st_mtime >= since and f"-{engine}" in p.name]
    return json.loads(max(written, key=lambda p: p.stat().st_mtime).read_text()) if written else None


def result_lines(result: dict) -> list[tuple[str, float | None, str]]:
    """(step, seconds, rate or value) rows of a results file: a Report's figures, or check-in's phases."""
    if "figures" in result:
        rows = [(f["label"], f["seconds"], f"{f['rows_per_s']:,.0f}" if f.get("rows_per_s") else "")
                for f in result["figures"]]
        rows += [(f"{key}: {value}", None, "") for key, value in result["facts"].items()
                 if "raw rate" in key or key in ("platform importer", "WARNING")]
        return rows
    rows = []
    for name, phase in result.get("phases", {}).items():
        if "skipped" in phase:
            rows.append((f"{name}: SKIPPED ({phase['skipped']})", None, ""))
        elif "rps_ok" in phase:
            rows.append((f"{name}: 2xx/s, p99 {phase['latency_us']['percentiles']['99'] / 1000:.1f} ms, "
                         f"non-2xx {phase['non_2xx']}", phase["seconds"], f"{phase['rps_ok']:,.1f}"))
        elif "latency_ms" in phase:
            rows.append((f"{name}: {phase['rate']}/s, p99 {phase['latency_ms']['99']} ms, non-2xx {phase['non_2xx']}",
                         None, ""))
        else:
            rows += [(f"{name}: {label} median ms {phase[label]['ms']}, {phase[label]['queries']} queries", None, "")
                     for label in ("start", "confirm") if label in phase]
    rows.append((f"ratio start/ping {result.get('ratio_start_to_ping')}", None, ""))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=None, help=f"size (default 20,000; {TINY_N:,} with --tiny)")
    parser.add_argument("--tiny", action="store_true", help="small and short: every bench runs once (CI)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHES], help="these benchmarks only")
    args = parser.parse_args(argv)
    n = args.n or (TINY_N if args.tiny else 20_000)

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_answers():
        if args.database == "postgres":
            print("PostgreSQL at 127.0.0.1:5432 does not answer")
            return 1
        print("PostgreSQL at 127.0.0.1:5432 does not answer: running SQLite only")
        databases.remove("postgres")

    failures = []
    started = time.perf_counter()
    lines = [f"{'benchmark':<19} {'database':<9} {'step':<70} {'seconds':>8} {'rows/s':>11}", "-" * 121]
    for bench in BENCHES:
        if args.only and bench.name not in args.only:
            continue
        for database in databases:
            if database not in bench.engines:
                print(f"\n=== {bench.name} on {database}: skipped ({'/'.join(bench.engines)} only)", flush=True)
                lines.append(f"{bench.name:<19} {database:<9} skipped ({'/'.join(bench.engines)} only)")
                continue
            size = max(1, int(n * bench.scale))
            command = [sys.executable, "-m", f"bench.{bench.name}", "--database", database, "--n", str(size),
                       *(bench.tiny if args.tiny else bench.args)]
            print(f"\n=== {bench.name} on {database}, n = {size:,} ({bench.counts}): {' '.join(command[1:])}",
                  flush=True)
            since = time.time() - 1
            run_started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, check=False)
            wall = time.perf_counter() - run_started
            result = result_read(bench, database, since) if done.returncode == 0 else None
            if result is None:
                why = f"exit {done.returncode}" if done.returncode else "no results file"
                failures.append(f"{bench.name} on {database} ({why})")
                lines.append(f"{bench.name:<19} {database:<9} FAILED ({why}) after {wall:.1f} s")
                continue
            for step, seconds, rate in result_lines(result):
                shown = f"{seconds:>8.2f}" if seconds is not None else " " * 8
                lines.append(f"{bench.name:<19} {database:<9} {step[:70]:<70} {shown} {rate:>11}")
            lines.append(f"{bench.name:<19} {database:<9} {'(the whole run: data, migrations, every step)':<70} "
                         f"{wall:>8.2f}")
    print("\n" + "\n".join(lines))
    print(f"\nall benchmarks: {time.perf_counter() - started:.0f} s, n = {n:,}" + (" (--tiny)" if args.tiny else ""))
    if failures:
        print("FAILED: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
