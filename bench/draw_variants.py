"""Prototypes for ``python -m bench.draw --variant NAME``: measured proposals, NOT the platform's code.

A variant swaps functions of ``clearcheck.sampling`` inside ``bench.draw``'s timing wrappers for the
duration of its draws (undone afterwards). It must give the very same frame bytes (same frame hash) and
the very same selection as the platform's code: ``same_as_platform`` re-checks every draw it made with the
platform's own functions, and the run says so.

Frame query (the platform's ``frame_build`` runs unchanged; only how its query's rows are fetched changes,
through a stand-in for ``pool_enterprises`` whose ``values_list(…).iterator()`` yields the same tuples):
    orm-unordered     the same ORM queryset with ``.order_by()``: no ``ORDER BY registry_enterprise.id``
                      (``Enterprise.Meta.ordering``), which the frame does not need (it is sorted anyway).
    raw-fetch         the same SQL, unordered, through a plain cursor (``fetchmany``): no server-side cursor
                      on PostgreSQL, no ORM row converters (three ``int()`` per row for the Coalesce columns).
    raw-fetch-sorted  raw-fetch with ``ORDER BY stratum COLLATE "C", uscc COLLATE "C"`` (SQLite: BINARY,
                      already byte order): the Python sort in frame_bytes then runs over sorted data.
    scan              SQLite: raw-fetch with ``FROM registry_enterprise NOT INDEXED``: a full scan instead of
                      the planner's search of the (region, industry) index for 10 regions, which then visits
                      1.5 million rows one by one (SQLite has no histogram here: no STAT4).
    sql-frame         PostgreSQL: the E block built by the server, ``string_agg(… ORDER BY uscc COLLATE "C")
                      FILTER (eligible) … GROUP BY stratum``, with the sizes and the at-cap count in the same
                      scan: a few values fetched instead of a million rows (officers, exclusions, unstaffed:
                      as the platform; this prototype refuses frames with exclusions, none in the bench).
Frame bytes and checks:
    frame-bytes-fast  algorithm.frame_bytes writing each 2-field line with one f-string and checking the
                      block with string scans only (same checks, same bytes).
    precheck-counts   _precheck counts strata and officers from the lists frame_build has just passed to
                      frame_bytes instead of parsing the frame again (proposal: pass them in).
Selection:
    parse-fast        algorithm.frame_parse splitting the E block in one go (irregular frames fall back to
                      the original, so the same refusals and messages).
    store-fast        _outcome_store: the picks as plain tuples (COPY / executemany into a temporary table,
                      then one INSERT … SELECT joining the registry by USCC for the enterprise id) instead
                      of 50,000 ORM objects and ``uscc__in`` lookups in chunks.
    select-sql        PostgreSQL: the ranking in SQL — the frame's E rows COPYed into a temporary table,
                      sha256(seed ‖ uscc) and row_number() per stratum in the server (to test the issue's
                      "sha256() runs in SQL"; same selection).
    no-enterprise-fk  PostgreSQL: the pick's foreign key to the enterprise without a database constraint
                      (``db_constraint=False``; the pick keeps the USCC, the frame is the record): at COMMIT
                      PostgreSQL no longer runs 50,000 deferred checks that each lock (``FOR KEY SHARE``) an
                      enterprise row on its own heap page. Prototyped by dropping the constraint in the bench
                      database for the variant's draws and adding it back afterwards.
    all               frame: sql-frame (PostgreSQL) or raw-fetch-sorted (SQLite), + frame-bytes-fast,
                      precheck-counts, parse-fast, store-fast (code changes only).
    all-nofk          PostgreSQL: all + no-enterprise-fk (a schema change too).
    all-scan          SQLite: scan + precheck-counts + store-fast (the changes that paid on SQLite).
Task creation (``--tasks-variant audit-bulk`` with ``--small-tasks N``):
    audit-bulk        planning's draw_tasks_create writes its one audit event per task with one
                      ``bulk_create`` per call instead of one ``AuditEvent.objects.create`` (one INSERT round
                      trip) per task: the same bodies (``canonical_text`` of the same fields), the same order.
"""

from __future__ import annotations

from clearcheck.sampling import algorithm
from clearcheck.sampling.services import draws

VARIANTS = ("orm-unordered", "raw-fetch", "raw-fetch-sorted", "scan", "sql-frame", "frame-bytes-fast", "precheck-counts",
            "parse-fast", "store-fast", "select-sql", "no-enterprise-fk", "all", "all-nofk", "all-scan")
