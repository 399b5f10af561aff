"""Data generator of the draw benchmark (issue 5): a registry of 5,000,000 enterprises, one agency with
its tiers, officers, published items and a pool whose filter admits about 1,000,000 of them.

    python -m bench.draw_data --database postgres        # builds clearcheck_bench_draw_seed
    python -m bench.draw_data --database sqlite          # builds var/bench/draw_seed.sqlite3

Writes into the *seed* database (dropped, created and fully migrated here); ``bench.draw`` copies it
(``CREATE DATABASE … TEMPLATE`` on PostgreSQL, a file copy on SQLite) before every run, so the slow part
is paid once and every run starts from the same untouched registry.

Small things through the services an agency would use (every rule checked, every step audited):
  * a bureau and a county-government account; the agency 东阿县市场监督管理局
    (``registry.services.agency_create``) and the agency list drafted, reviewed, approved and published
    (R01); its admin and head accounts (``accounts.services.user_create``);
  * three published items (``catalog.services.item_create`` + ``item_list_publish``, R02, no special
    sector, no item cap) and the agency's default tier scheme A–D (``tier_scheme``: caps 0/1/2/4);
  * O enforcement officers (``registry.services.officer_create``, credentials valid from a year ago to
    two years ahead, R12).
The pool itself (``sampling.services.pool_create``: ``聊城市法人企业``, ``{"regions": ["371500"],
"entity_types": ["legal_person"]}`` — the prefecture's county-level regions and one entity type) is made
by ``bench.draw`` in each run copy, after it has reset the ``sampling`` app's tables to the migrations on
disk: the seed holds no ``sampling`` rows, so it survives changes of that app's schema.

Bulk rows through SQL only (psycopg ``COPY`` / one SQLite ``executemany`` transaction, never the ORM per
row; ``INSERT … SELECT`` for what derives from them), seeded, so a size always gives the same rows:
  * N enterprises: 30 % in the nine county-level regions of 聊城市 (371500), 70 % spread over every
    other county-level region of the reference table; entity types 72 % legal person, 22 % individual
    business, 6 % unincorporated; status 97 % operating, 2 % cancelled, 1 % revoked; class-level
    industries of GB/T 4754 uniformly. USCCs are valid GB 32100 codes ("91"/"92" + the region + nine
    characters of a scrambled counter + the check character; a sample is re-checked with
    python-stdnum) and unique; their order is unrelated to the id order, as in a real registry. The
    secondary indexes are dropped during the load and rebuilt with their own DDL afterwards. The pool
    filter admits about 0.30 × 0.72 × 0.97 ≈ 21 % of them (≈ 1,047,000 of 5,000,000).
  * the agency's current grades (``planning_enterprisetier``) for 60 % of the enterprises, by a hash of
    the id: A 8 %, B 42 %, C 35 %, D 15 % (the rest are ungraded: tier B by default);
  * this year's cap usage (``planning_capusage``) for 3 % of them: one or two proactive inspections
    already used, so some B and C enterprises are at their cap (R21) and stay out of the frame, as
    the A tier does (cap 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

from bench.common import BENCH_VAR, Target, database_recreate, django_setup, stopwatch, target_resolve

SEED = 20261128
PASSWORD = "bench-Qingjian-2026"
AGENCY_CODE = "371524-SCJG"
AGENCY_NAME = "东阿县市场监督管理局"
COUNTY = "371524"
PREFECTURE = "371500"
POOL_NAME = "聊城市法人企业"
POOL_FILTERS = {"regions": [PREFECTURE], "entity_types": ["legal_person"]}
META_TABLE = "bench_draw_meta"
SEED_DB = "clearcheck_bench_draw_seed"
SEED_SQLITE = BENCH_VAR / "draw_seed.sqlite3"
PREFECTURE_SHARE = 0.30
ENTITY_TYPES = (("legal_person", 0.72), ("individual_business", 0.22), ("unincorporated", 0.06))
STATUSES = (("operating", 0.97), ("cancelled", 0.02), ("revoked", 0.01))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建华", "秀兰", "志强", "玉梅", "德胜", "春燕", "海涛", "桂英", "永刚", "丽娟", "庆余", "文静", "立新", "红霞"]
PREFIXES = ["福胶", "鲁胶", "阿城", "鱼山", "洛神", "东源", "聚福", "金河", "恒信", "瑞丰", "同德", "天润", "宏达"]
STEMS = ["阿胶", "中药饮片", "食品", "化工", "建材", "物流", "宾馆", "养殖", "商贸", "机械", "纺织", "科技"]

# GB 32100-2015: the USCC alphabet and the weights of the check character.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_SPACE = 31 ** 9  # nine characters of the organisation part
SCRAMBLE = 16_340_803_117_799  # coprime to 31: i ↦ i·SCRAMBLE mod 31⁹ is a bijection, far from monotone


class UsccMaker:
    """Valid, unique USCCs for enterprise numbers 1…N: prefix + region + base-31 of a scrambled counter."""

    def __init__(self):
        m4 = 31 ** 4
        self.m4 = m4
        self.tail_text, self.tail_weight = [""] * m4, [0] * m4
        k = 0
        w13, w14, w15, w16 = WEIGHTS[13:17]
        for a in range(31):
            for b in range(31):
                for c in range(31):
                    for d in range(31):
                        self.tail_text[k] = ALPHABET[a] + ALPHABET[b] + ALPHABET[c] + ALPHABET[d]
                        self.tail_weight[k] = a * w13 + b * w14 + c * w15 + d * w16
                        k += 1
        self.prefix_weight: dict[str, int] = {}

    def make(self, prefix8: str, number: int) -> str:
        """The USCC of enterprise ``number`` under ``prefix8`` (registration authority, type, region)."""
        pw = self.prefix_weight.get(prefix8)
        if pw is None:
            pw = self.prefix_weight[prefix8] = sum(int(c) * w for c, w in zip(prefix8, WEIGHTS, strict=False))
        hi, lo = divmod(number * SCRAMBLE % ORG_SPACE, self.m4)
        c4 = hi % 31
        hi //= 31
        c3 = hi % 31
        hi //= 31
        c2 = hi % 31
        hi //= 31
        c1, c0 = hi % 31, hi // 31
        total = pw + c0 * WEIGHTS[8] + c1 * WEIGHTS[9] + c2 * WEIGHTS[10] + c3 * WEIGHTS[11] + c4 * WEIGHTS[12]
        total += self.tail_weight[lo]
        return (prefix8 + ALPHABET[c0] + ALPHABET[c1] + ALPHABET[c2] + ALPHABET[c3] + ALPHABET[c4]
                + self.tail_text[lo] + ALPHABET[(31 - total % 31) % 31])


def _cumulative(pairs) -> list[tuple[float, str]]:
    total, rows = 0.0, []
    for value, share in pairs:
        total += share
        rows.append((total, value))
    return rows


def _pick(cumulative, x: float) -> str:
    for bound, value in cumulative:
        if x < bound:
            return value
    return cumulative[-1][1]


def services_part(*, officers: int, figures: list) -> dict:
    """Accounts, the agency, its list, items, tier scheme, officers and the pool, through the services."""
    from clearcheck.accounts.choices import Role
    from clearcheck.accounts.services import user_create
    from clearcheck.catalog.services import items as item_services
    from clearcheck.core import clock
    from clearcheck.planning.selectors.tiers import tier_scheme
    from clearcheck.registry import services as registry
    from clearcheck.registry.models import Region

    rng = random.Random(SEED)
    today = clock.local_today()
    with stopwatch(figures, "services: accounts, agency + list, items, tier scheme, officers", officers):
        bureau = user_create(actor=None, username="bench-bureau", password=PASSWORD, role=Role.BUREAU,
                             display_name="县司法局执法监督科")
        government = user_create(actor=bureau, username="bench-government", password=PASSWORD,
                                 role=Role.GOVERNMENT, display_name="县政府办公室")
        agency = registry.agency_create(actor=bureau, code=AGENCY_CODE, name=AGENCY_NAME, kind="administrative_organ",
                                        legal_basis="《中华人民共和国市场监督管理法规》《优化营商环境条例》",
                                        region=Region.objects.get(code=COUNTY), reason="本级行政检查主体清理")
        listing = registry.agency_list_draft(actor=bureau, note="东阿县行政检查主体清单")
        registry.agency_list_review(actor=bureau, list_id=listing.pk, note="审核通过")
        registry.agency_list_approve(actor=government, list_id=listing.pk, note="审定同意")
        registry.agency_list_publish(actor=bureau, list_id=listing.pk)
        agency.refresh_from_db()
        admin = user_create(actor=bureau, username="bench-scjg-admin", password=PASSWORD, role=Role.AGENCY_ADMIN,
                            agency=agency, display_name=f"{AGENCY_NAME}法制科")
        user_create(actor=bureau, username="bench-scjg-head", password=PASSWORD, role=Role.AGENCY_HEAD,
                    agency=agency, display_name=f"{AGENCY_NAME}负责人")
        for k, (name, basis) in enumerate((
                ("营业执照和经营范围检查", "《市场主体登记管理条例》第三十八条"),
                ("食品经营者落实主体责任检查", "《中华人民共和国食品安全法》第一百一十条"),
                ("产品质量监督检查", "《中华人民共和国产品质量法》第十五条")), start=1):
            item_services.item_create(actor=admin, code=f"SCJG-SJ-{k:03d}", name=name, legal_basis=basis,
                                      object_scope="辖区市场主体", method="现场检查、资料查阅")
        item_services.item_list_publish(actor=admin, agency=agency, reason="涉企行政检查事项清单")
        tiers = tier_scheme(agency.pk)
        for k in range(officers):
            registry.officer_create(
                actor=bureau, agency=agency, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                credential_no=f"37152401{k + 1:06d}", personnel_type="enforcement", status="valid",
                valid_from=(today - dt.timedelta(days=365)).isoformat(),
                valid_to=(today + dt.timedelta(days=730)).isoformat())
    return {"agency_id": agency.pk, "tiers": {t.code: t.pk for t in tiers},
            "officers": officers, "officers_valid_to": str(today + dt.timedelta(days=730))}


def _secondary_indexes_drop(engine: str, table: str) -> list[str]:
    """Drop the table's secondary indexes (and the unique constraint on PostgreSQL); return the DDL that
    rebuilds them exactly as the migrations made them."""
    from django.db import connection

    rebuild: list[str] = []
    with connection.cursor() as cur:
        if engine == "postgresql":
            cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conrelid = %s::regclass AND contype = 'u'", [table])
            for name, definition in cur.fetchall():
                rebuild.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table])
            for name, definition in cur.fetchall():
                rebuild.insert(0, definition)
                cur.execute(f'DROP INDEX "{name}"')
        else:
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL", [table])
            for name, definition in cur.fetchall():
                rebuild.append(definition)
                cur.execute(f'DROP INDEX "{name}"')
    return rebuild


def enterprises_part(target: Target, *, enterprises: int, figures: list) -> dict:
    """N enterprises by COPY / executemany, indexes rebuilt afterwards."""
    import stdnum.cn.uscc
    from django.db import connection, transaction

    from bench.planning_data import Writer
    from clearcheck.registry.models import Enterprise, Industry, Region

    rng = random.Random(SEED + 1)
    counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", "name"))
    inside = [c for c in counties if c[0].startswith(PREFECTURE[:4])]
    outside = [c for c in counties if not c[0].startswith(PREFECTURE[:4])]
    industries = list(Industry.objects.filter(level="class").order_by("code").values_list("code", flat=True))
    if len(inside) < 2 or not outside or not industries:
        raise SystemExit("reference regions/industries missing: the registry data migrations must load them")
    types, statuses = _cumulative(ENTITY_TYPES), _cumulative(STATUSES)
    maker = UsccMaker()
    now = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    counts = {"in_prefecture": 0, "pool_filter": 0}

    def rows():
        random_ = rng.random
        for i in range(1, enterprises + 1):
            in_prefecture = random_() < PREFECTURE_SHARE
            region, county_name = rng.choice(inside if in_prefecture else outside)
            entity_type = _pick(types, random_())
            status = _pick(statuses, random_())
            uscc = maker.make(("92" if entity_type == "individual_business" else "91") + region, i)
            if in_prefecture:
                counts["in_prefecture"] += 1
                if entity_type == "legal_person" and status == "operating":
                    counts["pool_filter"] += 1
            if i % 1000 == 1 and not stdnum.cn.uscc.is_valid(uscc):
                raise SystemExit(f"generated an invalid USCC {uscc}")
            kind = "个体工商户" if entity_type == "individual_business" else "有限公司"
            name = f"{county_name}{PREFIXES[i % len(PREFIXES)]}{STEMS[(i // 13) % len(STEMS)]}{i}号{kind}"
            yield (i, uscc, name, entity_type, rng.choice(SURNAMES) + rng.choice(GIVEN), f"{county_name}阿胶街{i % 999 + 1}号",
                   region, industries[int(random_() * len(industries))], None, None, "", status, now, now)

    with stopwatch(figures, "generate + bulk write: enterprises (secondary indexes dropped)", enterprises), \
            transaction.atomic():
        rebuild = _secondary_indexes_drop(target.engine, "registry_enterprise")
        with connection.cursor() as cur:
            if target.engine == "postgresql":
                cur.execute("SET LOCAL session_replication_role = replica")  # rows valid by construction
            else:
                cur.execute("PRAGMA defer_foreign_keys = ON")
        Writer(target.engine, Enterprise, ["id", "uscc", "name", "entity_type", "legal_representative", "address",
                                           "region_id", "industry_id", "latitude", "longitude", "coordinate_datum",
                                           "status", "created_at", "updated_at"]).write(rows())
    with stopwatch(figures, f"rebuild the {len(rebuild)} secondary indexes / constraints of registry_enterprise",
                   enterprises), connection.cursor() as cur:
        if target.engine == "postgresql":
            cur.execute("SET maintenance_work_mem = '512MB'")  # this session's index builds only
        for ddl in rebuild:
            cur.execute(ddl)
    return counts


def grades_part(target: Target, *, agency_id: int, tiers: dict[str, int], year: int, figures: list) -> None:
    """Current grades for 60 % of the enterprises and this year's cap usage for 3 %, by INSERT … SELECT."""
    from django.db import connection, transaction

    true = "true" if target.engine == "postgresql" else "1"
    # A multiplicative hash of the id (bigint arithmetic on both engines) decides who is graded and how.
    h1, h2, h3 = "(e.id * 2654435761 %% 1000003)", "(e.id * 40503 %% 100)", "(e.id * 97 %% 1000)"
    now = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
    with stopwatch(figures, "INSERT … SELECT: current grades (EnterpriseTier)"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO planning_enterprisetier (agency_id, enterprise_id, tier_id, method, score, explanation, reason,
                                                 assigned_by, assigned_at, is_current)
            SELECT %s, e.id,
                   CASE WHEN {h2} < 8 THEN %s WHEN {h2} < 50 THEN %s WHEN {h2} < 85 THEN %s ELSE %s END,
                   'manual', NULL, '', '年度分级分类评定', 'bench', %s, {true}
            FROM registry_enterprise e WHERE {h1} %% 100 < 60
        """, [agency_id, tiers["A"], tiers["B"], tiers["C"], tiers["D"], now])
    with stopwatch(figures, "INSERT … SELECT: this year's cap usage (CapUsage)"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO planning_capusage (agency_id, enterprise_id, year, proactive_count, exempt_count, visited_count)
            SELECT %s, e.id, %s, 1 + {h3} %% 2, 0, 0 FROM registry_enterprise e WHERE {h3} < 30
        """, [agency_id, year])


