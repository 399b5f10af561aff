"""The enterprise bulk path: validate in Python against precomputed code sets, write set-based.

PostgreSQL: the cleaned rows are COPYed into a temporary table, then one
``INSERT … SELECT … ON CONFLICT (uscc) DO UPDATE … WHERE (…) IS DISTINCT FROM (…)`` writes them.
SQLite: ``executemany`` into a temporary table, then the same upsert (``IS NOT`` on row values).
No per-row ORM save and no ``bulk_create`` (ARCHITECTURE.md: ~1/15 of the raw rate).

Validation is ``registry.validators.enterprise_clean``; ``enterprise_row_fast`` only accepts the
plain, valid rows it can prove give exactly the same result (a property test checks it against
``enterprise_clean`` on every input Hypothesis tries) and hands every other row to it, so every
error message still comes from the registry's one validator.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from clearcheck.core import clock
from clearcheck.core.errors import FieldError
from clearcheck.core.inputs import row_text_errors
from clearcheck.registry.choices import Datum, EnterpriseStatus, EntityType
from clearcheck.registry.models import Enterprise, Industry, Region
from clearcheck.registry.rules import enterprise_register_refusal
from clearcheck.registry.validators import (
    coordinates_to_wgs84,
    enterprise_clean,
    uscc_normalise,
    uscc_problem,
)

# Order of the cleaned tuple; the names are the keys of ``enterprise_clean``'s result (= column names).
COLUMNS = (
    "uscc", "name", "entity_type", "legal_representative", "address", "region_id", "industry_id",
    "latitude", "longitude", "coordinate_datum", "status",
)
UPDATABLE = COLUMNS[1:]
# Import fields (header names) -> the columns they fill; a column absent from the file is not updated.
FIELD_COLUMNS = {
    "name": ("name",), "entity_type": ("entity_type",), "legal_representative": ("legal_representative",),
    "address": ("address",), "region": ("region_id",), "industry": ("industry_id",),
    "latitude": ("latitude", "longitude", "coordinate_datum"),
    "longitude": ("latitude", "longitude", "coordinate_datum"), "status": ("status",),
}
CHUNK = 20_000

_ENTITY_TYPES = frozenset(EntityType.values)
_STATUSES = frozenset(EnterpriseStatus.values)
_PLAIN_NUMBER = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,12})?\Z")
_OPERATING = EnterpriseStatus.OPERATING.value
# The columns' own limits: a longer value goes to ``enterprise_clean``, which refuses it (issue 20).
_NAME_MAX, _LEGAL_MAX, _ADDRESS_MAX = (
    Enterprise._meta.get_field(f).max_length for f in ("name", "legal_representative", "address"))
_WGS84 = Datum.WGS84.value


def _text(value) -> str | None:
    # enterprise_clean reads ``str(value or "")``; the fast path only takes text (or nothing).
    if value is None:
        return ""
    return value if type(value) is str else None


def enterprise_row_fast(data: dict, region_codes, industry_codes) -> tuple | None:
    """The cleaned tuple (``COLUMNS`` order) of a valid, plain row, exactly as ``enterprise_clean``
    would clean it; None when the row needs the full validator (an error, or an unusual value).
    """
    uscc = data.get("uscc")
    if type(uscc) is not str:
        return None
    code = uscc_normalise(uscc)
    if uscc_problem(code) is not None:
        return None
    name = _text(data.get("name"))
    if not name:
        return None
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        return None
    entity_type = _text(data.get("entity_type"))
    if entity_type is None:
        return None
    entity_type = entity_type.strip()
    if entity_type not in _ENTITY_TYPES:
        return None
    status = _text(data.get("status"))
    if status is None:
        return None
    status = status.strip() or _OPERATING
    if status not in _STATUSES:
        return None
    region = _text(data.get("region") or data.get("region_code"))
    industry = _text(data.get("industry") or data.get("industry_code"))
    if region is None or industry is None:
        return None
    region, industry = region.strip(), industry.strip()
    if region not in region_codes or industry not in industry_codes:
        return None
    legal = _text(data.get("legal_representative"))
    address = _text(data.get("address"))
    datum = _text(data.get("coordinate_datum"))
    if legal is None or address is None or datum is None:
        return None
    legal, address = legal.strip(), address.strip()
    if len(legal) > _LEGAL_MAX or len(address) > _ADDRESS_MAX:
        return None
    datum = datum.strip() or _WGS84
    lat_raw, lng_raw = data.get("latitude"), data.get("longitude")
    if lat_raw in (None, "") and lng_raw in (None, ""):
        lat = lng = None
        datum = ""
    elif (
        datum == _WGS84 and type(lat_raw) is str and type(lng_raw) is str
        and _PLAIN_NUMBER.match(lat_raw) and _PLAIN_NUMBER.match(lng_raw)
    ):
        lat_f, lng_f = float(lat_raw), float(lng_raw)
        if not (-90 <= lat_f <= 90 and -180 <= lng_f <= 180):
            return None
        # Same digits as Decimal(float).quantize(Decimal("0.000001")): both round the exact binary value half-even.
        lat, lng = Decimal(format(lat_f, ".6f")), Decimal(format(lng_f, ".6f"))
    else:
        try:
            lat, lng, errors = coordinates_to_wgs84(lat_raw, lng_raw, datum)
        except (ArithmeticError, ValueError):
            return None
        if errors:
            return None
    return (code, name, entity_type, legal, address, region, industry, lat, lng,
            datum, status)


def enterprise_row_clean(data: dict, region_codes, industry_codes) -> tuple[tuple | None, list[FieldError]]:
    """``(cleaned tuple, [])`` for a good row, ``(None, errors)`` for a bad one."""
    row = enterprise_row_fast(data, region_codes, industry_codes)
    if row is not None:
        return row, []
    try:
        cleaned, errors = enterprise_clean(data, region_codes=region_codes, industry_codes=industry_codes)
    except (ArithmeticError, ValueError):
        # The datum conversion fails on some extreme coordinates (e.g. GCJ-02 at the poles): a bad row,
        # never a failed import.
        return None, [FieldError("latitude", "经纬度无法按所填坐标基准换算为 WGS-84,请检查经纬度与坐标系")]
    if errors:
        return None, errors
    return tuple(cleaned[c] for c in COLUMNS), []


def reference_code_sets() -> tuple[frozenset, frozenset]:
    """All known GB/T 2260 region codes and GB/T 4754 industry codes (a few thousand strings)."""
    return (frozenset(Region.objects.values_list("code", flat=True)),
            frozenset(Industry.objects.values_list("code", flat=True)))


@dataclass
class ImportOutcome:
    """Counts and errors of one import (``errors``: ``{"line", "field", "message"}`` in line order)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    written: bool = False
    agency: object = None  # officer imports: the one agency every good row went to

    def counts(self) -> dict:
        """The counts as a dict."""
        return {"total": self.total, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "failed": self.failed}


