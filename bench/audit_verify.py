"""Benchmark: ``clearcheck audit verify`` over N sealed audit events, next to plain SHA-256.

    python -m bench.audit_verify --database postgres --n 1000000
    python -m bench.audit_verify --database sqlite --n 200000

Data: N events with bodies shaped exactly as ``audit_record`` writes them (RFC 8785 text made by
``clearcheck.core.canonical.canonical_text`` of action / actor / subject / before / after / extra /
request_id / occurred_at), written with the fastest bulk path of the engine (psycopg ``COPY`` on
PostgreSQL, one ``executemany`` transaction on SQLite). Ids have the occasional gap, as rolled-back
transactions leave them.

Sealing (``--seal``):
  * ``generator`` (default): the generator computes the chain itself with
    ``clearcheck.audit.chain.link_hash`` in ascending id order — exactly what ``audit_seal`` does —
    and writes ``seq``/``prev_hash``/``hash``/``sealed_at`` with the rows, then signs a checkpoint
    per batch with ``checkpoint_payload`` and the platform key, and sets the chain head.
  * ``service``: rows are written unsealed and ``clearcheck.audit.services.audit_seal`` seals them
    (timed separately; its ``bulk_update`` makes this the slow way to build a large chain).
  * ``prototype``: as ``service``, but sealed by ``seal_prototype`` — the same algorithm writing each
    batch with one ``executemany`` (a measured proposal, not the platform's code).
Either way ``audit_verify()`` must report the chain intact, or the benchmark fails.

Baselines measured in the same run, on the same rows:
  * a bare ``SELECT body FROM audit_auditevent`` (server-side cursor on PostgreSQL);
  * the fetch ``audit_verify`` does (ORM iterator, its columns, ``ORDER BY seq``) without any work;
  * ``hashlib.sha256`` over every body, read from the DB the same way as ``audit_verify`` reads it;
  * ``hashlib.sha256`` over the same body bytes held in memory (and, to show where the time goes,
    ``link_hash`` and ``json.loads`` over the in-memory rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import uuid
from decimal import Decimal

from bench.common import Report, database_recreate, django_setup, stopwatch, target_resolve

CHUNK = 20_000

ACTIONS = [
    # (action, subject type, weight)
    ("enterprise.create", "registry.enterprise", 18),
    ("enterprise.update", "registry.enterprise", 10),
    ("officer.create", "registry.officer", 4),
    ("agency.update", "registry.agency", 2),
    ("api_token.create", "accounts.apitoken", 6),
    ("visit.check_in", "inspections.visit", 20),
    ("finding.record", "inspections.finding", 20),
    ("disposition.record", "inspections.disposition", 12),
    ("checklist.publish", "catalog.checklist", 2),
    ("import.run", "exchange.importrun", 1),
    ("alert.raise", "supervision.alert", 5),
]
ROLES = ["officer"] * 6 + ["agency_admin", "agency_head", "department_head", "bureau", "enterprise"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TOWNS = ["新城街道", "铜城街道", "刘集镇", "牛角店镇", "大桥镇", "高集镇", "姜楼镇", "姚寨镇", "鱼山镇", "陈集镇"]
TRADES = ["阿胶", "食品", "药业", "化工", "建材", "机械", "纺织", "物流", "餐饮", "商贸"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _enterprise_fields(rng: random.Random, n: int) -> dict:
    return {
        "uscc": f"91371524MA{n:07d}X",
        "name": f"东阿县{rng.choice(TOWNS)}{_person(rng)}{rng.choice(TRADES)}有限公司",
        "entity_type": rng.choice(["legal_person", "individual_business", "unincorporated"]),
        "legal_representative": _person(rng),
        "address": f"山东省聊城市东阿县{rng.choice(TOWNS)}{rng.randint(1, 300)}号",
        "region_id": "371524",
        "industry_id": rng.choice(["2740", "1391", "2710", "5810", "6210", "5212"]),
        "latitude": Decimal(f"36.{rng.randint(200000, 420000)}"),
        "longitude": Decimal(f"116.{rng.randint(150000, 380000)}"),
        "coordinate_datum": "gcj02",
        "status": "operating",
    }


def event_body_input(rng: random.Random, i: int, occurred_at: dt.datetime) -> tuple[dict, tuple]:
    """The dict ``audit_record`` would canonicalise for event ``i`` and its indexed columns."""
    action, subject_type = rng.choices([a[:2] for a in ACTIONS], weights=[a[2] for a in ACTIONS])[0]
    role = rng.choice(ROLES)
    actor_id = rng.randint(1, 800)
    actor_label = f"{role}{actor_id:04d}"
    subject_id = str(rng.randint(1, 2_000_000))
    before = after = extra = None
    if action == "enterprise.create":
        after = _enterprise_fields(rng, i)
    elif action == "enterprise.update":
        before = {"address": f"东阿县{rng.choice(TOWNS)}", "status": "operating"}
        after = {"address": f"东阿县{rng.choice(TOWNS)}{rng.randint(1, 99)}号", "status": rng.choice(["operating", "suspended"])}
    elif action == "officer.create":
        after = {"name": _person(rng), "credential_no": f"37152420{rng.randint(10000, 99999)}",
                 "valid_from": dt.date(2024, 1, 1), "valid_to": dt.date(2029, 12, 31),
                 "status": "valid", "personnel_type": rng.choice(["enforcement", "auxiliary"])}
    elif action == "agency.update":
        before = {"legal_basis": "《中华人民共和国行政处罚法》"}
        after = {"legal_basis": "《中华人民共和国行政处罚法》《山东省行政执法监督条例》", "version": rng.randint(2, 9)}
        extra = {"reason": "根据县政府审定意见调整"}
    elif action == "api_token.create":
        after = {"prefix": uuid.UUID(int=rng.getrandbits(128)).hex[:8], "expires_at": occurred_at + dt.timedelta(hours=12)}
    elif action == "visit.check_in":
        after = {"task_id": rng.randint(1, 90000), "enterprise_id": rng.randint(1, 2_000_000),
                 "officers": sorted(rng.sample(range(1, 800), 2)), "scanned_code": True,
                 "latitude": Decimal(f"36.{rng.randint(200000, 420000)}"),
                 "longitude": Decimal(f"116.{rng.randint(150000, 380000)}"), "rules_checked": ["R01", "R02", "R12"]}
    elif action == "finding.record":
        after = {"record_id": rng.randint(1, 500000), "checklist_entry": rng.randint(1, 4000),
                 "result": rng.choice(["compliant", "non_compliant", "not_applicable"]),
                 "note": f"现场检查{rng.choice(TRADES)}生产记录,{rng.choice(['未发现问题', '台账不全', '标识不规范'])}"}
    elif action == "disposition.record":
        after = {"finding_id": rng.randint(1, 900000), "kind": rng.choice(["notify", "correct_by_deadline", "no_penalty"]),
                 "deadline": dt.date(2026, rng.randint(1, 12), rng.randint(1, 28)), "ground": "首违不罚清单第3项"}
    elif action == "checklist.publish":
        after = {"version": rng.randint(1, 20), "entries": rng.randint(5, 60), "sha256": hashlib.sha256(str(i).encode()).hexdigest()}
    elif action == "import.run":
        extra = {"file_sha256": hashlib.sha256(str(i).encode()).hexdigest(), "rows": 1200, "created": 1180,
                 "updated": 0, "errors": 20, "file_name": "企业名录.xlsx"}
    else:
        after = {"rule": rng.choice(["A01", "A02", "A05"]), "severity": rng.choice(["low", "medium", "high"]),
                 "dedup_key": f"{subject_id}:{occurred_at.date()}"}
    request_id = uuid.UUID(int=rng.getrandbits(128)).hex
    body = {
        "action": action,
        "actor": {"id": actor_id, "label": actor_label, "role": role},
        "subject": {"type": subject_type, "id": subject_id},
        "before": before,
        "after": after,
        "extra": extra,
        "request_id": request_id,
        "occurred_at": occurred_at,
    }
    return body, (actor_id, actor_label, action, subject_type, subject_id, request_id)


def events_generate(n: int, *, seal: bool, batch_size: int, seed: int = 20251127):
    """Yield chunks of event rows; with ``seal`` also the chain fields, batch by batch like the sealer.

    Returns (via ``StopIteration.value``) the checkpoints to sign as ``(length, head, at)``.
    """
    from clearcheck.audit.chain import link_hash
    from clearcheck.audit.models import GENESIS_HASH
    from clearcheck.core.canonical import canonical_text

    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev = GENESIS_HASH
    event_id = 0
    checkpoints = []
    chunk = []
    batch_sealed_at = None
    for i in range(1, n + 1):
        # Rolled-back transactions leave gaps in ids; the chain positions stay contiguous.
        event_id += 2 if rng.random() < 0.001 else 1
        occurred_at = start + dt.timedelta(seconds=i * 31, microseconds=rng.randint(0, 999_999))
        body_input, columns = event_body_input(rng, i, occurred_at)
        body = canonical_text(body_input)
        if seal:
            if (i - 1) % batch_size == 0:
                batch_sealed_at = occurred_at + dt.timedelta(seconds=batch_size * 31 + 2)
            digest = link_hash(prev, i, event_id, body)
            chunk.append((event_id, occurred_at, *columns, body, i, prev, digest, batch_sealed_at))
            prev = digest
            if i % batch_size == 0 or i == n:
                checkpoints.append((i, prev, batch_sealed_at))
        else:
            chunk.append((event_id, occurred_at, *columns, body, None, "", "", None))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    return checkpoints


COLUMNS = ("id", "occurred_at", "actor_id", "actor_label", "action", "subject_type", "subject_id",
           "request_id", "body", "seq", "prev_hash", "hash", "sealed_at")


def _sqlite_time(value: dt.datetime | None) -> str | None:
    # Django's SQLite backend stores aware datetimes as naive UTC text.
    return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))


def events_write(engine: str, generator) -> tuple[int, list]:
    """Write every chunk with the engine's bulk path in one transaction; return (rows, checkpoints)."""
    from django.db import connection, transaction

    total = 0
    with transaction.atomic():
        raw = connection.connection
        if engine == "postgresql":
            with raw.cursor() as cur:
                copy_sql = f"COPY audit_auditevent ({', '.join(COLUMNS)}) FROM STDIN"
                with cur.copy(copy_sql) as copy:
                    while True:
                        try:
                            chunk = next(generator)
                        except StopIteration as stop:
                            checkpoints = stop.value
                            break
                        for row in chunk:
                            copy.write_row(row)
                        total += len(chunk)
                        print(f"    {total:,} events written", end="\r", flush=True)
        else:
            sql = (f"INSERT INTO audit_auditevent ({', '.join(COLUMNS)}) "
                   f"VALUES ({', '.join('?' for _ in COLUMNS)})")
            while True:
                try:
                    chunk = next(generator)
                except StopIteration as stop:
                    checkpoints = stop.value
                    break
                raw.executemany(sql, [(r[0], _sqlite_time(r[1]), *r[2:12], _sqlite_time(r[12])) for r in chunk])
                total += len(chunk)
                print(f"    {total:,} events written", end="\r", flush=True)
    print()
    return total, checkpoints or []


