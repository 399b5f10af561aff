"""Model instances from hand-written SELECTs, converted exactly as the ORM converts them.

A hot path (check-in, docs/performance.md §4) reads several related rows in one statement that the ORM
cannot express cheaply, or whose compilation costs more than the query itself. ``Columns`` writes the
select list of one model under a table alias and builds instances from a row slice, applying the same
database converters as ``SQLCompiler.apply_converters`` (SQLite's dates, datetimes, booleans and
decimals), so an instance built here equals one loaded by the ORM.
"""

from __future__ import annotations

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
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objs, keys, strict=True):
        setattr(obj, meta.pk.attname, key)
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def table(model: type[Model]) -> str:
    """The quoted table name of ``model`` for a hand-written statement."""
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values) -> str:
    """``%s, %s, …`` for an IN list of ``values`` (never empty: callers check)."""
    return ", ".join(["%s"] * len(values))
