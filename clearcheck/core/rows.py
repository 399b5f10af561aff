"""Model instances from hand-written SELECTs, converted exactly as the ORM converts them.

A hot path (check-in, docs/performance.md §4) reads several related rows in one statement that the ORM
cannot express cheaply, or whose compilation costs more than the query itself. ``Columns`` writes the
select list of one model under a table alias and builds instances from a row slice, applying the same
database converters as ``SQLCompiler.apply_converters`` (SQLite's dates, datetimes, booleans and
decimals), so an instance built here equals one loaded by the ORM. ``prepared_cursor`` runs such
statements as prepared statements on PostgreSQL (ADR 0016).
"""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Model


class Columns:
    """The concrete columns of ``model`` under the SQL alias ``alias``, in field order."""

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list] = {}
        self._sql: dict[str, str] = {}
        self._pk_index = self.attnames.index(model._meta.pk.attname)

    @property
    def sql(self) -> str:
        """``"alias"."column", …`` for a select list (built once per database vendor)."""
        vendor = connection.vendor
        if vendor not in self._sql:
            quote = connection.ops.quote_name
            self._sql[vendor] = ", ".join(f"{quote(self.alias)}.{quote(f.column)}" for f in self.fields)
        return self._sql[vendor]

    def __len__(self) -> int:
        return len(self.fields)

    def _converters_for(self) -> list:
        # Per vendor: a process may hold connections to both databases (the bench, some tests).
        vendor = connection.vendor
        if vendor not in self._converters:
            self._converters[vendor] = [converters(field, self.alias) for field in self.fields]
        return self._converters[vendor]

    def build(self, row, start: int = 0):
        """The instance held by ``row[start:start + len(self)]``, or None when its primary key is NULL (an
        outer join that found nothing).
        """
        values = list(row[start:start + len(self.fields)])
        if values[self._pk_index] is None:
            return None
        for index, field_converters in enumerate(self._converters_for()):
            values[index] = converted(values[index], field_converters)
        return self.model.from_db(connection.alias, self.attnames, values)


def prefetched(instance: Model, name: str, objects: list) -> None:
    """Give ``instance`` the related ``objects`` of its relation ``name`` as ``prefetch_related`` would, so
    that ``instance.<name>.all()`` answers from memory (the rules read a task's items and officers that
    way). The cached queryset is the relation's own, so ``.filter()`` on it still asks the database.
    """
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop(name, None)
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache[name] = queryset


def converters(field, alias: str) -> tuple:
    """The column of ``field`` under ``alias`` and the database converters the ORM applies to its values."""
    col = field.get_col(alias)
    return col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)


def converted(value, field_converters: tuple):
    """``value`` as read from the database, converted as the ORM converts it (``converters``)."""
    col, funcs = field_converters
    for func in funcs:
        value = func(value, col, connection)
    return value


def rows_insert(objs: list) -> list:
    """Insert new instances of one model in one ``INSERT … RETURNING`` and give each its primary key, as
    ``bulk_create`` does, without the ORM's compilation (a check-in writes four rows; docs/performance.md
    §4). Values go through each field's ``pre_save`` and ``get_db_prep_save`` as the ORM's own insert
    does; no signals are sent (the platform has no receivers), and expressions are refused (use the ORM).
    """
    if not objs:
        return objs
    model = type(objs[0])
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover — SQLite < 3.35
        return model._default_manager.bulk_create(objs)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk or getattr(objs[0], f.attname) is not None]
    params = []
    for obj in objs:
        if type(obj) is not model or not obj._state.adding:
            raise TypeError("rows_insert: new instances of one model")
        obj._prepare_related_fields_for_save(operation_name="rows_insert")
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"rows_insert: {meta.label}.{field.name} is an expression; use the ORM")
            params.append(field.get_db_prep_save(value, connection))
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (f"INSERT INTO {table(model)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 — _meta
           f"VALUES {', '.join([row] * len(objs))} RETURNING {quote(meta.pk.column)}")
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        setattr(obj, meta.pk.attname, key)
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def prepared_cursor():
    """A cursor for a hot path's hand-written statements, used as a context manager.

    On PostgreSQL each statement is bound on the server and prepared on its connection the first time it
    runs, so PostgreSQL parses and plans it once per connection instead of on every request: parsing and
    planning were about half of PostgreSQL's CPU in a check-in start (docs/performance.md §4, ADR 0016).
    After five runs PostgreSQL keeps a generic plan when it costs no more than a fresh one, which holds for
    these look-ups by key. Django's own cursors bind on the client and never prepare; the ORM keeps them.
    On SQLite this is the ordinary cursor: Python's sqlite3 already caches its prepared statements.

    The cursor is Django's wrapper (connection set-up, health check, error translation, query logging)
    around a psycopg cursor that prepares.
    """
    wrapped = connection.cursor()
    # Without a threshold (DB_PREPARED_STATEMENTS=0) psycopg prepares nothing, and binding on the server
    # without preparing is slower than Django's client-side binding (docs/performance.md §4).
    if connection.vendor == "postgresql" and connection.connection.prepare_threshold is not None:
        wrapped.cursor.close()
        wrapped.cursor = _preparing_cursor_class()(connection.connection)
    return wrapped


@functools.cache
def _preparing_cursor_class():
    import psycopg  # only where PostgreSQL is in use

    class PreparingCursor(psycopg.Cursor):
        """Server-side binding; every statement prepared (``prepare=True``) unless the caller says not."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

        def _send_query_prepared(self, name, pgq, **kwargs):
            # psycopg keeps the query it sent only on the unprepared path; Django's query log
            # (last_executed_query) reads it, so statement counts and the bench's SQL dump see this one too.
            # Pinned psycopg; test_rows fails if a new version moves this.
            self._query = pgq
            return super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor


def table(model: type[Model]) -> str:
    """The quoted table name of ``model`` for a hand-written statement."""
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values) -> str:
    """``%s, %s, …`` for an IN list of ``values`` (never empty: callers check)."""
    return ", ".join(["%s"] * len(values))
