"""Benchmark: importing N enterprises from CSV with full validation, next to a raw bulk load.

    python -m bench.import_enterprises --database postgres --n 1000000
    python -m bench.import_enterprises --database sqlite --n 1000000

Data: a CSV (``var/bench/enterprises-<n>.csv``) of N enterprises with valid, unique USCCs
(check character by ``clearcheck.registry.validators.uscc_check_digit``), region codes taken from
the ``Region`` table (county level), industry codes from the ``Industry`` table (class level),
Chinese names and addresses, and coordinates in the mix a county's spreadsheets bring: 55 %
GCJ-02 (高德/腾讯), 10 % BD-09 (百度), 15 % WGS-84, 20 % blank. When the reference tables are
empty (their data migration not yet present) a few rows are created so the bench can run.

Measured in the same run, on the same file:
  * baseline: the raw engine path, no validation — PostgreSQL: psycopg ``COPY`` into a scratch table
    ``LIKE registry_enterprise INCLUDING ALL`` (same columns, indexes and checks); SQLite: one
    ``executemany`` in one transaction into a scratch table with the same DDL and indexes;
    both read and split the CSV in Python as the importer must;
  * python-stdnum's ``stdnum.cn.uscc.is_valid`` alone over every USCC;
  * the platform's ``uscc_problem(uscc_normalise(code))`` alone over every USCC;
  * the platform's ``enterprise_clean`` (every field, coordinates converted) alone over every row;
  * the platform's import: ``clearcheck.exchange.fast_path.enterprises_import_rows(rows)``
    (validation + set-based write, all or nothing) of the CSV's rows into the empty
    ``registry_enterprise`` table; then the same rows again (an idempotent re-import: nothing
    changes); then, on the emptied table, the whole service
    ``clearcheck.exchange.services.import_run(kind="enterprises")`` from the file's bytes (decoding,
    header mapping, validation, write, the stored file, the ImportJob and its one audit event).
The goal (issue 2): the platform import reaches at least one quarter of the raw rate.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import inspect
import random
import sys
from pathlib import Path

from bench.common import BENCH_VAR, Report, database_recreate, django_setup, stopwatch, target_resolve

FIELDS = ["uscc", "name", "entity_type", "legal_representative", "address", "region", "industry",
          "latitude", "longitude", "coordinate_datum", "status"]
RAW_COLUMNS = ["uscc", "name", "entity_type", "legal_representative", "address", "region_id", "industry_id",
               "latitude", "longitude", "coordinate_datum", "status", "created_at", "updated_at"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰德福海"
WORDS = ["阿胶", "食品", "药业", "化工", "建材", "机械", "纺织", "物流", "餐饮", "商贸", "农业", "科技",
         "印刷", "家具", "包装", "五金", "电子", "生物", "畜牧", "酿造"]
SUFFIX = {"legal_person": ["有限公司", "股份有限公司", "有限责任公司"],
          "unincorporated": ["合伙企业", "分公司", "个人独资企业"],
          "individual_business": ["经营部", "门市部", "店", "加工坊"]}
ROADS = ["振兴路", "艾山街", "少岱山路", "曙光街", "阿胶街", "黄河路", "香江路", "胶城路", "北京路", "东顺路"]

FALLBACK_REGIONS = [("370000", "山东省", "province", None), ("371500", "聊城市", "city", "370000"),
                    ("371524", "东阿县", "county", "371500"), ("371502", "东昌府区", "county", "371500")]
FALLBACK_INDUSTRIES = [("C", "制造业", "section", None), ("27", "医药制造业", "division", "C"),
                       ("274", "中药饮片加工", "group", "27"), ("2740", "中药饮片加工", "class", "274"),
                       ("F", "批发和零售业", "section", None), ("52", "零售业", "division", "F"),
                       ("521", "综合零售", "group", "52"), ("5212", "超级市场零售", "class", "521")]


def _base31(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 31)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def uscc_make(index: int, region: str, entity_type: str) -> str:
    """A valid, unique USCC: registration body 9 (market regulation), category, region, MA + serial."""
    from clearcheck.registry.validators import uscc_check_digit

    category = {"legal_person": "1", "unincorporated": "3", "individual_business": "2"}[entity_type]
    first17 = f"9{category}{region}MA{_base31(index, 7)}"
    return first17 + uscc_check_digit(first17)


def reference_codes() -> tuple[list[str], list[str], str]:
    """County region codes and class industry codes from the reference tables (created if absent)."""
    from clearcheck.registry.models import Industry, Region

    note = "reference tables from the registry data migration"
    if not Region.objects.filter(level="county").exists():
        for code, name, level, parent in FALLBACK_REGIONS:
            Region.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
        note = "reference tables were empty: a few region/industry rows created by the bench"
    if not Industry.objects.filter(level="class").exists():
        for code, name, level, parent in FALLBACK_INDUSTRIES:
            Industry.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
        note = "reference tables were empty: a few region/industry rows created by the bench"
    # Most rows in Shandong (the province the platform is sized for), a few anywhere.
    regions = list(Region.objects.filter(level="county").values_list("code", flat=True))
    shandong = [c for c in regions if c.startswith("37")] or regions
    industries = list(Industry.objects.filter(level="class").values_list("code", flat=True))
    return shandong + regions[:: max(1, len(regions) // 50)], industries, note


def csv_generate(path: Path, n: int, regions: list[str], industries: list[str], seed: int = 2740) -> None:
    """Write N valid enterprise rows to ``path`` (UTF-8 with BOM, as Excel saves CSV)."""
    rng = random.Random(seed)
    types = ["legal_person"] * 6 + ["individual_business"] * 3 + ["unincorporated"]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(FIELDS)
        for i in range(n):
            entity_type = rng.choice(types)
            region = rng.choice(regions)
            person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
            name = f"{person}{rng.choice(WORDS)}{rng.choice(SUFFIX[entity_type])}{i}"
            roll = rng.random()
            if roll < 0.20:
                lat = lng = datum = ""
            else:
                lat = f"{rng.uniform(34.4, 38.4):.6f}"
                lng = f"{rng.uniform(114.8, 122.7):.6f}"
                datum = "gcj02" if roll < 0.75 else "bd09" if roll < 0.85 else "wgs84"
            writer.writerow([
                uscc_make(i, region, entity_type), name, entity_type, person,
                f"山东省{rng.choice(ROADS)}{rng.randint(1, 999)}号", region, rng.choice(industries),
                lat, lng, datum, "operating",
            ])


def csv_rows(path: Path):
    """The CSV as dicts, as an importer reads it."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def raw_load(engine: str, path: Path, *, indexes: bool = True) -> int:
    """Baseline: the same rows into a scratch table of the same shape, no validation at all.

    ``indexes=False``: the same columns and checks without the secondary indexes (on PostgreSQL
    without any index at all), to show what the table's indexes cost.
    """
    from django.db import connection, transaction

    now = dt.datetime.now(dt.UTC)
    count = 0
    table = "bench_enterprise_raw" if indexes else "bench_enterprise_bare"
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        if engine == "postgresql":
            what = "INCLUDING ALL" if indexes else "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS"
            cur.execute(f"CREATE TABLE {table} (LIKE registry_enterprise {what})")
        else:
            cur.execute("SELECT type, sql FROM sqlite_master WHERE tbl_name = 'registry_enterprise' AND sql IS NOT NULL")
            for kind, sql in cur.fetchall():
                if kind == "index" and not indexes:
                    continue
                sql = sql.replace('"registry_enterprise"', f'"{table}"')
                if kind == "index":
                    sql = sql.replace('INDEX "', f'INDEX "{table}_')
                cur.execute(sql)
    with transaction.atomic():
        raw = connection.connection
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            if engine == "postgresql":
                with raw.cursor() as cur, cur.copy(
                    f"COPY {table} ({', '.join(RAW_COLUMNS)}) FROM STDIN"
                ) as copy:
                    for r in reader:
                        copy.write_row((*r[:7], r[7] or None, r[8] or None, r[9], r[10], now, now))
                        count += 1
            else:
                stamp = str(now.replace(tzinfo=None))
                sql = (f"INSERT INTO {table} ({', '.join(RAW_COLUMNS)}) "
                       f"VALUES ({', '.join('?' for _ in RAW_COLUMNS)})")
                batch = []
                for r in reader:
                    batch.append((*r[:7], r[7] or None, r[8] or None, r[9], r[10], stamp, stamp))
                    if len(batch) == 50_000:
                        raw.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                raw.executemany(sql, batch)
                count += len(batch)
    return count