def chain_finish(checkpoints: list) -> None:
    """Sign a checkpoint per sealed batch, as ``audit_seal`` does, and set the chain head."""
    from clearcheck.audit.chain import checkpoint_key, checkpoint_payload
    from clearcheck.audit.models import ChainHead, Checkpoint

    key = checkpoint_key()
    rows = []
    for length, head, at in checkpoints:
        time_iso = at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        payload = checkpoint_payload(length, head, time_iso, key.key_id, key.suite)
        rows.append(Checkpoint(length=length, head_hash=head, created_at=at, suite=key.suite, key_id=key.key_id,
                               body=payload.decode("utf-8"), signature=key.sign(payload)))
    Checkpoint.objects.bulk_create(rows, batch_size=500)
    length, head, at = checkpoints[-1]
    ChainHead.objects.update_or_create(pk=1, defaults={"length": length, "head_hash": head, "updated_at": at})


def seal_prototype(batch_size: int) -> int:
    """``audit_seal``'s algorithm unchanged, but each batch written by one ``executemany`` of
    ``UPDATE … WHERE id = %s`` instead of ``bulk_update``'s ``CASE WHEN`` statements. A measured
    proposal for ``clearcheck/audit/services.py``, not the platform's code.
    """
    from django.db import connection, transaction

    from clearcheck.audit.chain import checkpoint_key, link_hash
    from clearcheck.audit.models import GENESIS_HASH, AuditEvent
    from clearcheck.audit.services import _chain_head_locked, checkpoint_sign
    from clearcheck.core import clock

    sealed = 0
    key = checkpoint_key()
    while True:
        with transaction.atomic():
            head = _chain_head_locked()
            events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")
                          .values_list("id", "body")[:batch_size])
            if not events:
                return sealed
            now = clock.now()
            prev, length = head.head_hash or GENESIS_HASH, head.length
            updates = []
            for event_id, body in events:
                length += 1
                digest = link_hash(prev, length, event_id, body)
                updates.append((length, prev, digest, now, event_id))
                prev = digest
            with connection.cursor() as cur:
                cur.executemany("UPDATE audit_auditevent SET seq = %s, prev_hash = %s, hash = %s, sealed_at = %s "
                                "WHERE id = %s", updates)
            head.length, head.head_hash, head.updated_at = length, prev, now
            head.save(update_fields=["length", "head_hash", "updated_at"])
            checkpoint_sign(length=length, head_hash=prev, key=key, at=now)
        sealed += len(events)


