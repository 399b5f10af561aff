"""Run every benchmark at a small size on SQLite and (when it answers) PostgreSQL; print one table.

    python -m bench.run_all                 # n = 20,000 each (what `make bench` runs)
    python -m bench.run_all --n 1000000     # the sizes of docs/performance.md
    python -m bench.run_all --database sqlite

Each benchmark runs in its own process (Django is configured once per process) against its own
throw-away database; the figures are also kept as JSON under ``var/bench/results/``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from bench.common import RESULTS_DIR

BENCHES = [("audit_verify", "bench.audit_verify"), ("import_enterprises", "bench.import_enterprises"),
           ("planning_caps", "bench.planning_caps")]  # planning: n tasks over n / 2 enterprises
ENGINE_LABEL = {"sqlite": "sqlite", "postgres": "postgresql"}


def postgres_answers() -> bool:
    """Whether the local PostgreSQL server accepts connections."""
    try:
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=20_000, help="rows per benchmark (default 20,000)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    if "postgres" in databases and not postgres_answers():
        print("PostgreSQL at 127.0.0.1:5432 does not answer: running SQLite only")
        databases.remove("postgres")

    failures = 0
    lines = [f"{'benchmark':<20} {'database':<11} {'step':<62} {'seconds':>8} {'rows/s':>11}", "-" * 116]
    for name, module in BENCHES:
        for database in databases:
            print(f"\n=== {name} on {database}, n = {args.n:,}", flush=True)
            done = subprocess.run([sys.executable, "-m", module, "--database", database, "--n", str(args.n)],
                                  check=False)
            if done.returncode != 0:
                failures += 1
                lines.append(f"{name:<20} {database:<11} FAILED (exit {done.returncode})")
                continue
            result = json.loads((RESULTS_DIR / f"{name}-{ENGINE_LABEL[database]}-{args.n}.json").read_text())
            for fig in result["figures"]:
                rate = f"{fig['rows_per_s']:,.0f}" if fig.get("rows_per_s") else ""
                lines.append(f"{name:<20} {database:<11} {fig['label'][:62]:<62} {fig['seconds']:>8.2f} {rate:>11}")
            for key, value in result["facts"].items():
                if "raw rate" in key or key in ("platform importer", "WARNING"):
                    lines.append(f"{'':<20} {'':<11} {key}: {value}")
    print("\n" + "\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
