"""Shared plumbing of the benchmarks: a throw-away database, Django set-up, timing and tables.

A benchmark never touches the development database: PostgreSQL runs go to a database whose
name starts with ``clearcheck_bench`` (dropped and created afresh), SQLite runs to a file under
``var/bench/``. Everything the settings module would create (secret key, signing key) goes to
``var/bench/`` too, through ``CLEARCHECK_VAR_DIR``.

Every bench database holds every migration of the project (a bench that migrated only the apps it
named fell behind when an app it writes into through a dependency gained a migration). Migrating
from scratch takes 10-20 s, so the first bench database migrated on an engine is kept as that
engine's *template* (``clearcheck_bench_template_<digest>`` / ``var/bench/template-<digest>.sqlite3``,
the digest that of the migration files on disk) and later ones start as a copy of it (under a second).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
RESULTS_DIR = BENCH_VAR / "results"
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/"


@dataclass
class Target:
    """Where a benchmark writes: its engine, Django ``DATABASE_URL`` and a label for tables."""

    engine: str  # "postgresql" or "sqlite"
    url: str
    label: str
    sqlite_path: Path | None = None
    empty: bool = False  # database_recreate left it empty: django_setup migrates it and keeps it as the template


def target_resolve(database: str, bench_name: str) -> Target:
    """Turn ``--database`` (``sqlite``, ``postgres`` or a URL) into a bench-only target."""
    if database == "sqlite":
        path = BENCH_VAR / f"{bench_name}.sqlite3"
        return Target("sqlite", f"sqlite:///{path}", "SQLite", path)
    if database in ("postgres", "postgresql", "pg"):
        database = PG_DEFAULT + f"clearcheck_bench_{bench_name}"
    parsed = urlparse(database)
    if parsed.scheme.startswith("postgres"):
        name = parsed.path.lstrip("/")
        if not name.startswith("clearcheck_bench"):
            sys.exit(f"refusing to use database {name!r}: bench databases must be named clearcheck_bench*")
        return Target("postgresql", database, "PostgreSQL")
    if parsed.scheme == "sqlite":
        # sqlite:////absolute/path or sqlite:///relative/path, as dj-database-url reads them.
        path = Path(parsed.path[1:]).resolve()
        if BENCH_VAR.resolve() not in path.parents:
            sys.exit(f"refusing to use {path}: bench SQLite files live under {BENCH_VAR}")
        return Target("sqlite", f"sqlite:///{path}", "SQLite", path)
    sys.exit(f"unknown --database {database!r} (sqlite, postgres or a postgres:// / sqlite:/// URL)")


def migrations_digest() -> str:
    """12 hex digits naming the migrations on disk (every app's migration files and Django's version)."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted((ROOT / "clearcheck").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _admin_url(target: Target) -> str:
    return urlunparse(urlparse(target.url)._replace(path="/postgres"))


def _template_name(target: Target) -> str:
    if target.engine == "sqlite":
        return str(BENCH_VAR / f"template-{migrations_digest()}.sqlite3")
    return f"clearcheck_bench_template_{migrations_digest()}"