PG_ONLY = {"sql-frame", "select-sql", "no-enterprise-fk", "all-nofk"}
SQLITE_ONLY = {"scan", "all-scan"}
_STASH: dict = {}
_PLATFORM: dict = {}


# --- frame query: a stand-in for pool_enterprises ----------------------------------------------------------


class _Rows:
    """``values_list(*columns)`` of the pool queryset, fetched another way."""

    def __init__(self, qs, columns, mode: str):
        self.qs, self.columns, self.mode = qs, columns, mode

    def iterator(self, chunk_size: int = 20000):
        from django.db import connection

        qs = self.qs.values_list(*self.columns).order_by()
        if self.mode == "orm-unordered":
            yield from qs.iterator(chunk_size=chunk_size)
            return
        sql, params = qs.query.sql_with_params()
        if self.mode == "scan":
            sql = sql.replace('FROM "registry_enterprise"', 'FROM "registry_enterprise" NOT INDEXED', 1)
        if self.mode == "raw-fetch-sorted":
            collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
            names = ", ".join(f'"{column}" AS c{n}' for n, column in enumerate(self.columns))
            sql = f"SELECT * FROM (SELECT {names} FROM ({sql}) AS q) AS p ORDER BY c0{collate}, c1{collate}"
        with connection.cursor() as cur:
            cur.execute(sql, params)
            while rows := cur.fetchmany(chunk_size):
                yield from rows


class _Pool:
    def __init__(self, qs, mode):
        self.qs, self.mode = qs, mode

    def values_list(self, *columns):
        return _Rows(self.qs, columns, self.mode)


def _pool_enterprises(mode: str):
    def stand_in(*args, **kwargs):
        return _Pool(_PLATFORM["pool_enterprises"](*args, **kwargs), mode)

    return stand_in


def frame_build_sql(draw, pools, items):
    """PostgreSQL: each stratum's E block aggregated in byte order by the server, with the counts."""
    from django.db import connection

    item_caps = {}
    for pool in pools:
        caps = [i.annual_cap for i in items if i.agency_id == pool.agency_id and i.annual_cap is not None]
        item_caps[pool.agency_id] = min(caps) if caps else None
    qs = _PLATFORM["pool_enterprises"](pools, year=draw.year, item_caps=item_caps, stratify=draw.stratify,
                                       cap_exclusion=False)
    columns = ["stratum", "uscc"] + [f"{k}{n}" for n in range(len(pools)) for k in ("rank", "used", "cap")]
    sql, params = qs.values_list(*columns).order_by().query.sql_with_params()
    names = ", ".join(f'"{column}" AS c{n}' for n, column in enumerate(columns))
    eligible = " AND ".join(f"c{2 + 3 * n} <> 1 AND c{3 + 3 * n} < c{4 + 3 * n}" for n in range(len(pools)))
    with connection.cursor() as cur:
        cur.execute(f"""
            SELECT c0, string_agg(E'E\\t' || c0 || E'\\t' || c1 || E'\\n', '' ORDER BY c1 COLLATE "C")
                           FILTER (WHERE {eligible}),
                   count(*) FILTER (WHERE {eligible}), count(*) FILTER (WHERE NOT ({eligible}))
            FROM (SELECT {names} FROM ({sql}) AS q) AS p GROUP BY c0 ORDER BY c0 COLLATE "C" """, params)
        rows = cur.fetchall()
    eblock = "".join(block or "" for _, block, _, _ in rows)
    n, at_cap = sum(r[2] for r in rows), sum(r[3] for r in rows)
    officers = [(p.agency.code, o.credential_no)
                for p in pools for o in draws.pool_officers(p, window_start=draw.window_start,
                                                             window_end=draw.window_end)]
    agency_ids = [p.agency_id for p in pools]
    if draws.recusal_pairs(agency_ids) or draws.last_inspector_pairs(agency_ids):
        raise NotImplementedError("sql-frame prototype: frames with exclusions are not handled")
    if eblock.count("\t") != 2 * n or eblock.count("\n") != n or "\t\t" in eblock or "\t\n" in eblock \
            or "\n\t" in eblock or "\r" in eblock:
        raise algorithm.DrawError("框架的 E 条目含空值、制表符或换行符", "frame")
    rest = algorithm.frame_bytes([], officers, [])  # header + O block, written and checked as before
    header = (algorithm.FRAME_HEADER + "\n").encode("utf-8")
    frame = header + eblock.encode("utf-8") + rest[len(header):]
    # A USCC is unique in the registry, so one line per enterprise (the platform's duplicate check).
    _STASH["sizes"] = {stratum: k for stratum, _, k, _ in rows if k}
    _STASH["officers"] = officers
    return frame, {"enterprises": n, "officers": len(officers), "exclusions": 0, "at_cap": at_cap, "unstaffed": 0}


