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

    @property
    def sql(self) -> str:
        """``"alias"."column", …`` for a select list."""
        quote = connection.ops.quote_name
        return ", ".join(f"{quote(self.alias)}.{quote(f.column)}" for f in self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def _converters_for(self) -> list:
        # Per vendor: a process may hold connections to both databases (the bench, some tests).
        vendor = connection.vendor
        if vendor not in self._converters:
            found = []
            for field in self.fields:
                col = field.get_col(self.alias)
                funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                found.append((col, funcs))
            self._converters[vendor] = found
        return self._converters[vendor]

    def build(self, row, start: int = 0):
        """The instance held by ``row[start:start + len(self)]``, or None when its primary key is NULL (an
        outer join that found nothing).
        """
        values = list(row[start:start + len(self.fields)])
        if values[self.attnames.index(self.model._meta.pk.attname)] is None:
            return None
        for index, (col, funcs) in enumerate(self._converters_for()):
            value = values[index]
            for func in funcs:
                value = func(value, col, connection)
            values[index] = value
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


def table(model: type[Model]) -> str:
    """The quoted table name of ``model`` for a hand-written statement."""
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values) -> str:
    """``%s, %s, …`` for an IN list of ``values`` (never empty: callers check)."""
    return ", ".join(["%s"] * len(values))
