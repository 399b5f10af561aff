"""Data generator of the check-in benchmark: a county where every request of a load run has its own
approved task, built through the platform's services.

    python -m bench.checkin_data --database postgres --agencies 4 --enterprises 10000 --officers 40

Writes into ``clearcheck_bench_checkin_seed`` (PostgreSQL; dropped, created and fully migrated), which
``bench.checkin`` copies (``CREATE DATABASE … TEMPLATE``) into ``clearcheck_bench_checkin`` before every
run, so each run starts from the same untouched county and the slow part is paid once.

What is made, all through the services an agency would use (every rule checked, every step audited):
  * a bureau and a county-government account; A agencies (``registry.services.agency_create``) and
    the agency list drafted, reviewed, approved and published (R01);
  * per agency: an admin and a head account (``accounts.services.user_create``), three published items
    (``catalog.services.item_create`` + ``item_list_publish``, R02) of a special sector (public safety, so
    that a routine task may name its enterprise without a double-random draw, R24) and a published
    checklist of six entries over them (``checklist_create`` / ``checklist_entry_add`` / ``checklist_publish``);
  * per agency: O enforcement officers (``registry.services.officer_create``, credentials valid from a
    year ago to a year ahead, R12), each with an officer account, paired into O/2 teams of two;
  * N operating enterprises imported from a CSV by ``exchange.services.import_run`` (valid USCCs, WGS-84
    positions around the county seat) and one enterprise code each
    (``registry.codes.enterprise_code_issue``, R11);
  * A × N tasks — one per agency and enterprise, so the enterprise's cap (ungraded tier B: one proactive
    inspection a year, R21) allows exactly this visit — each drafted by the agency admin
    (``planning.services.tasks.task_create``: routine, annual plan, two items, the checklist, a team of two,
    window today … today + 30 days), filed (``task_submit``, R06) and approved by the head
    (``task_approve``, R07, taking the cap place).

The *plan* (table ``bench_checkin_plan``) lists the tasks in a seeded random order, each with the code
token of its enterprise (``enterprise_code_token``), its team's first officer (who scans) and second
officer (who confirms). A load run takes consecutive, disjoint slices of it, so no task is ever
requested twice in a run. Bearer tokens (``accounts.services.api_token_issue``, 12 h) are issued to
every officer account by ``tokens_issue`` — by the generator, and again after each copy (they expire).

Passwords are hashed with MD5 here (``CLEARCHECK_FAST_PASSWORDS``) so that issuing tokens, which
authenticates with the password, is quick; the server under test only ever sees bearer tokens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time

from bench.common import BENCH_VAR, Target, database_recreate, django_setup, stopwatch, target_resolve

PASSWORD = "bench-Qingjian-2026"
SEED = 20261127
WINDOW_DAYS = 30
AGENCIES = [
    ("SCJG", "东阿县市场监督管理局"), ("YJGL", "东阿县应急管理局"), ("STHJ", "聊城市生态环境局东阿分局"),
    ("WSJK", "东阿县卫生健康局"), ("ZJJ", "东阿县住房和城乡建设局"), ("JTYS", "东阿县交通运输局"),
    ("NYNC", "东阿县农业农村局"), ("SWJ", "东阿县水务局"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建华", "秀兰", "志强", "玉梅", "德胜", "春燕", "海涛", "桂英", "永刚", "丽娟", "庆余", "文静", "立新", "红霞"]
STEMS = [("阿胶", "2740"), ("中药饮片", "2730"), ("食品", "1499"), ("化工", "2619"), ("建材", "3021"),
         ("物流", "5431"), ("宾馆", "6110"), ("驴养殖", "0319")]
PREFIXES = ["福胶", "鲁胶", "阿城", "鱼山", "洛神", "东源", "聚福", "金河", "恒信", "瑞丰", "同德", "天润", "宏达"]
CENTRE = (36.3355, 116.2480)  # county seat, WGS-84
REGION = "371524"
PLAN_TABLE = "bench_checkin_plan"
BEARER_TABLE = "bench_checkin_bearer"
META_TABLE = "bench_checkin_meta"
CODE_KEY = BENCH_VAR / "keys" / "code-ed25519.pem"  # where the settings put it under CLEARCHECK_VAR_DIR


def code_key_digest() -> str | None:
    """Which code-signing key this checkout has: the seed's enterprise codes verify only under the key that
    signed them, and the seed database is shared by every checkout on the machine (the keys are not)."""
    return hashlib.sha256(CODE_KEY.read_bytes()).hexdigest()[:12] if CODE_KEY.exists() else None


def _progress(label: str, done: int, total: int, started: float) -> None:
    if done % 1000 == 0 or done == total:
        rate = done / max(time.perf_counter() - started, 1e-9)
        print(f"    {label}: {done:,}/{total:,} ({rate:,.0f}/s)", flush=True)


def enterprise_csv(n: int, rng: random.Random) -> bytes:
    """N enterprises as the import spreadsheet has them (Chinese headers, valid USCCs, WGS-84)."""
    import csv
    import io

    from clearcheck.registry.validators import _ALPHABET, uscc_check_digit

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["统一社会信用代码", "企业名称", "主体类型", "法定代表人", "住所", "行政区划代码", "行业代码",
                     "纬度", "经度", "坐标系", "登记状态"])
    seen: set[str] = set()
    for i in range(1, n + 1):
        body = "91" + REGION + "".join(rng.choice(_ALPHABET) for _ in range(9))
        while body in seen:
            body = "91" + REGION + "".join(rng.choice(_ALPHABET) for _ in range(9))
        seen.add(body)
        stem, industry = STEMS[i % len(STEMS)]
        writer.writerow([
            body + uscc_check_digit(body), f"东阿县{rng.choice(PREFIXES)}{stem}{i}号有限公司", "legal_person",
            rng.choice(SURNAMES) + rng.choice(GIVEN), f"山东省聊城市东阿县阿胶街{i % 399 + 1}号", REGION, industry,
            f"{CENTRE[0] + rng.uniform(-0.12, 0.12):.6f}", f"{CENTRE[1] + rng.uniform(-0.15, 0.15):.6f}", "wgs84",
            "operating",
        ])
    return out.getvalue().encode("utf-8")


def _industries_check() -> None:
    from clearcheck.registry.models import Industry, Region

    if not Region.objects.filter(code=REGION).exists():
        raise SystemExit(f"region {REGION} missing: the registry data migrations must load the GB/T 2260 codes")
    missing = [code for _, code in STEMS if not Industry.objects.filter(code=code, level="class").exists()]
    if missing:
        raise SystemExit(f"industry classes {missing} missing: the registry data migrations must load GB/T 4754")


def generate(*, agencies: int, enterprises: int, officers: int, jobs: int = 2, figures: list | None = None) -> dict:
    """Build the county through the services (the database is migrated and empty); returns its facts."""
    from clearcheck.accounts.choices import Role
    from clearcheck.accounts.services import user_create
    from clearcheck.catalog.services import checklists as checklist_services
    from clearcheck.catalog.services import items as item_services
    from clearcheck.core import clock
    from clearcheck.exchange.services import import_run
    from clearcheck.registry import services as registry
    from clearcheck.registry.codes import enterprise_code_issue
    from clearcheck.registry.models import Enterprise, Region

    figures = figures if figures is not None else []
    if not 1 <= agencies <= len(AGENCIES):
        raise SystemExit(f"--agencies: 1 … {len(AGENCIES)}")
    if officers < 2 or officers % 2:
        raise SystemExit("--officers: an even number ≥ 2 (teams of two)")
    rng = random.Random(SEED)
    _industries_check()
    _durability_off()
    today = clock.local_today()
    region = Region.objects.get(code=REGION)

    with stopwatch(figures, "services: accounts, agencies, list, items, checklists, officers", None):
        bureau = user_create(actor=None, username="bench-bureau", password=PASSWORD, role=Role.BUREAU,
                             display_name="县司法局执法监督科")
        government = user_create(actor=bureau, username="bench-government", password=PASSWORD,
                                 role=Role.GOVERNMENT, display_name="县政府办公室")
        county = []
        for index, (code, name) in enumerate(AGENCIES[:agencies], start=1):
            agency = registry.agency_create(actor=bureau, code=f"371524-{code}", name=name,
                                            kind="administrative_organ", legal_basis="《优化营商环境条例》",
                                            region=region, reason="本级行政检查主体清理")
            county.append({"index": index, "code": code, "agency": agency})
        listing = registry.agency_list_draft(actor=bureau, note="东阿县行政检查主体清单")
        registry.agency_list_review(actor=bureau, list_id=listing.pk, note="审核通过")
        registry.agency_list_approve(actor=government, list_id=listing.pk, note="审定同意")
        registry.agency_list_publish(actor=bureau, list_id=listing.pk)
        for entry in county:
            agency, code, index = entry["agency"], entry["code"], entry["index"]
            agency.refresh_from_db()
            admin = user_create(actor=bureau, username=f"bench-{code.lower()}-admin", password=PASSWORD,
                                role=Role.AGENCY_ADMIN, agency=agency, display_name=f"{agency.name}法制科")
            head = user_create(actor=bureau, username=f"bench-{code.lower()}-head", password=PASSWORD,
                               role=Role.AGENCY_HEAD, agency=agency, display_name=f"{agency.name}负责人")
            items = [item_services.item_create(
                actor=admin, code=f"{code}-{k:03d}", name=f"{agency.name}检查事项{k}",
                legal_basis="《中华人民共和国行政处罚法》第五十四条", object_scope="辖区生产经营单位",
                method="现场检查、资料查阅", special_sector="public_safety") for k in (1, 2, 3)]
            item_services.item_list_publish(actor=admin, agency=agency, reason="涉企行政检查事项清单")
            checklist = checklist_services.checklist_create(actor=admin, code=f"{code}-BD-1",
                                                            name=f"{agency.name}现场检查表",
                                                            object_type="生产经营单位")
            for item in items:
                for part in ("证照与制度", "现场条件"):
                    checklist_services.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=item.pk,
                                                           content=f"{item.name}:{part}")
            checklist = checklist_services.checklist_publish(actor=admin, checklist_id=checklist.pk)
            roster = []
            for k in range(officers):
                officer = registry.officer_create(
                    actor=bureau, agency=agency, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    credential_no=f"3715249{index:02d}{k + 1:05d}", personnel_type="enforcement", status="valid",
                    valid_from=(today - dt.timedelta(days=365)).isoformat(),
                    valid_to=(today + dt.timedelta(days=365)).isoformat())
                user = user_create(actor=bureau, username=f"bench-{code.lower()}-o{k + 1:03d}", password=PASSWORD,
                                   role=Role.OFFICER, agency=agency, officer=officer, display_name=officer.name)
                roster.append((officer, user))
            entry.update(admin=admin, head=head, items=[i.pk for i in items], checklist=checklist, roster=roster)

    with stopwatch(figures, "service: import_run (enterprises from CSV)", enterprises):
        data = enterprise_csv(enterprises, rng)
        job = import_run(actor=bureau, kind="enterprises", filename="东阿县市场主体名录.csv", data=data)
        if job.rows_failed or job.rows_created != enterprises:
            raise SystemExit(f"enterprise import failed: {job.errors[:500]}")
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))

    tokens: dict[int, str] = {}
    with stopwatch(figures, "service: enterprise_code_issue (one code each)", enterprises):
        from clearcheck.registry.codes import enterprise_code_token

        started = time.perf_counter()
        for done, enterprise_id in enumerate(enterprise_ids, start=1):
            tokens[enterprise_id] = enterprise_code_token(enterprise_code_issue(actor=bureau,
                                                                                enterprise_id=enterprise_id))
            _progress("codes", done, len(enterprise_ids), started)

    total = agencies * len(enterprise_ids)
    with stopwatch(figures, f"services: task_create + task_submit + task_approve ({jobs} processes)", total):
        work = [(entry["agency"].pk, entry["admin"].pk, entry["head"].pk, entry["items"][:2], entry["checklist"].pk,
                 [(o.pk, u.pk) for o, u in entry["roster"]]) for entry in county]
        plan = _tasks_make(work, enterprise_ids, tokens, jobs=jobs)
    _tables_create()
    from django.db import connection

    with connection.cursor() as cur:
        cur.executemany(f"INSERT INTO {PLAN_TABLE} (seq, task_id, enterprise_id, code_token, initiator_user_id, "
                        "confirmer_user_id) VALUES (%s, %s, %s, %s, %s, %s)",
                        [(seq, *row) for seq, row in enumerate(plan)])
    with stopwatch(figures, "service: api_token_issue (every officer account)", agencies * officers):
        tokens_issue()
    from clearcheck.audit.services import audit_seal

    with stopwatch(figures, "audit_seal (the periodic job, once)", None):
        audit_seal()
    facts = {"agencies": agencies, "enterprises": len(enterprise_ids), "officers": agencies * officers,
             "teams": agencies * (officers // 2), "tasks": len(plan),
             "window": [str(today), str(today + dt.timedelta(days=WINDOW_DAYS))],
             "generated_on": str(today), "seed": SEED, "code_key": code_key_digest()}
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {META_TABLE} (facts) VALUES (%s)", [json.dumps(facts)])
    return facts


def _agency_tasks(agency_id: int, admin_id: int, head_id: int, items: list[int], checklist_id: int,
                  roster: list[tuple[int, int]], enterprise_ids: list[int], tokens: dict[int, str]) -> list[tuple]:
    """One approved task per enterprise for one agency, teams round-robin; returns its plan rows."""
    from django.db import connections

    from clearcheck.accounts.models import User
    from clearcheck.core import clock
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    _durability_off()
    admin, head = User.objects.get(pk=admin_id), User.objects.get(pk=head_id)
    today = clock.local_today()
    teams, rows = len(roster) // 2, []
    started = time.perf_counter()
    for k, enterprise_id in enumerate(enterprise_ids):
        (first, first_user), (second, second_user) = roster[2 * (k % teams)], roster[2 * (k % teams) + 1]
        task = task_create(
            actor=admin, agency=agency_id, enterprise=enterprise_id, inspection_type="routine", source="annual_plan",
            items=items, officers=[first, second], window_start=today,
            window_end=today + dt.timedelta(days=WINDOW_DAYS), checklist=checklist_id,
            notice="请备好营业执照、许可证及相关台账")
        task_submit(actor=admin, task_id=task.pk)
        task_approve(actor=head, task_id=task.pk)
        rows.append((task.pk, enterprise_id, tokens[enterprise_id], first_user, second_user))
        _progress(f"tasks of agency {agency_id}", k + 1, len(enterprise_ids), started)
    connections.close_all()
    return rows


def _tasks_make(work: list[tuple], enterprise_ids: list[int], tokens: dict[int, str], *, jobs: int) -> list[tuple]:
    """Run ``_agency_tasks`` for every agency, in ``jobs`` forked processes (agencies are independent:
    their tasks, cap rows and teams never meet); returns the plan in a seeded random order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's socket
    if jobs <= 1:
        results = [_agency_tasks(*w, enterprise_ids, tokens) for w in work]
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_agency_tasks, *zip(*work, strict=True), [enterprise_ids] * len(work),
                                    [tokens] * len(work)))
    rows = sorted(row for result in results for row in result)
    random.Random(SEED).shuffle(rows)
    return rows