# --- frame bytes and the pre-check ------------------------------------------------------------------------


def frame_bytes_fast(enterprises, officers, exclusions=()):
    """algorithm.frame_bytes (same bytes, same checks): E and O lines by one f-string, string-scan checks."""
    enterprises, officers, exclusions = list(enterprises), list(officers), list(exclusions)
    _STASH["sizes_rows"], _STASH["officers"] = enterprises, officers
    parts = [algorithm.FRAME_HEADER + "\n"]
    for tag, rows in (("E", enterprises), ("O", officers)):
        if any(len(row) != 2 for row in rows):
            raise algorithm.DrawError(f"框架的 {tag} 条目含空值、制表符或换行符", "frame")
        lines = [f"{tag}\t{a}\t{b}\n" for a, b in rows]
        lines.sort()
        block = "".join(lines)
        if ("\r" in block or block.count("\t") != 2 * len(lines) or "\t\t" in block or "\t\n" in block
                or block.count("\n") != len(lines)):
            raise algorithm.DrawError(f"框架的 {tag} 条目含空值、制表符或换行符", "frame")
        if len({row[1] for row in rows}) != len(lines):
            raise algorithm.DrawError(f"框架中的 {tag} 条目有重复(同一企业或执法人员只能出现一次)", "frame")
        parts.append(block)
    platform = _PLATFORM["frame_bytes"]([], [], exclusions)  # the X block as the platform writes and checks it
    head = (algorithm.FRAME_HEADER + "\n").encode("utf-8")
    return "".join(parts).encode("utf-8") + platform[len(head):]


def _stash_rows(enterprises, officers, exclusions=()):
    enterprises, officers = list(enterprises), list(officers)
    _STASH["sizes_rows"], _STASH["officers"] = enterprises, officers
    return _PLATFORM["frame_bytes"](enterprises, officers, exclusions)


def precheck_counts(parameters, frame):
    """The platform's _precheck, run on the lists frame_build has just passed to frame_bytes instead of on
    a parse of the frame it has just built (proposal: ``_precheck(parameters, enterprises, officers)``)."""
    parts = _STASH["parts"]
    if "sizes" in _STASH:  # sql-frame: only the sizes are in hand
        rows = [row for stratum, k in _STASH.pop("sizes").items() for row in [(stratum, "")] * k]
    else:
        rows = _STASH.pop("sizes_rows")
    officers = _STASH["officers"]
    inner = parts.inner["frame_parse"]
    parts.inner["frame_parse"] = lambda _data: (rows, officers, [])
    try:
        return _PLATFORM["_precheck"](parameters, frame)
    finally:
        parts.inner["frame_parse"] = inner


# --- selection -------------------------------------------------------------------------------------------


def frame_parse_fast(data: bytes):
    """algorithm.frame_parse with the E block split in bulk (same result; irregular frames go to the original)."""
    original = _PLATFORM["frame_parse"]
    text = data.decode("utf-8")
    header = algorithm.FRAME_HEADER + "\n"
    if not text.endswith("\n") or not text.startswith(header + "E\t"):
        return original(data)
    end = len(text) - 1
    for tag in ("\nO\t", "\nX\t"):
        found = text.find(tag, len(header))
        if found >= 0:
            end = min(end, found)
    enterprises = [tuple(line.split("\t")) for line in text[len(header) + 2:end].split("\nE\t")]
    if any(len(row) != 2 or not row[0] or not row[1] for row in enterprises):
        return original(data)  # the original names the bad line
    _, officers, exclusions = original((header + text[end + 1:]).encode("utf-8"))
    return enterprises, officers, exclusions


