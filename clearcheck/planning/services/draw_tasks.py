"""Tasks made by a double-random draw (source = draw, R24), set-based.

A draw gives many enterprises the same items, window and (per team) officers, so every content rule
(R01 R02 R12 R14 R25) is checked once per team rather than once per task, and the tasks, their items
and officers are inserted in batches. Each task is filed (事前备案, R06) and waits for the agency head's
approval (R07), where the cap is taken under its row lock as for any task (R21).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.registry.choices import EnterpriseStatus
from clearcheck.registry.models import Enterprise

from .. import rules
from ..choices import InspectionType, JointStatus, TaskSource, TaskStatus
from ..models import InspectionTask, JointInspection

BATCH = 2000


@dataclass(frozen=True)
class DrawTaskRow:
    """One task to make: the enterprise and the officers of this agency in its team."""

    enterprise_id: int
    officer_ids: tuple[int, ...]
    joint_key: int | None = None  # rows of several agencies with the same key share one joint inspection


def _chunks(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _rows_check(*, agency, items, officers_by_id: dict, rows: list[DrawTaskRow], window_start: dt.date,
                window_end: dt.date) -> None:
    """Every content rule once per distinct team (enterprise-independent), then the enterprises set-based."""
    today = clock.local_today()
    for team in sorted({row.officer_ids for row in rows}):
        refusal = rules.task_refusal(agency=agency, items=items, officers=[officers_by_id[i] for i in team],
                                     checklist=None, window_start=window_start, window_end=window_end,
                                     special_plan=None, today=today)
        if refusal is not None:
            raise refusal
    ids = [row.enterprise_id for row in rows]
    closed = []
    for chunk in _chunks(ids, 20000):
        closed += list(Enterprise.objects.filter(pk__in=chunk).exclude(status=EnterpriseStatus.OPERATING)
                       .values_list("name", flat=True))
    if closed:
        raise ValidationFailed(FieldError("enterprises", f"以下企业已不在存续状态,不能生成检查任务:{'、'.join(closed[:20])}"))


def draw_tasks_create(*, actor, agency, items, officers_by_id: dict, rows: list[DrawTaskRow],
                      window_start: dt.date, window_end: dt.date, reference: str,
                      joint_lead_agency_id: int | None = None, joints: dict | None = None) -> list[int]:
    """File one routine task (source = draw) per row for ``agency``; returns the new task ids in row order.

    Must run inside the draw's transaction. ``joints`` (joint key → JointInspection) is shared between the
    calls for the agencies of one joint draw, so their tasks at an enterprise merge into one visit.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("R30: draw tasks are made inside the draw's transaction")
    items = list(items)
    refusal = rules.draw_refusal(InspectionType.ROUTINE, TaskSource.DRAW, items, from_draw=True)
    if refusal is not None:
        raise refusal
    if not rows:
        raise ValidationFailed(FieldError("rows", "抽取结果为空,没有可生成的检查任务"))
    _rows_check(agency=agency, items=items, officers_by_id=officers_by_id, rows=rows,
                window_start=window_start, window_end=window_end)
    now, label = clock.now(), actor_label(actor)
    counts = rules.counts_against_cap(agency, TaskSource.DRAW)
    if joints is not None and joint_lead_agency_id is not None:
        missing = [row for row in rows if row.joint_key not in joints]
        made = JointInspection.objects.bulk_create([
            JointInspection(enterprise_id=row.enterprise_id, lead_agency_id=joint_lead_agency_id,
                            window_start=window_start, window_end=window_end, status=JointStatus.PLANNED,
                            note=f"联合双随机抽查 {reference}", created_by=label, created_at=now)
            for row in missing], batch_size=BATCH)
        joints.update({row.joint_key: joint for row, joint in zip(missing, made, strict=True)})
    task_ids: list[int] = []
    for chunk in _chunks(rows):
        tasks = InspectionTask.objects.bulk_create([
            InspectionTask(
                agency=agency, enterprise_id=row.enterprise_id, inspection_type=InspectionType.ROUTINE,
                source=TaskSource.DRAW, source_reference=reference, window_start=window_start,
                window_end=window_end, year=window_start.year, status=TaskStatus.SUBMITTED,
                counts_against_cap=counts, created_by=label, created_at=now, submitted_at=now,
                joint_inspection=(joints or {}).get(row.joint_key) if joints is not None else None,
            ) for row in chunk])
        if any(t.pk is None for t in tasks):  # bulk_create returns keys on PostgreSQL and SQLite ≥ 3.35
            raise RuntimeError("the database did not return the new task ids")
        InspectionTask.items.through.objects.bulk_create([
            InspectionTask.items.through(inspectiontask_id=t.pk, inspectionitem_id=item.pk)
            for t in tasks for item in items])
        InspectionTask.officers.through.objects.bulk_create([
            InspectionTask.officers.through(inspectiontask_id=t.pk, officer_id=officer_id)
            for t, row in zip(tasks, chunk, strict=True) for officer_id in row.officer_ids])
        item_ids = sorted(item.pk for item in items)
        for task, row in zip(tasks, chunk, strict=True):
            # R30: one event per task, as for a task made by hand (create and submit in one step).
            audit_record(actor=actor, action="inspection_task.create_from_draw", subject=task, after={
                "agency": agency.pk, "enterprise": row.enterprise_id, "inspection_type": InspectionType.ROUTINE,
                "source": TaskSource.DRAW, "source_reference": reference, "items": item_ids,
                "officers": sorted(row.officer_ids), "window": [window_start, window_end],
                "status": TaskStatus.SUBMITTED, "counts_against_cap": counts,
                "joint_inspection": task.joint_inspection_id,
            })
        task_ids += [t.pk for t in tasks]
    return task_ids