def tidy(engine: str) -> None:
    """Refresh statistics and the id sequence, as a maintained database has them."""
    from django.db import connection

    tables = ["registry_enterprise", "planning_enterprisetier", "planning_capusage"]
    with connection.cursor() as cur:
        if engine == "postgresql":
            cur.execute("SELECT setval(pg_get_serial_sequence('registry_enterprise', 'id'), "
                        "(SELECT max(id) FROM registry_enterprise))")
            for table in tables:
                cur.execute(f"VACUUM ANALYZE {table}")
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def generate(target: Target, *, enterprises: int, officers: int, year: int, figures: list | None = None) -> dict:
    """Fill the migrated, empty seed database; returns its facts (also kept in ``bench_draw_meta``)."""
    from django.db import connection

    figures = figures if figures is not None else []
    made = services_part(officers=officers, figures=figures)
    counts = enterprises_part(target, enterprises=enterprises, figures=figures)
    grades_part(target, agency_id=made["agency_id"], tiers=made["tiers"], year=year, figures=figures)
    with stopwatch(figures, "VACUUM ANALYZE / ANALYZE + checkpoint"):
        tidy(target.engine)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM planning_enterprisetier")
        graded = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM planning_capusage")
        usage = cur.fetchone()[0]
    facts = {"enterprises": enterprises, "officers": officers, "year": year, "seed": SEED,
             "pool_filter_expected": counts["pool_filter"], "in_prefecture": counts["in_prefecture"],
             "graded": graded, "cap_usage_rows": usage, "pool_filters": POOL_FILTERS,
             "generated_on": str(dt.date.today()), **made}
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE {META_TABLE} (facts text NOT NULL)")
        cur.execute(f"INSERT INTO {META_TABLE} (facts) VALUES (%s)", [json.dumps(facts)])
    if target.engine == "sqlite":
        tidy("sqlite")
    return facts