def table_tidy(engine: str) -> None:
    """After a bulk load: fix the id sequence and refresh statistics, as a maintained database has them."""
    from django.db import connection

    with connection.cursor() as cur:
        if engine == "postgresql":
            cur.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), "
                        "(SELECT max(id) FROM audit_auditevent))")
            cur.execute("VACUUM ANALYZE audit_auditevent")
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def fetch_bare(engine: str) -> int:
    """``SELECT body FROM audit_auditevent``, rows streamed and dropped."""
    from django.db import connection

    count = 0
    connection.ensure_connection()
    raw = connection.connection
    if engine == "postgresql":
        with raw.transaction(), raw.cursor(name="bench_bare") as cur:
            cur.itersize = 10_000
            cur.execute("SELECT body FROM audit_auditevent")
            for _ in cur:
                count += 1
    else:
        cur = raw.execute("SELECT body FROM audit_auditevent")
        while rows := cur.fetchmany(10_000):
            count += len(rows)
    return count


def _verify_rows(*columns: str):
    from clearcheck.audit.models import AuditEvent

    return (AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
            .values_list(*columns).iterator(chunk_size=10000))


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="sqlite", help="sqlite | postgres | a bench-only URL")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of events (default 1,000,000)")
    parser.add_argument("--seal", choices=["generator", "service", "prototype"], default="generator",
                        help="who computes the chain: the generator, audit_seal, or the executemany prototype")
    parser.add_argument("--batch-size", type=int, default=5000, help="events per sealed batch / checkpoint")
    parser.add_argument("--cli", action="store_true", help="also time the `clearcheck audit verify` command")
    args = parser.parse_args(argv)

    target = target_resolve(args.database, "audit")
    print(f"audit verify benchmark: {args.n:,} events on {target.label} ({target.url}), sealing by {args.seal}")
    database_recreate(target)
    django_setup(target)

    from clearcheck.audit.chain import link_hash
    from clearcheck.audit.services import audit_seal
    from clearcheck.audit.verify import _COLUMNS, audit_verify

    report = Report("audit_verify", target.label, args.n)
    report.facts["sealing"] = {
        "generator": "chain computed by the generator with clearcheck.audit.chain.link_hash "
                     f"(ascending id, batches of {args.batch_size}, one signed checkpoint per batch)",
        "service": f"clearcheck.audit.services.audit_seal(batch_size={args.batch_size})",
        "prototype": f"bench.audit_verify.seal_prototype(batch_size={args.batch_size}): audit_seal with "
                     "executemany instead of bulk_update",
    }[args.seal]
    figs = report.figures

    with stopwatch(figs, "generate + canonicalise + bulk write (COPY / executemany)", args.n) as step:
        written, checkpoints = events_write(target.engine, events_generate(
            args.n, seal=args.seal == "generator", batch_size=args.batch_size))
        step["rows"] = written
        if args.seal == "generator":
            chain_finish(checkpoints)
            step["note"] = f"chain + {len(checkpoints)} checkpoints computed in the generator"
    if args.seal == "service":
        with stopwatch(figs, "audit_seal (service)", args.n) as step:
            sealed = audit_seal(batch_size=args.batch_size)
            step["note"] = f"{sealed:,} sealed"
    elif args.seal == "prototype":
        with stopwatch(figs, "seal_prototype (audit_seal with executemany)", args.n) as step:
            sealed = seal_prototype(args.batch_size)
            step["note"] = f"{sealed:,} sealed"
    table_tidy(target.engine)

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*), sum(length(body)) FROM audit_auditevent")
        count, chars = cur.fetchone()
    report.facts["events"] = count
    report.facts["mean body length (characters)"] = round(chars / count, 1)

    # Warm the cache once so that every timed read below starts from the same state.
    fetch_bare(target.engine)

    with stopwatch(figs, "baseline: bare SELECT body FROM audit_auditevent", args.n):
        fetch_bare(target.engine)

    with stopwatch(figs, "baseline: fetch as audit_verify does (ORM, its columns)", args.n):
        for _ in _verify_rows(*_COLUMNS):
            pass

    with stopwatch(figs, "baseline: sha256(body) for bodies read as audit_verify", args.n):
        for (body,) in _verify_rows("body"):
            hashlib.sha256(body.encode("utf-8")).hexdigest()

    rows = [(i, s, b) for i, s, b in _verify_rows("id", "seq", "body")]
    encoded = [b.encode("utf-8") for _, _, b in rows]
    report.facts["body bytes (UTF-8) hashed"] = sum(map(len, encoded))

    with stopwatch(figs, "baseline: sha256(body bytes) in memory", args.n):
        for data in encoded:
            hashlib.sha256(data).hexdigest()

    with stopwatch(figs, "in memory: link_hash chain recompute", args.n):
        prev = "0" * 64
        for event_id, seq, body in rows:
            prev = link_hash(prev, seq, event_id, body)

    with stopwatch(figs, "in memory: json.loads(body)", args.n):
        for _, _, body in rows:
            json.loads(body)
    del rows, encoded

    with stopwatch(figs, "audit_verify()", args.n) as step:
        result = audit_verify()
        step["note"] = (f"ok={result.ok}, length={result.length:,}, unsealed={result.unsealed}, "
                        f"checkpoints={result.checkpoints_checked}")
    if not result.ok or result.length != args.n:
        print(report.table())
        sys.exit(f"verification failed: {result.problems[:3]}")
    report.facts["chain head"] = prev

    if args.cli:
        env = dict(os.environ)
        with stopwatch(figs, "`clearcheck audit verify` (whole command, with start-up)", args.n) as step:
            done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "clearcheck"), "audit", "verify"],
                                  env=env, capture_output=True, text=True, check=False)
            step["note"] = f"exit {done.returncode}"
        if done.returncode != 0:
            sys.exit(done.stdout + done.stderr)

    print(report.table())
    print(f"results: {report.save()}")
    return report


if __name__ == "__main__":
    main()