def row_errors_add(outcome: ImportOutcome, line: int, errors: list[FieldError]) -> None:
    """Record a bad row."""
    outcome.failed += 1
    outcome.errors.extend({"line": line, "field": e.field, "message": e.message} for e in errors)


class _Stage:
    """A temporary table of cleaned rows, filled chunk by chunk, then upserted in one statement."""

    def __init__(self, update_columns: tuple[str, ...]):
        self.vendor = connection.vendor
        self.update_columns = tuple(c for c in UPDATABLE if c in update_columns)
        self.buffer: list[tuple] = []
        self.count = 0
        self.table = Enterprise._meta.db_table
        self.cursor = connection.cursor()
        # Schema-qualified, so that only ever the session's own temporary table is dropped.
        self.stage = ("pg_temp." if self.vendor == "postgresql" else "temp.") + "exchange_enterprise_stage"

    def open(self) -> None:
        fields = {f.column: f for f in Enterprise._meta.concrete_fields}
        columns = ", ".join(f"{c} {fields[c].db_type(connection)}" for c in COLUMNS)
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
        self.cursor.execute(f"CREATE TEMPORARY TABLE {self.stage.split('.')[1]} (line integer, {columns})")

    def add(self, line: int, row: tuple) -> None:
        self.buffer.append((line, *row))
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        names = "line, " + ", ".join(COLUMNS)
        if self.vendor == "postgresql":
            with self.cursor.cursor.copy(f"COPY {self.stage} ({names}) FROM STDIN") as copy:
                for row in self.buffer:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
            sql = f"INSERT INTO {self.stage} ({names}) VALUES ({marks})"  # noqa: S608 — identifiers are constants
            self.cursor.executemany(sql, self.buffer)
        self.count += len(self.buffer)
        self.buffer = []

    def upsert(self) -> tuple[int, int]:
        """Write the staged rows; return (created, updated)."""
        self.flush()
        if not self.count:
            return 0, 0
        now = connection.ops.adapt_datetimefield_value(clock.now())
        cols = ", ".join(COLUMNS)
        t = self.table
        if self.update_columns:
            sets = ", ".join(f"{c} = excluded.{c}" for c in self.update_columns) + ", updated_at = excluded.updated_at"
            mine = ", ".join(f"{t}.{c}" for c in self.update_columns)
            theirs = ", ".join(f"excluded.{c}" for c in self.update_columns)
            distinct = "IS DISTINCT FROM" if self.vendor == "postgresql" else "IS NOT"
            # A one-column "row" is written without the ROW constructor, which both databases accept.
            conflict = f"DO UPDATE SET {sets} WHERE ({mine}) {distinct} ({theirs})"
        else:
            conflict = "DO NOTHING"
        # Every identifier below comes from the model's meta or this module, never from input (S608).
        insert = (
            f"INSERT INTO {t} ({cols}, created_at, updated_at) "  # noqa: S608
            f"SELECT {cols}, %s, %s FROM {self.stage} WHERE true ORDER BY line "
            f"ON CONFLICT (uscc) {conflict}"
        )
        if self.vendor == "postgresql":
            self.cursor.execute(
                f"WITH up AS ({insert} RETURNING (xmax = 0) AS created) "  # noqa: S608
                "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up",
                [now, now],
            )
            created, updated = self.cursor.fetchone()
            return created, updated
        self.cursor.execute(
            f"SELECT count(*) FROM {self.stage} s WHERE NOT EXISTS (SELECT 1 FROM {t} e WHERE e.uscc = s.uscc)"  # noqa: S608
        )
        created = self.cursor.fetchone()[0]
        self.cursor.execute(insert, [now, now])
        return created, self.cursor.rowcount - created

    def close(self) -> None:
        self.buffer = []
        self.cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
        self.cursor.close()


