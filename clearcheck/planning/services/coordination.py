"""Coordination writes (R09, R20): merging tasks into a joint inspection (综合查一次), dissolving one, and
flagging later planned tasks for reduction after an urgent or higher-level inspection (核减合并).

Each service runs in one transaction with its audit event (R30).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import id_or_none

from ..choices import URGENT_SOURCES, JointStatus, TaskSource, TaskStatus
from ..models import InspectionTask, JointInspection
from ..selectors.coordination import (
    COORDINATION_STATUSES,
    joint_inspection_get_for_actor,
    tasks_window_overlap,
)
from ..workflows import JOINT

MERGE_MANAGERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
# 核减合并: what triggers the flag, and which later tasks it falls on.
REDUCTION_TRIGGER_SOURCES = frozenset({*URGENT_SOURCES, TaskSource.HIGHER_LEVEL})
REDUCTION_TRIGGER_STATUSES = frozenset({TaskStatus.APPROVED, TaskStatus.URGENT_STARTED})
REDUCIBLE_SOURCES = frozenset({TaskSource.ANNUAL_PLAN, TaskSource.SPECIAL_PLAN, TaskSource.DRAW})
REDUCIBLE_STATUSES = frozenset({TaskStatus.DRAFT, TaskStatus.SUBMITTED, TaskStatus.APPROVED})


def _merge_permission_check(actor, lead_agency_id: int) -> None:
    if actor_has_role(actor, Role.BUREAU):
        return
    if actor_has_role(actor, *MERGE_MANAGERS) and actor_agency_id(actor) == lead_agency_id:
        return
    raise PermissionDenied("只有司法局或牵头机关的管理员、负责人可以合并或解散联合检查")


def _joint_dict(joint: JointInspection, task_ids) -> dict:
    return {"enterprise": joint.enterprise_id, "lead_agency": joint.lead_agency_id,
            "window_start": joint.window_start, "window_end": joint.window_end, "status": joint.status,
            "checklist": joint.checklist_id, "tasks": sorted(task_ids)}


def _task_ids_clean(task_ids) -> list[int]:
    if isinstance(task_ids, str | bytes):
        raise ValidationFailed(FieldError("task_ids", "任务编号须为整数"))
    found = {id_or_none(t) for t in task_ids or ()}
    if None in found:  # not a number, or none the databases can hold (SQLite overflowed, issue 20)
        raise ValidationFailed(FieldError("task_ids", "任务编号须为整数"))
    ids = sorted(found)
    if len(ids) < 2:
        raise ValidationFailed(FieldError("task_ids", "联合检查至少须合并两项检查任务"))
    return ids


def _combined_items(tasks: list[InspectionTask]) -> list[dict]:
    """Each task's items once, in agency order, with the content of the task's checklist entry when it has one."""
    from clearcheck.catalog.models import ChecklistEntry

    checklist_ids = {t.checklist_id for t in tasks if t.checklist_id}
    contents: dict[tuple[int, int], ChecklistEntry] = {}
    for entry in ChecklistEntry.objects.filter(checklist_id__in=checklist_ids).order_by("order"):
        contents.setdefault((entry.checklist_id, entry.item_id), entry)
    seen: set[int] = set()
    combined: list[dict] = []
    for task in sorted(tasks, key=lambda t: (t.agency_id, t.pk)):
        for item in sorted(task.items.all(), key=lambda i: (i.code, i.pk)):
            if item.pk in seen:
                continue
            seen.add(item.pk)
            entry = contents.get((task.checklist_id, item.pk))
            combined.append({
                "item": item.pk, "code": item.code, "name": item.name, "agency": item.agency_id,
                "task": task.pk, "content": entry.content if entry else f"{item.name}({item.legal_basis})",
                "standard": entry.standard_id if entry else None,
                "standard_text": entry.standard_text if entry else "",
            })
    return combined


def _combined_checklist_build(*, actor, joint: JointInspection, enterprise, items: list[dict]):
    """一表通查: one checklist of every agency's items, written by the lead agency through the catalog services."""
    from clearcheck.catalog import services as catalog

    checklist = catalog.checklist_create(
        actor=actor, code=f"LHJC-{joint.pk:06d}", name=f"联合检查表单(一表通查)·{enterprise.name}"[:200],
        object_type=f"联合检查 #{joint.pk}", agency=joint.lead_agency_id,
    )
    for row in items:
        catalog.checklist_entry_add(actor=actor, checklist_id=checklist.pk, item_id=row["item"],
                                    content=row["content"], standard_id=row["standard"],
                                    standard_text=row["standard_text"])
    return catalog.checklist_publish(actor=actor, checklist_id=checklist.pk)


