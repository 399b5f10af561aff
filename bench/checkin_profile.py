"""Phase (5) of the check-in benchmark (``bench/checkin.py``): single starts and confirms in-process, with
the server stopped — SQL statements per request, wall and CPU time, a cProfile summed into parts, and the
parts called on their own next to two yardsticks (one ORM query, the same SELECT through a raw cursor).
"""

from __future__ import annotations

import json
import time

from bench.checkin import WORK, _cpu_of

# Where a request's CPU goes: cumulative CPU time of these functions (file suffix, function name).
PROFILE_PARTS = {
    "whole request (Django handler)": ("django/core/handlers/base.py", "get_response"),
    "bearer token lookup (api_token_authenticate)": ("clearcheck/accounts/services.py", "api_token_authenticate"),
    "service: visit_start_by_code": ("clearcheck/inspections/services/visits.py", "visit_start_by_code"),
    "service: visit_confirm": ("clearcheck/inspections/services/visits.py", "visit_confirm"),
    "  of which the visit opening (_open: rules, cap, record_start)": ("clearcheck/inspections/services/visits.py",
                                                                       "_open"),
    "  of which record_start (B1)": ("clearcheck/inspections/services/records.py", "record_start"),
    "  of which the scan's reads (checkin_reads.scan_read)": ("clearcheck/inspections/services/checkin_reads.py",
                                                              "scan_read"),
    "  of which the tasks' reads (checkin_reads.tasks_read)": ("clearcheck/inspections/services/checkin_reads.py",
                                                               "tasks_read"),
    "  of which tier and count (tier_and_usage)": ("clearcheck/planning/selectors/tiers.py", "tier_and_usage"),
    "  of which the writes (_visit_create, audit included)": ("clearcheck/inspections/services/visits.py",
                                                             "_visit_create"),
    "  of which Ed25519 signature_valid": ("clearcheck/core/crypto.py", "signature_valid"),
    "  of which audit_record": ("clearcheck/audit/services.py", "audit_record"),
    "response: VisitOut from the visit in hand (ninja + pydantic)": ("ninja/operation.py", "_result_to_response"),
    "ORM: SQL compilation (SQLCompiler.as_sql)": ("django/db/models/sql/compiler.py", "as_sql"),
    "ORM: building model instances (Model.from_db)": ("django/db/models/base.py", "from_db"),
    "psycopg: execute (client side)": ("psycopg/cursor.py", "execute"),
}


def _parts(stats) -> dict:
    totals = dict.fromkeys(PROFILE_PARTS, 0.0)
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        for label, (suffix, name) in PROFILE_PARTS.items():
            if func == name and filename.endswith(suffix):
                totals[label] += ct
    return totals