def importer_find():
    """``enterprises_import_rows`` from ``clearcheck.exchange.fast_path``, or None with the reason."""
    try:
        module = importlib.import_module("clearcheck.exchange.fast_path")
    except ImportError as exc:
        return None, f"clearcheck.exchange.fast_path not importable ({exc})"
    func = getattr(module, "enterprises_import_rows", None)
    if func is None:
        return None, "clearcheck.exchange.fast_path has no enterprises_import_rows"
    return func, f"enterprises_import_rows{inspect.signature(func)}"


def importer_call(func, path: Path):
    """``enterprises_import_rows(rows)``: the CSV's rows as dicts, all or nothing."""
    return func(csv_rows(path))


def bench_bureau():
    """A bureau account (the role that may import every kind), made by the accounts service."""
    from django.db import transaction

    from clearcheck.accounts.models import User
    from clearcheck.accounts.services import user_create

    user = User.objects.filter(username="bench-bureau").first()
    if user is None:
        with transaction.atomic():
            user = user_create(actor=None, username="bench-bureau", password="bench-bureau-1", role="bureau")
    return user


def enterprises_clear(engine: str) -> None:
    """Empty the enterprise table between two imports (and let PostgreSQL reclaim the space)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DELETE FROM registry_enterprise")
        if engine == "postgresql":
            cur.execute("VACUUM ANALYZE registry_enterprise")


def _summary(result) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{k}={v:,}" for k, v in result.items() if isinstance(v, int))
    counts = getattr(result, "counts", None)
    return f"{getattr(result, 'status', '')} {counts() if callable(counts) else ''}"


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", default="sqlite", help="sqlite | postgres | a bench-only URL")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of enterprises (default 1,000,000)")
    args = parser.parse_args(argv)

    target = target_resolve(args.database, "import")
    print(f"enterprise import benchmark: {args.n:,} rows on {target.label} ({target.url})")
    database_recreate(target)
    django_setup(target)
    from stdnum.cn import uscc as stdnum_uscc

    from clearcheck.registry.models import Enterprise
    from clearcheck.registry.validators import enterprise_clean, uscc_normalise, uscc_problem

    report = Report("import_enterprises", target.label, args.n)
    figs = report.figures
    regions, industries, note = reference_codes()
    report.facts["reference codes"] = f"{len(regions)} regions, {len(industries)} industries ({note})"

    path = BENCH_VAR / f"enterprises-{args.n}.csv"
    with stopwatch(figs, "generate the CSV (valid USCCs, coordinates in 3 datums)", args.n):
        csv_generate(path, args.n, regions, industries)
    report.facts["csv"] = f"{path} ({path.stat().st_size / 1e6:.1f} MB)"

    with stopwatch(figs, "baseline: raw " + ("psycopg COPY" if target.engine == "postgresql"
                                              else "sqlite3 executemany, one transaction"), args.n) as step:
        step["rows"] = raw_load(target.engine, path)
    raw_fig = figs[-1]
    with stopwatch(figs, "reference: the same raw load into a table without " + (
            "any index" if target.engine == "postgresql" else "secondary indexes"), args.n) as step:
        step["rows"] = raw_load(target.engine, path, indexes=False)

    codes = [row["uscc"] for row in csv_rows(path)]
    with stopwatch(figs, "python-stdnum stdnum.cn.uscc.is_valid alone", args.n) as step:
        valid = sum(map(stdnum_uscc.is_valid, codes))
        step["note"] = f"{valid:,} valid"
    with stopwatch(figs, "platform uscc_problem(uscc_normalise(code)) alone", args.n) as step:
        valid = sum(1 for c in codes if uscc_problem(uscc_normalise(c)) is None)
        step["note"] = f"{valid:,} valid"
    del codes

    rows = list(csv_rows(path))
    region_set, industry_set = set(regions), set(industries)
    with stopwatch(figs, "platform enterprise_clean alone (all fields, in memory)", args.n) as step:
        bad = sum(1 for row in rows if enterprise_clean(row, region_codes=region_set, industry_codes=industry_set)[1])
        step["note"] = f"{bad:,} rows refused"
    del rows

    func, description = importer_find()
    report.facts["platform importer"] = description
    if func is None:
        print(f"\n  SKIPPED the platform import: {description}.\n"
              "  The bench is ready for it: rerun once clearcheck/exchange/fast_path.py defines "
              "enterprises_import_rows(rows).\n")
    else:
        with stopwatch(figs, "platform: enterprises_import_rows (validate + set-based write)", args.n) as step:
            result = importer_call(func, path)
            step["note"] = _summary(result)
        fast_fig = figs[-1]
        stored = Enterprise.objects.count()
        report.facts["enterprises stored by enterprises_import_rows"] = stored
        if stored != args.n or result.get("failed"):
            report.facts["WARNING"] = f"expected {args.n:,} stored rows, found {stored:,}; {result.get('errors', [])[:3]}"
        with stopwatch(figs, "platform: enterprises_import_rows again (re-import, unchanged)", args.n) as step:
            step["note"] = _summary(importer_call(func, path))

        from clearcheck.exchange.services import import_run

        bureau = bench_bureau()
        data = path.read_bytes()
        enterprises_clear(target.engine)
        with stopwatch(figs, "platform: import_run(kind=enterprises) from the CSV file", args.n) as step:
            job = import_run(actor=bureau, kind="enterprises", filename=path.name, data=data)
            step["note"] = _summary(job)
        run_fig = figs[-1]
        report.facts["enterprises stored by import_run"] = Enterprise.objects.count()
        for label, fig in (("enterprises_import_rows", fast_fig), ("import_run", run_fig)):
            ratio = fig.rate / raw_fig.rate if fig.rate and raw_fig.rate else 0
            report.facts[f"{label} rate / raw rate"] = (
                f"{ratio:.2f} (goal >= 0.25: {'met' if ratio >= 0.25 else 'NOT met'})")

    print(report.table())
    print(f"results: {report.save()}")
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