def _durability_off() -> None:
    """``synchronous_commit = off`` for this session: commits stop waiting for the WAL flush. The rows
    written are the same; only a crash of the server could lose the last ones (the seed is rebuilt then)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit TO off")


def _tables_create() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {PLAN_TABLE} (seq integer PRIMARY KEY, task_id bigint NOT NULL, "
                    "enterprise_id bigint NOT NULL, code_token text NOT NULL, initiator_user_id bigint NOT NULL, "
                    "confirmer_user_id bigint NOT NULL)")
        cur.execute(f"CREATE TABLE {BEARER_TABLE} (user_id bigint PRIMARY KEY, bearer text NOT NULL)")
        cur.execute(f"CREATE TABLE {META_TABLE} (facts text NOT NULL)")


def tokens_issue() -> int:
    """Issue a fresh bearer token to every officer account (``api_token_issue``) and keep it in the
    bench's own table; returns how many."""
    from django.db import connection

    from clearcheck.accounts.models import User
    from clearcheck.accounts.services import api_token_issue

    rows = []
    for user_id, username in User.objects.filter(role="officer").order_by("pk").values_list("pk", "username"):
        token, _ = api_token_issue(username=username, password=PASSWORD, name="bench")
        rows.append((user_id, token))
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {BEARER_TABLE}")
        cur.executemany(f"INSERT INTO {BEARER_TABLE} (user_id, bearer) VALUES (%s, %s)", rows)
    return len(rows)