def outcome_store_fast(draw, outcome):
    """Teams as the platform (a few hundred rows); the picks as tuples into a temporary table, then one
    INSERT … SELECT that joins the registry by USCC for the enterprise id."""
    from django.db import connection

    from clearcheck.registry.models import Officer
    from clearcheck.sampling.models import DrawPick, DrawTeam, DrawTeamMember

    credentials = {c for team in outcome.teams for c in team}
    officer_ids = dict(Officer.objects.filter(credential_no__in=credentials).values_list("credential_no", "pk"))
    teams = DrawTeam.objects.bulk_create([DrawTeam(draw=draw, number=j + 1) for j in range(len(outcome.teams))])
    DrawTeamMember.objects.bulk_create([
        DrawTeamMember(team=team, officer_id=officer_ids[c], position=n)
        for team, members in zip(teams, outcome.teams, strict=True) for n, c in enumerate(members)])
    table = DrawPick._meta.db_table
    rows = [(n, p.uscc, p.stratum, p.rank, teams[p.team].pk) for n, p in enumerate(outcome.picks, start=1)]
    insert = (f"INSERT INTO {table} (draw_id, position, enterprise_id, uscc, stratum, rank, team_id) "
              "SELECT %s, p.position, e.id, p.uscc, p.stratum, p.rank, p.team_id FROM bench_pick p "
              "JOIN registry_enterprise e ON e.uscc = p.uscc")
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE TEMP TABLE bench_pick (position integer, uscc varchar(18), stratum varchar(8), "
                        "rank varchar(64), team_id bigint) ON COMMIT DROP")
            with cur.connection.cursor() as raw, raw.copy("COPY bench_pick FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cur.execute("CREATE TEMP TABLE bench_pick (position integer, uscc text, stratum text, rank text, "
                        "team_id integer)")
            cur.executemany("INSERT INTO bench_pick VALUES (%s, %s, %s, %s, %s)", rows)
        cur.execute(insert, [draw.pk])
        inserted = cur.rowcount
        if connection.vendor != "postgresql":
            cur.execute("DROP TABLE bench_pick")
    if inserted != len(rows):
        raise RuntimeError(f"stored {inserted} picks of {len(rows)}")


def enterprises_select_sql(seed: bytes, enterprises, sample: dict):
    """PostgreSQL: algorithm.enterprises_select with the hashing and ranking done by the server."""
    from django.db import connection

    sizes: dict[str, int] = {}
    for stratum, _uscc in enterprises:
        sizes[stratum] = sizes.get(stratum, 0) + 1
    if not sizes:
        raise algorithm.DrawError("检查对象库为空,无可抽取的企业", "pool")
    strata = sample.get("counts" if sample.get("mode") == "count" else "ratios", {})
    for stratum in sorted(set(strata) - set(sizes)):
        algorithm.stratum_quota(sample, stratum, 0)
    quotas = {s: algorithm.stratum_quota(sample, s, n) for s, n in sizes.items()}
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_frame (stratum text, uscc text) ON COMMIT DROP")
        with cur.connection.cursor() as raw, raw.copy("COPY bench_frame FROM STDIN") as copy:
            for row in enterprises:
                copy.write_row(row)
        cur.execute("CREATE TEMP TABLE bench_quota (stratum text, k integer) ON COMMIT DROP")
        cur.executemany("INSERT INTO bench_quota VALUES (%s, %s)", list(quotas.items()))
        cur.execute("""
            SELECT h, stratum, uscc FROM (
                SELECT sha256(%s || convert_to(f.uscc, 'UTF8')) AS h, f.stratum, f.uscc,
                       row_number() OVER (PARTITION BY f.stratum ORDER BY sha256(%s || convert_to(f.uscc, 'UTF8'))) AS r,
                       q.k
                FROM bench_frame f JOIN bench_quota q ON q.stratum = f.stratum) ranked
            WHERE r <= k""", [seed, seed])
        chosen = [(bytes(h), s, u) for h, s, u in cur.fetchall()]
        cur.execute("DROP TABLE bench_frame, bench_quota")
    chosen.sort()
    if not chosen:
        raise algorithm.DrawError("按所给数量或比例抽取的企业为 0 户", "sample")
    return chosen


def _fk_drop():
    """Drop sampling_drawpick's foreign key to registry_enterprise; returns the function adding it back."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                       WHERE conrelid = 'sampling_drawpick'::regclass AND contype = 'f'
                         AND confrelid = 'registry_enterprise'::regclass""")
        found = cur.fetchall()
        for name, _definition in found:
            cur.execute(f'ALTER TABLE sampling_drawpick DROP CONSTRAINT "{name}"')

    def restore():
        with connection.cursor() as cur:
            for name, definition in found:
                cur.execute(f'ALTER TABLE sampling_drawpick ADD CONSTRAINT "{name}" {definition}')

    return restore


# --- task creation --------------------------------------------------------------------------------------


