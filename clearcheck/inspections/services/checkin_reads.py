"""What a check-in start reads, in few statements (docs/performance.md §4, issue 4's benchmark).

Before, a start asked the ORM 26 questions: the officer, the retry, the enterprise, its code, the recusal,
the stale visits, the tasks with their items and officers, the busy tasks, the tier, the scheme, the
settings and the usage. Compiling them cost more CPU than answering them. Here the same rows come back
from four hand-written SELECTs (``scan_read``, ``tasks_read``: tasks, items, officers) and, for the cap,
``planning.selectors.tiers.tier_and_usage``; ``busy_read`` runs only when a requested task is held. They
are built into ordinary model instances (``core.rows``) on which the rules of ``rules.py`` and
``planning`` run unchanged: what is read is new, what is decided is not.
"""

# ruff: noqa: S608 — every statement here is built from the models' _meta names and aliases; values are
# always bound parameters.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from clearcheck.catalog.models import InspectionItem
from clearcheck.core.rows import (
    Columns,
    converted,
    converters,
    placeholders,
    prefetched,
    prepared_cursor,
    table,
)
from clearcheck.planning.models import InspectionTask, JointInspection
from clearcheck.registry.choices import RecusalStatus
from clearcheck.registry.models import Agency, Enterprise, EnterpriseCode, Officer, RecusalRequest

from ..choices import VisitStatus
from ..models import Visit, VisitTask

_OFFICER, _AGENCY = Columns(Officer, "o"), Columns(Agency, "a")
_ENTERPRISE, _CODE = Columns(Enterprise, "e"), Columns(EnterpriseCode, "c")
_TASK, _TASK_AGENCY, _JOINT = Columns(InspectionTask, "t"), Columns(Agency, "ta"), Columns(JointInspection, "j")
_ITEM, _MEMBER, _MEMBER_AGENCY = Columns(InspectionItem, "i"), Columns(Officer, "o"), Columns(Agency, "a")


@dataclass
class Scan:
    """The scanning officer (with its agency), the visit a retry of this key already started, the scanned
    enterprise and its code row of the scanned version, whether the officer is recused from it (R13), and
    how many of the requested tasks a pending or open visit holds (``busy_read`` then says which).
    """

    officer: Officer
    replay_id: int | None
    enterprise: Enterprise | None
    code: EnterpriseCode | None
    recused: bool
    busy: int = 0


def scan_read(*, officer_id: int, user_id: int, key: str, enterprise_id: int | None, version: int | None,
              task_ids: list[int] = ()) -> Scan | None:
    """One statement: the officer, the retry, the enterprise, its code version, the recusal and the number of
    busy tasks among ``task_ids``; None when the officer does not exist.
    """
    busy, busy_params = "0", []
    if task_ids:
        busy = (f"(SELECT COUNT(*) FROM {table(VisitTask)} vt WHERE vt.active = %s "
                f"AND vt.task_id IN ({placeholders(task_ids)}))")
        busy_params = [True, *task_ids]
    sql = (
        f"SELECT {_OFFICER.sql}, {_AGENCY.sql}, {_ENTERPRISE.sql}, {_CODE.sql}, "
        f"(SELECT v.id FROM {table(Visit)} v WHERE v.started_by_user_id = %s AND v.idempotency_key = %s), "
        f"(SELECT COUNT(*) FROM {table(RecusalRequest)} r WHERE r.enterprise_id = e.id AND r.officer_id = o.id "
        f"AND r.status = %s), {busy} "
        f"FROM {table(Officer)} o JOIN {table(Agency)} a ON a.id = o.agency_id "
        f"LEFT JOIN {table(Enterprise)} e ON e.id = %s "
        f"LEFT JOIN {table(EnterpriseCode)} c ON c.enterprise_id = e.id AND c.version = %s "
        "WHERE o.id = %s"
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user_id, key, RecusalStatus.GRANTED, *busy_params, enterprise_id, version, officer_id])
        row = cursor.fetchone()
    if row is None:
        return None
    at = 0
    officer = _OFFICER.build(row, at)
    at += len(_OFFICER)
    officer.agency = _AGENCY.build(row, at)
    at += len(_AGENCY)
    enterprise = _ENTERPRISE.build(row, at)
    at += len(_ENTERPRISE)
    code = _CODE.build(row, at)
    at += len(_CODE)
    if code is not None:
        code.enterprise = enterprise
    return Scan(officer=officer, replay_id=row[at], enterprise=enterprise, code=code, recused=bool(row[at + 1]),
                busy=row[at + 2])