def enterprises_import(
    rows: Iterable[tuple[int, dict]], *, all_or_nothing: bool = True, fields: Iterable[str] | None = None,
    actor=None, register_scope: frozenset[str] | None = None,
) -> ImportOutcome:
    """Validate every ``(line, row)`` and write the enterprises set-based, in the caller's transaction.

    ``all_or_nothing``: one bad row and nothing is written. Otherwise the good rows are written.
    ``fields``: the import fields present in the file; only their columns are updated on existing rows
    (a file without coordinates does not erase stored coordinates). Duplicated USCCs inside the rows
    are reported on the later line. ``register_scope`` (``registry.rules.enterprise_register_scope`` of the
    importing ``actor``; None: every register) refuses, by row, an entity whose register the importer does
    not keep (ADR 0018). Writes no audit event: ``services.import_run`` records the one event.
    """
    region_codes, industry_codes = reference_code_sets()
    update_columns = (
        UPDATABLE if fields is None else tuple({c for f in fields for c in FIELD_COLUMNS.get(f, ())})
    )
    outcome = ImportOutcome()
    seen: dict[str, int] = {}
    stage = _Stage(update_columns)
    stage.open()
    staging = True
    # On an exception the caller's transaction rolls back, and the temporary table with it.
    for line, data in rows:
        outcome.total += 1
        row, errors = enterprise_row_clean(data, region_codes, industry_codes)
        if unreadable := row_text_errors(data):
            row, errors = None, [*unreadable, *errors]
        if row is not None:
            first = seen.get(row[0])
            if first is not None:
                errors = [FieldError("uscc", f"统一社会信用代码 {row[0]} 与第{first}行重复")]
                row = None
            else:
                seen[row[0]] = line
        if row is not None and register_scope is not None:
            refusal = enterprise_register_refusal(actor, row[0], register_scope)
            if refusal is not None:
                errors, row = [FieldError("uscc", refusal.detail)], None
        if row is None:
            row_errors_add(outcome, line, errors)
            staging = staging and not all_or_nothing
            continue
        if staging:
            stage.add(line, row)
    if staging and (outcome.total - outcome.failed):
        outcome.created, outcome.updated = stage.upsert()
        outcome.unchanged = stage.count - outcome.created - outcome.updated
        outcome.written = True
    stage.close()
    return outcome


def enterprises_import_rows(rows: Iterable[dict], *, all_or_nothing: bool = True) -> dict:
    """Benchmark entry point: validate and write ``rows`` (dicts of import fields) in one transaction,
    without file parsing and without the ImportJob. Returns the counts (and ``errors``).
    """

    def numbered() -> Iterator[tuple[int, dict]]:
        yield from enumerate(rows, start=2)  # line 1 is the header of the file the rows came from

    with transaction.atomic():
        outcome = enterprises_import(numbered(), all_or_nothing=all_or_nothing)
    return {**outcome.counts(), "errors": outcome.errors}