def profile(rows: list[tuple], n: int) -> dict:
    """Single requests through Django's test client in this process (the server stopped, so nothing else
    runs): n starts and n confirms timed (wall and this process's CPU; queries and their time), then n more
    of each under cProfile with a CPU-time clock, summed into ``PROFILE_PARTS`` (ms of CPU per request)."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def start(row, key):
        task, _e, token, first, _second = row
        return client.post("/api/visits/start-by-code", json.dumps({"token": token, "task_ids": [task],
                                                                     "idempotency_key": key}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {first}")

    def confirm(row, visit):
        return client.post(f"/api/visits/{visit}/confirm", "{}", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {row[4]}")

    for i, row in enumerate(rows[:3]):  # warm: imports, schemas, the connection
        start(row, f"profile-warm-{i}")
    rows = rows[3:]
    result: dict = {label: {"queries": [], "ms": [], "cpu_ms": [], "sql_ms": [], "status": {}}
                    for label in ("start", "confirm")}
    sql_text: dict = {}
    refused = "none (no fresh tasks left)"
    for i, row in enumerate(rows[:n]):
        visit = None
        for label in ("start", "confirm"):
            with CaptureQueriesContext(connection) as q:
                wall, cpu = time.perf_counter(), time.process_time()
                r = start(row, f"profile-{i}") if label == "start" else confirm(row, visit)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            data = result[label]
            data["status"][str(r.status_code)] = data["status"].get(str(r.status_code), 0) + 1
            data["queries"].append(len(q.captured_queries))
            data["ms"].append(wall * 1000)
            data["cpu_ms"].append(cpu * 1000)
            data["sql_ms"].append(sum(float(x["time"]) for x in q.captured_queries) * 1000)
            sql_text.setdefault(label, [x["sql"] for x in q.captured_queries])
            visit = r.json().get("id") if r.status_code == 201 else None
            if visit is None:
                refused = r.content.decode()[:400]
                break
    if not result["start"]["status"].get("201"):
        # Nothing to profile, and a check-in that never starts is a broken benchmark, not a figure.
        raise SystemExit(f"profile: no start succeeded ({result['start']['status']}); the last answer: {refused}")
    for data in result.values():
        for key in ("queries", "ms", "cpu_ms", "sql_ms"):
            values = sorted(data[key])
            data[key] = round(values[len(values) // 2], 2) if values else None  # median
    profs = {"start": cProfile.Profile(time.process_time), "confirm": cProfile.Profile(time.process_time)}
    done = dict.fromkeys(profs, 0)
    for i, row in enumerate(rows[n:2 * n]):
        profs["start"].enable()
        r = start(row, f"profile-cpu-{i}")
        profs["start"].disable()
        done["start"] += r.status_code == 201
        if r.status_code != 201:
            continue
        profs["confirm"].enable()
        r = confirm(row, r.json()["id"])
        profs["confirm"].disable()
        done["confirm"] += r.status_code == 200
    files = []
    for label, prof in profs.items():
        # cProfile's own overhead grows with the number of calls, so its totals are several times the real
        # CPU time: each part is given as a share of the whole request and scaled to the unprofiled median.
        parts = _parts(pstats.Stats(prof))
        whole = parts["whole request (Django handler)"] or 1.0
        result[label]["cpu_share_by_part"] = {k: f"{v / whole:.0%} ≈ {v / whole * result[label]['cpu_ms']:.1f} ms"
                                              for k, v in parts.items() if v}
        stream = io.StringIO()
        pstats.Stats(prof, stream=stream).sort_stats("tottime").print_stats(30)
        stream.write("\n\nby cumulative time\n")
        pstats.Stats(prof, stream=stream).sort_stats("cumulative").print_stats(60)
        path = WORK / f"profile-{label}.txt"
        path.write_text(f"{done[label]} requests, CPU-time clock\n" + stream.getvalue())
        files.append(str(path))
    for label, sqls in sql_text.items():
        path = WORK / f"queries-{label}.sql"
        path.write_text("\n".join(f"-- {i + 1}\n{s};" for i, s in enumerate(sqls)))
        files.append(str(path))
    result["files"] = files
    return result


def components(rows: list[tuple], n: int) -> dict:
    """The parts of a start called directly, unprofiled (CPU ms per call, median of n, this process; and
    the mean CPU its PostgreSQL backend spent per call): the same request path with the minimal view, the
    bearer-token lookup, the code check, the service alone, the response (``_detail``) alone, and two
    yardsticks — one ORM query by primary key, and the same SELECT through a raw cursor."""
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from clearcheck.accounts.services import api_token_authenticate
    from clearcheck.inspections.api_routes.visits import _detail
    from clearcheck.inspections.services.visits import visit_start_by_code
    from clearcheck.registry.codes import enterprise_code_check
    from clearcheck.registry.models import Enterprise

    client, factory = Client(), RequestFactory()
    users = {}
    rows = rows[:n]

    def user_of(bearer):
        if bearer not in users:
            users[bearer] = api_token_authenticate(token=bearer)
        return users[bearer]

    visits = []

    def service(row):
        task, _e, token, first, _second = row
        visit = visit_start_by_code(actor=user_of(first), token=token, task_ids=[task],
                                    idempotency_key=f"component-{task}")
        visits.append((visit.pk, first))

    def detail(item):
        request = factory.get("/")
        request.user = user_of(item[1])
        _detail(request, item[0])

    def table(cursor_select):
        def run(row):
            if cursor_select:
                with connection.cursor() as cur:
                    cur.execute("SELECT * FROM registry_enterprise WHERE id = %s", [row[1]])
                    cur.fetchone()
            else:
                Enterprise.objects.filter(pk=row[1]).first()
        return run

    parts = {
        "GET /ping through the test client (the request path alone)": (lambda _row: client.get("/ping"), rows),
        "api_token_authenticate (bearer lookup)": (lambda row: api_token_authenticate(token=row[3]), rows),
        "enterprise_code_check (signature + 2 queries)": (lambda row: enterprise_code_check(row[2]), rows),
        "services.visits.visit_start_by_code alone": (service, rows),
        "api_routes.visits._detail alone (the 201 body)": (detail, visits),
        "yardstick: Enterprise.objects.filter(pk=…).first()": (table(False), rows),
        "yardstick: the same SELECT through a raw cursor": (table(True), rows),
    }
    for row in rows[:2]:  # warm
        user_of(row[3])
        api_token_authenticate(token=row[3])
        enterprise_code_check(row[2])
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    out = {}
    for label, (fn, items) in parts.items():
        items = list(items)
        cpu, counts = [], []
        server = _cpu_of(backend)
        for item in items:
            with CaptureQueriesContext(connection) as q:
                started = time.process_time()
                fn(item)
                cpu.append((time.process_time() - started) * 1000)
            counts.append(len(q.captured_queries))
        server = (_cpu_of(backend) - server) * 1000 / max(len(items), 1)
        cpu.sort()
        out[label] = {"cpu_ms": round(cpu[len(cpu) // 2], 2), "postgres_cpu_ms_mean": round(server, 2),
                      "queries": counts[len(counts) // 2] if counts else 0}
    return out
