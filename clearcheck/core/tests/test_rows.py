"""``core.rows``: hand-written inserts and selects that store and load what the ORM stores and loads."""

import datetime as dt
import zoneinfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from clearcheck.audit.models import AuditEvent
from clearcheck.core.rows import Columns, prepared_cursor, rows_insert, table

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def event(**extra) -> AuditEvent:
    # A local time one microsecond before midnight: time zone and fraction must both survive the trip.
    fields = {"occurred_at": dt.datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=SHANGHAI), "actor_id": 7,
              "actor_label": "测试", "action": "rows.test", "subject_type": "core.test", "subject_id": "1",
              "request_id": "", "body": '{"中文":"值"}'}
    return AuditEvent(**{**fields, **extra})


def test_rows_insert_stores_what_the_orm_reads_back_and_gives_each_row_its_key():
    first, second = rows_insert([event(), event(subject_id="2", actor_id=None)])
    assert first.pk and second.pk > first.pk
    assert not first._state.adding and first._state.db == connection.alias
    stored = AuditEvent.objects.get(pk=first.pk)
    assert stored.occurred_at == first.occurred_at and stored.body == first.body and stored.actor_id == 7
    assert AuditEvent.objects.get(pk=second.pk).actor_id is None
    assert rows_insert([]) == []


def test_rows_insert_refuses_expressions_saved_rows_and_mixed_models():
    with pytest.raises(TypeError, match="expression"):
        rows_insert([event(body=Value("x"))])
    [saved] = rows_insert([event()])
    with pytest.raises(TypeError):
        rows_insert([saved])
    with pytest.raises(TypeError):
        rows_insert([event(), object()])
    assert AuditEvent.objects.filter(action="rows.test").count() == 1


def test_columns_build_converts_as_the_orm_and_gives_none_for_an_outer_join_miss():
    [saved] = rows_insert([event()])
    columns = Columns(AuditEvent, "x")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql}, 1 FROM {table(AuditEvent)} x WHERE x.id = %s", [saved.pk])  # noqa: S608
        row = cursor.fetchone()
        cursor.execute(f"SELECT 1, {columns.sql} FROM (SELECT 1 AS one) d LEFT JOIN {table(AuditEvent)} x "  # noqa: S608
                       "ON x.id = %s", [-1])
        missing = cursor.fetchone()
    built = columns.build(row)
    loaded = AuditEvent.objects.get(pk=saved.pk)
    assert {f.attname: getattr(built, f.attname) for f in columns.fields} == \
        {f.attname: getattr(loaded, f.attname) for f in columns.fields}
    assert built.occurred_at.tzinfo is not None and not built._state.adding
    assert columns.build(missing, 1) is None


def _prepared(fragment: str) -> list[tuple]:
    """This connection's prepared statements whose text holds ``fragment``: (text, generic plans, custom plans)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                       "WHERE NOT from_sql AND strpos(statement, %s) > 0", [fragment])
        return cursor.fetchall()


def test_prepared_cursor_reads_like_the_ordinary_cursor_and_is_logged():
    [saved] = rows_insert([event()])
    sql = f"SELECT x.body, x.occurred_at FROM {table(AuditEvent)} x WHERE x.id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [saved.pk])
        ordinary = cursor.fetchone()
    with CaptureQueriesContext(connection) as seen, prepared_cursor() as cursor:
        cursor.execute(sql, [saved.pk])
        assert cursor.fetchone() == ordinary
    # Statement-count tests and the bench's query log see prepared statements too.
    assert len(seen.captured_queries) == 1 and "body" in seen.captured_queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares; sqlite3 caches on its own")
def test_prepared_cursor_plans_a_statement_once_per_connection_on_postgresql():
    """ADR 0016: the statement is prepared on the first run and, from the sixth, runs a generic plan (no
    planning); the ordinary cursor never prepares."""
    [saved] = rows_insert([event()])
    marker = "prepared-cursor-test"
    sql = f"SELECT x.id, %s FROM {table(AuditEvent)} x WHERE x.id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("x.id, %s", "x.id, 'ordinary'"), [saved.pk])
    assert _prepared("'ordinary'") == []
    for _ in range(8):
        with prepared_cursor() as cursor:
            cursor.execute(sql.replace("%s FROM", f"'{marker}' FROM"), [saved.pk])
            assert cursor.fetchone()[0] == saved.pk
    [(text, generic, custom)] = _prepared(marker)
    assert "$1" in text and generic + custom == 8 and generic >= 1
    assert _prepared(f"INSERT INTO {table(AuditEvent)}"), "rows_insert prepares its INSERT"


def test_prepared_cursor_raises_django_errors():
    """A unique violation arrives as Django's IntegrityError, which the check-in's key race catches."""
    [saved] = rows_insert([event(seq=10**9)])
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert([event(seq=saved.seq)])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the switch is PostgreSQL's")
def test_prepared_cursor_binds_on_the_client_when_prepared_statements_are_off():
    """``DB_PREPARED_STATEMENTS=0`` leaves psycopg's threshold at None: the cursor is Django's own, which binds
    on the client (ADR 0016), and nothing is prepared."""
    [saved] = rows_insert([event()])
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        with prepared_cursor() as cursor:
            assert type(cursor.cursor) is raw.cursor_factory  # Django's client-side cursor
            cursor.execute(f"SELECT 'switched-off', x.id FROM {table(AuditEvent)} x WHERE x.id = %s",  # noqa: S608
                           [saved.pk])
            assert cursor.fetchone()[1] == saved.pk
        assert _prepared("switched-off") == []
    finally:
        raw.prepare_threshold = threshold