@dataclass(frozen=True)
class Busy:
    """An active ``VisitTask`` of a requested task: the visit holding it, its status and deadline."""

    task_id: int
    visit_id: int
    status: str
    confirm_deadline: dt.datetime

    def stale(self, now: dt.datetime) -> bool:
        """A pending visit past its confirmation deadline (R14): it is expired and the task freed."""
        return self.status == VisitStatus.PENDING and now > self.confirm_deadline


_DEADLINE = Visit._meta.get_field("confirm_deadline")


def busy_read(task_ids: list[int]) -> list[Busy]:
    """One statement: the pending or open visits holding any of ``task_ids``, oldest hold first."""
    sql = (f"SELECT vt.task_id, vt.visit_id, v.status, v.confirm_deadline FROM {table(VisitTask)} vt "
           f"JOIN {table(Visit)} v ON v.id = vt.visit_id "
           f"WHERE vt.active = %s AND vt.task_id IN ({placeholders(task_ids)}) ORDER BY vt.id")
    with prepared_cursor() as cursor:
        cursor.execute(sql, [True, *task_ids])
        rows = cursor.fetchall()
    deadline_converters = converters(_DEADLINE, "v")
    return [Busy(task_id, visit_id, status, converted(deadline, deadline_converters))
            for task_id, visit_id, status, deadline in rows]


def tasks_read(task_ids: list[int], enterprise: Enterprise | None) -> list[InspectionTask]:
    """Three statements: the tasks (locked on PostgreSQL, as ``select_for_update`` would; SQLite's IMMEDIATE
    transaction already serialises writers) with their agency and joint inspection, then their items and
    their officers (with agencies), in the order of the models' default ordering.
    """
    lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
    sql = (f"SELECT {_TASK.sql}, {_TASK_AGENCY.sql}, {_JOINT.sql} FROM {table(InspectionTask)} t "
           f"JOIN {table(Agency)} ta ON ta.id = t.agency_id "
           f"LEFT JOIN {table(JointInspection)} j ON j.id = t.joint_inspection_id "
           f"WHERE t.id IN ({placeholders(task_ids)}) ORDER BY t.id{lock}")
    tasks = []
    with prepared_cursor() as cursor:
        cursor.execute(sql, task_ids)
        for row in cursor.fetchall():
            task = _TASK.build(row)
            task.agency = _TASK_AGENCY.build(row, len(_TASK))
            task.joint_inspection = _JOINT.build(row, len(_TASK) + len(_TASK_AGENCY))
            if enterprise is not None and task.enterprise_id == enterprise.pk:
                task.enterprise = enterprise
            tasks.append(task)
    if not tasks:
        return tasks
    ids = [t.pk for t in tasks]
    items = _related(InspectionTask.items.field, _ITEM, None, ids, "i.agency_id, i.code, i.id")
    officers = _related(InspectionTask.officers.field, _MEMBER, _MEMBER_AGENCY, ids,
                        "o.agency_id, o.credential_no, o.id")
    for task in tasks:
        prefetched(task, "items", items.get(task.pk, []))
        prefetched(task, "officers", officers.get(task.pk, []))
    return tasks


def _related(field, columns: Columns, agency_columns: Columns | None, task_ids: list[int],
             order: str) -> dict[int, list]:
    """The rows of a task's many-to-many ``field`` for each of ``task_ids`` (one statement)."""
    through = field.remote_field.through
    quote = connection.ops.quote_name
    left, right = quote(field.m2m_column_name()), quote(field.m2m_reverse_name())
    alias = columns.alias
    joined = ""
    select = f"m.{left}, {columns.sql}"
    if agency_columns is not None:
        joined = f" JOIN {table(Agency)} {agency_columns.alias} ON {agency_columns.alias}.id = {alias}.agency_id"
        select += f", {agency_columns.sql}"
    sql = (f"SELECT {select} FROM {table(through)} m JOIN {table(columns.model)} {alias} "
           f"ON {alias}.id = m.{right}{joined} WHERE m.{left} IN ({placeholders(task_ids)}) ORDER BY {order}")
    found: dict[int, list] = {}
    with prepared_cursor() as cursor:
        cursor.execute(sql, task_ids)
        for row in cursor.fetchall():
            obj = columns.build(row, 1)
            if agency_columns is not None:
                obj.agency = agency_columns.build(row, 1 + len(columns))
            found.setdefault(row[0], []).append(obj)
    return found
