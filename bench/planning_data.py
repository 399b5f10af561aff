"""Data generator of the planning benchmark: enterprises, 30 agencies, tasks of one year, tiers, cap usage.

    python -m bench.planning_data --database postgres --enterprises 1000000 --tasks 2000000
    python -m bench.planning_data --database sqlite --enterprises 1000000 --tasks 2000000

Writes into its own database (PostgreSQL ``clearcheck_bench_plan`` / ``var/bench/plan.sqlite3``), which it
drops, recreates and migrates itself (every app, see ``bench.common``).
Bulk paths only: psycopg ``COPY`` on PostgreSQL, one ``executemany`` transaction per table on SQLite — never
the ORM. Column lists come from the models, so a field added later gets its default.

What is made (seeded, so a size gives the same rows every time):
  * 30 agencies (listed, active), 20 published items each, the default tier scheme A–D (caps 0/1/2/4);
  * N enterprises over the county-level regions and class-level industries the registry migrations load,
    USCC-shaped unique codes (check character not computed: nothing validates them here);
  * M tasks of one year: agency uniform; enterprise skewed (P(id ≤ x) = √(x/N): the top tenth of the
    enterprises gets about a third of the tasks, as inspections concentrate on risky sectors); window
    start uniform over the year, length 1–7 days (40 %), 8–30 (50 %), 31–60 (10 %); sources, types and
    statuses in a plausible mix; 1–3 items of the task's agency;
  * tiers: one current EnterpriseTier per (agency, enterprise) pair that has a task (A 30 %, B 40 %,
    C 20 %, D 10 %, by a hash of the pair), and CapUsage per (agency, enterprise, year) counted from the
    tasks holding a place (approved, urgent_started, completed) — both by ``INSERT … SELECT`` in SQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import random
import sys

from bench.common import Target, database_recreate, django_setup, stopwatch, target_resolve

AGENCIES = [
    "市场监督管理局", "应急管理局", "生态环境局", "卫生健康局", "住房和城乡建设局", "交通运输局", "农业农村局",
    "自然资源局", "水利局", "消防救援大队", "人力资源和社会保障局", "商务局", "文化和旅游局", "教育和体育局",
    "税务局", "医疗保障局", "公安局", "城市管理局", "综合行政执法局", "林业局", "粮食和物资储备局", "气象局",
    "烟草专卖局", "药品监督管理局", "畜牧兽医服务中心", "统计局", "民政局", "司法局", "档案局", "人防办",
]
ITEMS_PER_AGENCY = 20
TIERS = [("A", "低风险", 1, 0, "0.0200"), ("B", "一般风险", 2, 1, "0.0500"), ("C", "较高风险", 3, 2, "0.1000"),
         ("D", "高风险", 4, 4, "0.2000")]
SOURCES = [("annual_plan", 35), ("draw", 30), ("special_plan", 8), ("complaint", 8), ("referral", 4),
           ("monitoring", 4), ("sudden_event", 2), ("higher_level", 3), ("enterprise_request", 2), ("recheck", 4)]
STATUSES = [("approved", 55), ("completed", 18), ("submitted", 12), ("draft", 8), ("urgent_started", 3),
            ("cancelled", 2), ("rejected", 2)]
URGENT = {"sudden_event", "complaint", "referral", "monitoring"}
EXEMPT = {"complaint", "referral", "monitoring", "recheck", "enterprise_request", "higher_level"}
HOLDING = {"approved", "urgent_started", "completed"}
TYPE_OF = {"annual_plan": "routine", "draw": "routine", "special_plan": "special"}
WORDS = ["阿胶", "食品", "药业", "化工", "建材", "机械", "纺织", "物流", "餐饮", "商贸", "农业", "科技"]
BATCH = 50_000


def _weighted(rng: random.Random, pairs, k: int) -> list:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=k)


class Writer:
    """Bulk rows into one table by its model: COPY (PostgreSQL) or executemany (SQLite)."""

    def __init__(self, engine: str, model, columns: list[str]):
        self.engine, self.model = engine, model
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.given = columns
        # Fields the generator does not give get their model default, so new columns do not break it.
        self.defaults = {c: self._default(f) for c, f in fields.items() if c not in columns and c != "id"}
        self.columns = [*columns, *self.defaults]
        self.count = 0

    @staticmethod
    def _default(field):
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField"):
            return ""
        if field.get_internal_type() in ("DateTimeField",):
            return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        raise SystemExit(f"{field.model.__name__}.{field.name} has no default: teach bench/planning_data.py")

    def _sqlite(self, value):
        if isinstance(value, dt.datetime):
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))
        if isinstance(value, (dt.date, decimal.Decimal)):
            return str(value)
        if isinstance(value, bool):
            return int(value)
        return value

    def write(self, rows) -> int:
        """Write an iterable of tuples (in ``columns`` order, without the defaulted ones)."""
        from django.db import connection

        tail = tuple(self.defaults.values())
        table = self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.columns)
        raw = connection.connection
        if self.engine == "postgresql":
            with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row + tail)
                    self.count += 1
        else:
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" for _ in self.columns)})'
            chunk: list = []
            for row in rows:
                chunk.append(tuple(self._sqlite(v) for v in row + tail))
                if len(chunk) >= BATCH:
                    raw.executemany(sql, chunk)
                    self.count += len(chunk)
                    chunk = []
            if chunk:
                raw.executemany(sql, chunk)
                self.count += len(chunk)
        return self.count


def generate(target: Target, *, enterprises: int, tasks: int, year: int, seed: int = 20261127,
             figures: list | None = None, region_prefix: str = "", write_meta: bool = True) -> dict:
    """Fill the (migrated) bench database; returns facts about what was made. ``region_prefix`` keeps the
    enterprises in the counties whose code starts with it (e.g. "37", Shandong's).
    """
    from django.db import connection, transaction

    from clearcheck.catalog.models import InspectionItem
    from clearcheck.planning.models import InspectionTask, Tier
    from clearcheck.registry.models import Agency, Enterprise, Industry, Region

    figures = figures if figures is not None else []
    rng = random.Random(seed)
    now = dt.datetime(year, 1, 2, 8, 0, tzinfo=dt.UTC)
    regions = list(Region.objects.filter(level="county", code__startswith=region_prefix).order_by("code")
                   .values_list("code", flat=True))
    industries = list(Industry.objects.filter(level="class").order_by("code").values_list("code", flat=True))
    if not regions or not industries:
        raise SystemExit("reference regions/industries missing: the registry data migrations must load them")
    engine = target.engine

    with stopwatch(figures, "generate: agencies, items, tiers", len(AGENCIES)), transaction.atomic():
        Writer(engine, Agency, ["id", "code", "name", "kind", "legal_basis", "region_id", "status", "listed",
                                "version", "created_at", "updated_at"]).write(
            (i, f"BA{i:03d}", f"东阿县{name}", "administrative_organ", "《优化营商环境条例》", regions[0], "active",
             True, 1, now, now) for i, name in enumerate(AGENCIES, start=1))
        Writer(engine, InspectionItem, ["id", "agency_id", "code", "name", "legal_basis", "object_scope", "method",
                                        "category", "status", "published_at", "created_at", "updated_at"]).write(
            ((a - 1) * ITEMS_PER_AGENCY + k, a, f"BA{a:03d}-{k:03d}", f"{AGENCIES[a - 1]}检查事项{k}",
             "《中华人民共和国行政处罚法》", "辖区企业", "现场检查", "general", "published", now, now, now)
            for a in range(1, len(AGENCIES) + 1) for k in range(1, ITEMS_PER_AGENCY + 1))
        Writer(engine, Tier, ["id", "agency_id", "code", "name", "rank", "annual_cap", "sampling_ratio"]).write(
            ((a - 1) * 4 + r, a, code, name, r, cap, decimal.Decimal(ratio))
            for a in range(1, len(AGENCIES) + 1) for code, name, r, cap, ratio in TIERS)

    def enterprise_rows():
        for i in range(1, enterprises + 1):
            region = regions[i % len(regions)]
            yield (i, f"91{region}{i:09d}X", f"东阿县{WORDS[i % len(WORDS)]}企业{i}有限公司", "legal_person",
                   "", f"阿胶街{i % 999 + 1}号", region, industries[(i * 7) % len(industries)], None, None, "",
                   "operating", now, now)

    with stopwatch(figures, "generate + bulk write: enterprises", enterprises), transaction.atomic():
        Writer(engine, Enterprise, ["id", "uscc", "name", "entity_type", "legal_representative", "address",
                                    "region_id", "industry_id", "latitude", "longitude", "coordinate_datum",
                                    "status", "created_at", "updated_at"]).write(enterprise_rows())

    first_day = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first_day).days
    item_links: list = []

    def task_rows():
        nonlocal item_links
        done = 0
        while done < tasks:
            k = min(BATCH, tasks - done)
            sources = _weighted(rng, SOURCES, k)
            statuses = _weighted(rng, STATUSES, k)
            for j in range(k):
                task_id = done + j + 1
                agency = rng.randrange(1, len(AGENCIES) + 1)
                enterprise = min(enterprises, int(enterprises * rng.random() ** 2) + 1)
                start = first_day + dt.timedelta(days=rng.randrange(days))
                bucket = rng.random()
                length = rng.randint(1, 7) if bucket < 0.4 else rng.randint(8, 30) if bucket < 0.9 else rng.randint(31, 60)
                source, status = sources[j], statuses[j]
                holding = status in HOLDING
                place = ("exempt" if source in EXEMPT else "proactive") if holding else ""
                yield (task_id, agency, enterprise, TYPE_OF.get(source, "case"), source, start,
                       start + dt.timedelta(days=length - 1), year, status, source in URGENT, source not in EXEMPT,
                       place, "bench", now, now)
                for item in rng.sample(range(1, ITEMS_PER_AGENCY + 1), rng.randint(1, 3)):
                    item_links.append((task_id, (agency - 1) * ITEMS_PER_AGENCY + item))
            done += k

    with stopwatch(figures, "generate + bulk write: tasks", tasks), transaction.atomic():
        columns = ["id", "agency_id", "enterprise_id", "inspection_type", "source", "window_start", "window_end",
                   "year", "status", "urgent", "counts_against_cap", "cap_place", "created_by", "created_at",
                   "updated_at"]
        if "cap_place" not in {f.column for f in InspectionTask._meta.concrete_fields}:
            columns.remove("cap_place")
            Writer(engine, InspectionTask, columns).write(r[:11] + r[12:] for r in task_rows())
        else:
            Writer(engine, InspectionTask, columns).write(task_rows())
    through = InspectionTask.items.through
    with stopwatch(figures, "bulk write: task items (M2M)", len(item_links)), transaction.atomic():
        Writer(engine, through, ["inspectiontask_id", "inspectionitem_id"]).write(iter(item_links))
    links = len(item_links)
    item_links = []

    holding = ", ".join(f"'{s}'" for s in sorted(HOLDING))
    exempt = ", ".join(f"'{s}'" for s in sorted(EXEMPT))
    true = "true" if engine == "postgresql" else "1"
    with stopwatch(figures, "INSERT … SELECT: enterprise tiers and cap usage"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute(f"""
            INSERT INTO planning_enterprisetier (agency_id, enterprise_id, tier_id, method, score, explanation, reason,
                                                 assigned_by, assigned_at, is_current)
            SELECT agency_id, enterprise_id,
                   (agency_id - 1) * 4 + CASE WHEN (enterprise_id * 7 + agency_id * 13) %% 10 < 3 THEN 1
                                              WHEN (enterprise_id * 7 + agency_id * 13) %% 10 < 7 THEN 2
                                              WHEN (enterprise_id * 7 + agency_id * 13) %% 10 < 9 THEN 3 ELSE 4 END,
                   'manual', NULL, '', 'bench', 'bench', %s, {true}
            FROM (SELECT DISTINCT agency_id, enterprise_id FROM planning_inspectiontask) pairs
        """, [now])
        cur.execute(f"""
            INSERT INTO planning_capusage (agency_id, enterprise_id, year, proactive_count, exempt_count, visited_count)
            SELECT agency_id, enterprise_id, year,
                   sum(CASE WHEN source NOT IN ({exempt}) THEN 1 ELSE 0 END),
                   sum(CASE WHEN source IN ({exempt}) THEN 1 ELSE 0 END),
                   sum(CASE WHEN source NOT IN ({exempt}) AND status = 'completed' THEN 1 ELSE 0 END)
            FROM planning_inspectiontask WHERE status IN ({holding})
            GROUP BY agency_id, enterprise_id, year
        """)
    tidy(engine)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM planning_enterprisetier")
        tiers = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM planning_capusage")
        usages = cur.fetchone()[0]
    facts = {"agencies": len(AGENCIES), "items": len(AGENCIES) * ITEMS_PER_AGENCY, "enterprises": enterprises,
             "tasks": tasks, "task items": links, "enterprise tiers": tiers, "cap usage rows": usages, "year": year,
             "seed": seed}
    if write_meta:
        _meta_write(facts)
    return facts


def tidy(engine: str) -> None:
    """Fix id sequences and refresh statistics, as a maintained database has them."""
    from django.db import connection

    tables = ["registry_agency", "registry_enterprise", "catalog_inspectionitem", "planning_tier",
              "planning_inspectiontask", "planning_inspectiontask_items", "planning_enterprisetier",
              "planning_capusage"]
    with connection.cursor() as cur:
        if engine == "postgresql":
            for table in tables:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 1) FROM {table}))")
            for table in tables:
                cur.execute(f"VACUUM ANALYZE {table}")
        else:
            cur.execute("ANALYZE")
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _meta_write(facts: dict) -> None:
    import json

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (facts text)")
        cur.execute("DELETE FROM bench_meta")
        cur.execute("INSERT INTO bench_meta (facts) VALUES (%s)", [json.dumps(facts)])


def meta_read() -> dict | None:
    """What the last generation into this database made (None when it did not finish)."""
    import json

    from django.db import connection

    with connection.cursor() as cur:
        try:
            cur.execute("SELECT facts FROM bench_meta")
        except Exception:  # noqa: BLE001
            return None
        row = cur.fetchone()
    return json.loads(row[0]) if row else None




def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="sqlite", help="sqlite | postgres | a bench-only URL")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=2_000_000)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args(argv)
    target = target_resolve(args.database, "plan")
    print(f"planning data: {args.enterprises:,} enterprises, {args.tasks:,} tasks on {target.label} ({target.url})")
    database_recreate(target)
    django_setup(target)
    facts = generate(target, enterprises=args.enterprises, tasks=args.tasks, year=args.year)
    print(facts)
    return facts


if __name__ == "__main__":
    main()
    sys.exit(0)