def meta_read() -> dict | None:
    """What the generation into this database made (None when it did not finish)."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"SELECT facts FROM {META_TABLE}")
            row = cur.fetchone()
    except Exception:  # noqa: BLE001 — no such table: no finished generation
        return None
    return json.loads(row[0]) if row else None


def plan_read(offset: int, count: int) -> list[tuple]:
    """``count`` plan rows from ``offset``: (task id, enterprise id, code token, initiator bearer, confirmer bearer)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT p.task_id, p.enterprise_id, p.code_token, a.bearer, b.bearer FROM {PLAN_TABLE} p "
                    f"JOIN {BEARER_TABLE} a ON a.user_id = p.initiator_user_id "
                    f"JOIN {BEARER_TABLE} b ON b.user_id = p.confirmer_user_id "
                    "WHERE p.seq >= %s ORDER BY p.seq LIMIT %s", [offset, count])
        return cur.fetchall()


def seed_target(database: str) -> Target:
    """The seed database (``clearcheck_bench_checkin_seed``), or the URL given."""
    if database in ("postgres", "postgresql", "pg"):
        database = "postgres://postgres@127.0.0.1:5432/clearcheck_bench_checkin_seed"
    target = target_resolve(database, "checkin")
    if target.engine != "postgresql":
        raise SystemExit("the check-in benchmark runs on PostgreSQL only (as the issue asks)")
    return target


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="postgres", help="postgres | a postgres:// URL of a clearcheck_bench* db")
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--officers", type=int, default=40, help="per agency (teams of two)")
    parser.add_argument("--jobs", type=int, default=2, help="processes making tasks (agencies in parallel)")
    args = parser.parse_args(argv)
    target = seed_target(args.database)
    print(f"check-in data: {args.agencies} agencies × {args.enterprises:,} enterprises on {target.url}")
    database_recreate(target)
    import os

    os.environ["CLEARCHECK_FAST_PASSWORDS"] = "1"
    django_setup(target)  # migrates everything and makes the bench's keys
    figures: list = []
    facts = generate(agencies=args.agencies, enterprises=args.enterprises, officers=args.officers, jobs=args.jobs,
                     figures=figures)
    from django.db import connections

    connections.close_all()
    print(json.dumps(facts, ensure_ascii=False))
    return facts


if __name__ == "__main__":
    main()
    sys.exit(0)