def _items_note(items: list[dict]) -> str:
    lines = ["一表通查事项(由牵头机关据此建立联合检查表单):"]
    lines += [f"{n}. [{row['code']}] {row['name']}(任务 #{row['task']}):{row['content']}"
              for n, row in enumerate(items, start=1)]
    return "\n".join(lines)


@transaction.atomic
def joint_inspection_create(*, actor, task_ids, lead_agency_id: int, window_start: dt.date | None = None,
                            window_end: dt.date | None = None, note: str = "") -> JointInspection:
    """Merge open tasks at one enterprise into one joint visit (R09, R20): same enterprise, windows sharing
    the joint window, none cancelled, completed or already merged. The lead agency's admin or head gets a
    published combined checklist (一表通查); when the bureau merges, the combined items go into the note,
    because only an agency's own managers may write its checklists.
    """
    ids = _task_ids_clean(task_ids)
    lead_agency_id = id_or_none(lead_agency_id)  # beyond 64 bits SQLite overflowed (issue 20)
    if lead_agency_id is None:
        raise ValidationFailed(FieldError("lead_agency_id", "请选择牵头机关"))
    _merge_permission_check(actor, lead_agency_id)
    tasks = list(InspectionTask.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {t.pk for t in tasks})
    if missing:
        raise ValidationFailed(FieldError("task_ids", f"检查任务不存在:{'、'.join(f'#{m}' for m in missing)}"))
    if len({t.enterprise_id for t in tasks}) > 1:
        raise ValidationFailed(FieldError("task_ids", "联合检查只能合并同一企业的检查任务"))
    for task in tasks:
        if task.status not in COORDINATION_STATUSES:
            raise Conflict(f"任务 #{task.pk} 当前为“{task.get_status_display()}”,不能合并为联合检查")
        if task.joint_inspection_id is not None:
            raise Conflict(f"任务 #{task.pk} 已在联合检查 #{task.joint_inspection_id} 中")
    if lead_agency_id not in {t.agency_id for t in tasks}:
        raise ValidationFailed(FieldError("lead_agency_id", "牵头机关须是被合并任务所属的机关之一"))
    common = tasks_window_overlap(tasks)
    if common is None:
        raise ValidationFailed(FieldError("task_ids", "这些任务的检查时段没有共同的日期,不能合并为一次检查"))
    start, end = window_start or common[0], window_end or common[1]
    errors = []
    if start < common[0] or start > common[1]:
        errors.append(FieldError("window_start", f"联合检查时段须在各任务时段之内({common[0]} 至 {common[1]})"))
    if end < start or end > common[1]:
        errors.append(FieldError("window_end", f"联合检查时段须在各任务时段之内({common[0]} 至 {common[1]})"))
    if errors:
        raise ValidationFailed(errors)
    enterprise = tasks[0].enterprise
    joint = JointInspection.objects.create(
        enterprise=enterprise, lead_agency_id=lead_agency_id, window_start=start, window_end=end,
        status=JointStatus.PLANNED, note=(note or "").strip(), created_by=actor_describe(actor)[1],
        created_at=clock.now(),
    )
    InspectionTask.objects.filter(pk__in=ids).update(joint_inspection=joint)
    items = _combined_items(tasks)
    if actor_has_role(actor, *MERGE_MANAGERS):
        joint.checklist = _combined_checklist_build(actor=actor, joint=joint, enterprise=enterprise, items=items)
        joint.save(update_fields=["checklist"])
    else:
        joint.note = "\n\n".join(part for part in (joint.note, _items_note(items)) if part)
        joint.save(update_fields=["note"])
    audit_record(actor=actor, action="joint_inspection.create", subject=joint,
                 after={**_joint_dict(joint, ids), "items": [row["item"] for row in items],
                        "agencies": sorted({t.agency_id for t in tasks})})
    return joint