def tasks_audit_bulk():
    """Patch planning's draw_tasks_create so its per-task audit events are inserted in bulk; returns undo."""
    from clearcheck.audit import services as audit
    from clearcheck.audit.models import AuditEvent
    from clearcheck.core import clock
    from clearcheck.core.canonical import canonical_text
    from clearcheck.core.context import request_id_get
    from clearcheck.planning.services import draw_tasks
    from clearcheck.sampling.services import tasks as sampling_tasks

    pending: list = []

    def record(*, actor, action, subject, before=None, after=None, extra=None):
        actor_id, label, role = audit.actor_describe(actor)
        subject_type, subject_id = audit.subject_describe(subject)
        occurred_at, request_id = clock.now(), request_id_get()
        body = canonical_text({"action": action, "actor": {"id": actor_id, "label": label, "role": role},
                               "subject": {"type": subject_type, "id": subject_id}, "before": before,
                               "after": after, "extra": extra, "request_id": request_id,
                               "occurred_at": occurred_at})
        pending.append(AuditEvent(occurred_at=occurred_at, actor_id=actor_id, actor_label=label, action=action,
                                  subject_type=subject_type, subject_id=subject_id, request_id=request_id,
                                  body=body))

    original_create = sampling_tasks.draw_tasks_create

    def create(*args, **kwargs):
        try:
            return original_create(*args, **kwargs)
        finally:
            AuditEvent.objects.bulk_create(pending, batch_size=2000)
            pending.clear()

    original_record = draw_tasks.audit_record
    draw_tasks.audit_record = record
    sampling_tasks.draw_tasks_create = create

    def undo():
        draw_tasks.audit_record = original_record
        sampling_tasks.draw_tasks_create = original_create

    return undo


# --- apply / check ---------------------------------------------------------------------------------------


def names_of(name: str, engine: str) -> set[str]:
    """The single variants a name stands for."""
    if name in ("all", "all-nofk"):
        frame = "sql-frame" if engine == "postgresql" else "raw-fetch-sorted"
        names = {frame, "frame-bytes-fast", "precheck-counts", "parse-fast", "store-fast"}
        return names | {"no-enterprise-fk"} if name == "all-nofk" else names
    if name == "all-scan":
        return {"scan", "precheck-counts", "store-fast"}
    return {name}


def apply(name: str, engine: str, parts):
    """Swap the variant's functions into ``parts`` (bench.draw's timers); returns the undo function."""
    from clearcheck.sampling.services import draws as module

    if name not in VARIANTS:
        raise SystemExit(f"--variant: one of {', '.join(VARIANTS)}")
    names = names_of(name, engine)
    if names & PG_ONLY and engine != "postgresql":
        raise SystemExit(f"--variant {name}: PostgreSQL only")
    if ({name} | names) & SQLITE_ONLY and engine != "sqlite":
        raise SystemExit(f"--variant {name}: SQLite only")
    _PLATFORM.update(parts.platform)
    _PLATFORM["pool_enterprises"] = module.pool_enterprises
    _STASH["parts"] = parts
    patched = []
    for mode in ("orm-unordered", "raw-fetch", "raw-fetch-sorted", "scan"):
        if mode in names:
            module.pool_enterprises = _pool_enterprises(mode)
            patched.append((module, "pool_enterprises", _PLATFORM["pool_enterprises"]))
    if "sql-frame" in names:
        parts.inner["frame_build"] = frame_build_sql
    if "frame-bytes-fast" in names:
        parts.inner["frame_bytes"] = frame_bytes_fast
    elif "precheck-counts" in names and "sql-frame" not in names:
        parts.inner["frame_bytes"] = _stash_rows
    if "precheck-counts" in names:
        parts.inner["_precheck"] = precheck_counts
    if "parse-fast" in names:
        parts.inner["frame_parse"] = frame_parse_fast
    if "store-fast" in names:
        parts.inner["_outcome_store"] = outcome_store_fast
    if "select-sql" in names:
        parts.inner["enterprises_select"] = enterprises_select_sql
    restore_fk = _fk_drop() if "no-enterprise-fk" in names else None

    def undo():
        parts.inner.update(parts.platform)
        for target, attr, value in patched:
            setattr(target, attr, value)
        if restore_fk:
            restore_fk()
        _STASH.clear()

    return undo


def same_as_platform(draw, secret: str, reference_frame_sha256: str) -> bool:
    """With the platform's functions back in place: the variant's draw has the platform's frame hash, and
    its stored selection is what the platform's algorithm computes from that frame."""
    from clearcheck.inspections import blobs

    if draw.frame_sha256 != reference_frame_sha256:
        return False
    frame = blobs.blob_read(draw.frame_sha256)
    outcome = algorithm.draw_compute(frame=frame, parameters=draw.parameters, secret_hex=secret,
                                     public_value=draw.public_value)
    return draws.selection_hash(outcome) == draws.selection_hash(draws.stored_outcome(draw))