def database_recreate(target: Target) -> None:
    """Start afresh: drop the database (PostgreSQL) or delete the file (SQLite) and create it again as a
    copy of the engine's migrated template, or empty when there is none for the migrations on disk."""
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    template = _template_name(target)
    if target.engine == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
        target.empty = not Path(template).exists()
        if not target.empty:
            shutil.copyfile(template, target.sqlite_path)
        return
    import psycopg

    name = urlparse(target.url).path.lstrip("/")
    with psycopg.connect(_admin_url(target), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        target.empty = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone() is None
        conn.execute(f'CREATE DATABASE "{name}"' + ("" if target.empty else f' TEMPLATE "{template}"'))


def template_save(target: Target) -> None:
    """Keep the just-migrated, still empty database as the engine's template; drop older templates."""
    from django.db import connections

    connections.close_all()  # PostgreSQL copies a database only while nobody is connected to it
    template = _template_name(target)
    if target.engine == "sqlite":
        for old in BENCH_VAR.glob("template-*.sqlite3"):
            old.unlink()
        partial = Path(f"{template}.partial")
        # The backup API copies a consistent database whatever is still in the write-ahead log.
        with closing(sqlite3.connect(target.sqlite_path)) as source, closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        partial.replace(template)
        return
    import psycopg

    name = urlparse(target.url).path.lstrip("/")
    with psycopg.connect(_admin_url(target), autocommit=True) as conn:
        old = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, 'clearcheck_bench_template_') "
                           "AND datname <> %s", [template]).fetchall()
        for (old_name,) in old:
            conn.execute(f'DROP DATABASE IF EXISTS "{old_name}" WITH (FORCE)')
        with suppress(psycopg.errors.DuplicateDatabase):  # another run saved it meanwhile
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def django_setup(target: Target, *, migrate: bool = True) -> None:
    """Point the settings module at ``target``, create the bench's keys and (unless ``migrate`` is false)
    apply every migration of the project; an empty database just migrated becomes the template."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = target.url
    os.environ["CLEARCHECK_VAR_DIR"] = str(BENCH_VAR)
    # Nothing seals behind the benchmark's back; it seals (or writes the chain) itself.
    os.environ["CLEARCHECK_AUDIT_SEAL_MODE"] = "job"
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("init", verbosity=0)  # the bench's own keys, in BENCH_VAR (never made on first use)
    if not migrate:
        return
    # Every app, each to its latest migration: what a generator writes is not always in the dependency
    # chain of the apps it is about (catalog's special_sector was not in planning's). On a copy of the
    # template this only checks that nothing is left to apply.
    call_command("migrate", verbosity=0, interactive=False)
    if target.empty:
        template_save(target)
        target.empty = False


@contextmanager
def stopwatch(results: list, label: str, rows: int | None = None, note: str = ""):
    """Time the block and append a result row ``(label, seconds, rows, note)``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    extra: dict = {}
    yield extra
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    load = os.getloadavg()[0]
    results.append(Figure(label=label, seconds=seconds, rows=extra.get("rows", rows), note=extra.get("note", note),
                          cpu_seconds=cpu, load=load))
    print(f"  {label}: {seconds:.2f} s (this process's CPU {cpu:.2f} s, load {load:.2f})", flush=True)


@dataclass
class Figure:
    """One timed step."""

    label: str
    seconds: float
    rows: int | None = None
    note: str = ""
    cpu_seconds: float | None = None  # CPU time of the benchmark process (not of the database server)
    load: float | None = None  # 1-minute load average when the step ended (other work on the machine)

    @property
    def rate(self) -> float | None:
        """Rows per second, when the step has a row count."""
        return self.rows / self.seconds if self.rows and self.seconds else None


@dataclass
class Report:
    """All figures of one run with what it ran on."""

    bench: str
    database: str
    n: int
    figures: list[Figure] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def table(self) -> str:
        """A plain-text table of the figures."""
        lines = [f"{self.bench} on {self.database}, n = {self.n:,}"]
        lines.append(f"{'step':<72} {'seconds':>9} {'rows/s':>12} {'cpu s':>8} {'load':>5}  note")
        lines.append("-" * 126)
        for fig in self.figures:
            rate = f"{fig.rate:,.0f}" if fig.rate else ""
            lines.append(f"{fig.label:<72} {fig.seconds:>9.2f} {rate:>12} {fig.cpu_seconds or 0:>8.2f} "
                         f"{fig.load or 0:>5.2f}  {fig.note}")
        for key, value in self.facts.items():
            lines.append(f"  {key}: {value}")
        return "\n".join(lines)

    def save(self) -> Path:
        """Write the figures as JSON under ``var/bench/results/`` and return the path."""
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.bench}-{self.database.lower()}-{self.n}.json"
        data = asdict(self)
        data["machine"] = machine_facts()
        for fig, row in zip(self.figures, data["figures"], strict=True):
            row["rows_per_s"] = fig.rate
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return path


def machine_facts() -> dict:
    """nproc, memory, CPU model, Python and PostgreSQL versions (for docs/performance.md)."""
    facts = {"nproc": os.cpu_count(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                facts["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                facts["memory"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with suppress(OSError, subprocess.SubprocessError):
        facts["postgresql"] = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    import sqlite3

    facts["sqlite"] = sqlite3.sqlite_version
    return facts