@transaction.atomic
def joint_inspection_checklist_build(*, actor, joint_id: int) -> JointInspection:
    """The lead agency builds the combined checklist (一表通查) of a joint inspection the bureau merged."""
    joint = JointInspection.objects.select_for_update().filter(pk=joint_id).first()
    if joint is None:
        raise NotFound("联合检查不存在")
    joint_inspection_get_for_actor(actor=actor, joint_id=joint.pk)  # not visible: NotFound, like missing
    if not (actor_has_role(actor, *MERGE_MANAGERS) and actor_agency_id(actor) == joint.lead_agency_id):
        raise PermissionDenied("联合检查表单由牵头机关的管理员或负责人建立")
    if joint.status != JointStatus.PLANNED:
        raise Conflict("该联合检查已解散")
    if joint.checklist_id is not None:
        raise Conflict("该联合检查已有联合检查表单")
    tasks = list(joint.tasks.order_by("pk"))
    items = _combined_items(tasks)
    joint.checklist = _combined_checklist_build(actor=actor, joint=joint, enterprise=joint.enterprise, items=items)
    joint.save(update_fields=["checklist"])
    audit_record(actor=actor, action="joint_inspection.checklist_build", subject=joint,
                 after={"checklist": joint.checklist_id, "items": [row["item"] for row in items]})
    return joint


@transaction.atomic
def joint_inspection_dissolve(*, actor, joint_id: int, reason: str) -> JointInspection:
    """Dissolve a planned joint inspection: its tasks become separate again (the reason is kept)."""
    joint = JointInspection.objects.select_for_update().filter(pk=joint_id).first()
    if joint is None:
        raise NotFound("联合检查不存在")
    joint_inspection_get_for_actor(actor=actor, joint_id=joint.pk)  # not visible: NotFound, like missing
    _merge_permission_check(actor, joint.lead_agency_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(FieldError("reason", "请填写解散理由"))
    target = JOINT.target(joint.status, "dissolve", f"#{joint.pk}")
    tasks = list(joint.tasks.select_for_update().order_by("pk"))
    done = [t.pk for t in tasks if t.status == TaskStatus.COMPLETED]
    if done:
        raise Conflict(f"联合检查中的任务 {'、'.join(f'#{d}' for d in done)} 已完成,不能解散")
    ids = [t.pk for t in tasks]
    before = _joint_dict(joint, ids)
    InspectionTask.objects.filter(pk__in=ids).update(joint_inspection=None)
    joint.status = target
    tail = f"解散理由:{reason}(原合并任务:{'、'.join(f'#{i}' for i in ids)})"
    joint.note = "\n\n".join(part for part in (joint.note, tail) if part)
    joint.save(update_fields=["status", "note"])
    audit_record(actor=actor, action="joint_inspection.dissolve", subject=joint, before=before,
                 after={"status": joint.status, "reason": reason, "tasks": []})
    return joint


def reduction_triggered(task: InspectionTask) -> bool:
    """Whether ``task`` is an urgent (R10 sources) or higher-level inspection that has been approved or started."""
    return task.source in REDUCTION_TRIGGER_SOURCES and task.status in REDUCTION_TRIGGER_STATUSES


@transaction.atomic
def reduction_flags_apply(*, task: InspectionTask, actor=None) -> int:
    """核减合并 (R09, clause 三(六)): after an urgent or higher-level task is approved or started, flag the
    same agency's later planned tasks (annual plan, special plan, draw) at the same enterprise that cover
    any of its items. Returns how many tasks were newly flagged; each flag is audited. Call it from the
    task services after ``task_start_urgent`` and after approving a ``higher_level`` task.
    """
    if not reduction_triggered(task):
        return 0
    item_ids = list(task.items.values_list("pk", flat=True))
    if not item_ids:
        return 0
    same_items = InspectionTask.items.through.objects.filter(inspectiontask_id=OuterRef("pk"),
                                                            inspectionitem_id__in=item_ids)
    targets = list(
        InspectionTask.objects.select_for_update()
        .filter(Exists(same_items), agency_id=task.agency_id, enterprise_id=task.enterprise_id,
                source__in=REDUCIBLE_SOURCES, status__in=REDUCIBLE_STATUSES, window_start__gt=task.window_start,
                reduction_flag=False)
        .exclude(pk=task.pk).order_by("pk")
    )
    if not targets:
        return 0
    note = (f"因{task.get_source_display()}检查任务 #{task.pk}({task.window_start} 至 {task.window_end})"
            f"已对本企业的相同事项实施检查,本任务提示核减或合并(R09)")
    InspectionTask.objects.filter(pk__in=[t.pk for t in targets]).update(reduction_flag=True, reduction_note=note)
    for target in targets:
        audit_record(actor=actor, action="task.reduction_flag", subject=target,
                     before={"reduction_flag": False},
                     after={"reduction_flag": True, "reduction_note": note, "trigger": task.pk})
    return len(targets)