def seed_target(database: str) -> Target:
    """The seed database: ``clearcheck_bench_draw_seed`` or ``var/bench/draw_seed.sqlite3``."""
    if database in ("postgres", "postgresql", "pg"):
        return target_resolve(f"postgres://postgres@127.0.0.1:5432/{SEED_DB}", "draw")
    if database == "sqlite":
        return target_resolve(f"sqlite:///{SEED_SQLITE}", "draw")
    sys.exit("--database: sqlite or postgres")


def meta_read(target: Target) -> dict | None:
    """The facts of a finished seed (None when there is none), read without Django."""
    try:
        if target.engine == "postgresql":
            import psycopg

            with psycopg.connect(target.url) as conn:
                row = conn.execute(f"SELECT facts FROM {META_TABLE}").fetchone()
        else:
            import sqlite3

            if not Path(target.sqlite_path).exists():
                return None
            with sqlite3.connect(target.sqlite_path) as conn:
                row = conn.execute(f"SELECT facts FROM {META_TABLE}").fetchone()
    except Exception:  # noqa: BLE001 — no database or no meta table: no finished seed
        return None
    return json.loads(row[0]) if row else None


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="sqlite", help="sqlite | postgres")
    parser.add_argument("--enterprises", type=int, default=5_000_000)
    parser.add_argument("--officers", type=int, default=300)
    parser.add_argument("--year", type=int, default=None, help="cap-usage year (default: this year, Asia/Shanghai)")
    args = parser.parse_args(argv)
    target = seed_target(args.database)
    print(f"draw data: {args.enterprises:,} enterprises, {args.officers} officers on {target.label} ({target.url})",
          flush=True)
    database_recreate(target)
    import os

    os.environ["CLEARCHECK_FAST_PASSWORDS"] = "1"
    os.environ["CLEARCHECK_MEDIA_ROOT"] = str(BENCH_VAR / "draw" / "files")
    django_setup(target)
    from clearcheck.core import clock

    figures: list = []
    facts = generate(target, enterprises=args.enterprises, officers=args.officers,
                     year=args.year or clock.local_year(), figures=figures)
    facts["generation_seconds"] = {f.label: round(f.seconds, 1) for f in figures}
    from django.db import connection, connections

    with connection.cursor() as cur:
        cur.execute(f"UPDATE {META_TABLE} SET facts = %s", [json.dumps(facts)])
    if target.engine == "sqlite":
        tidy("sqlite")
    connections.close_all()
    print(json.dumps(facts, ensure_ascii=False))
    return facts


if __name__ == "__main__":
    main()
    sys.exit(0)
