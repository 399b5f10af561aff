"""Checklists (检查表单, R02, R04): versions, entries of any agency (一表通查)."""

from django.db import transaction
from django.db.models import Max

from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import INT32_MAX, id_or_none, text_of
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import VersionStatus
from ..models import Checklist, ChecklistEntry, InspectionItem, Standard
from ..rules import item_published_refusal
from .common import (
    _agency_for_write,
    _next_version_number,
    _required,
    _row_for_write,
    _supersede_published,
)

# --- Checklists (R02, R04) -------------------------------------------------------------------------


def _checklist_dict(c: Checklist) -> dict:
    return {"agency": c.agency_id, "code": c.code, "version": c.version, "name": c.name,
            "object_type": c.object_type, "status": c.status}


def _entry_dict(e: ChecklistEntry) -> dict:
    return {"id": e.pk, "order": e.order, "item": e.item_id, "content": e.content, "standard": e.standard_id,
            "standard_text": e.standard_text}


def _checklist_for_write(actor, checklist_id: int) -> Checklist:
    return _row_for_write(Checklist, "检查表单", actor, checklist_id)


@transaction.atomic
def checklist_create(*, actor, code: str, name: str, object_type: str, agency: Agency | int | None = None
                     ) -> Checklist:
    """Create version 1 of a checklist as an empty draft."""
    owner = _agency_for_write(actor, agency)
    fields = {"code": text_of(code), "name": text_of(name), "object_type": text_of(object_type)}
    errors: list[FieldError] = []
    _required(errors, fields, "code", "表单编码", 32)
    _required(errors, fields, "name", "表单名称", 200)
    _required(errors, fields, "object_type", "检查对象类型", 200)
    if not errors and Checklist.objects.filter(code=fields["code"]).exists():
        errors.append(FieldError("code", f"编码 {fields['code']} 已被使用;修改已有表单请生成新版本"))
    if errors:
        raise ValidationFailed(errors)
    checklist = Checklist.objects.create(agency=owner, version=1, status=VersionStatus.DRAFT, **fields)
    audit_record(actor=actor, action="checklist.create", subject=checklist, after=_checklist_dict(checklist))
    return checklist


@transaction.atomic
def checklist_entry_add(
    *, actor, checklist_id: int, item_id: int | None, content: str, standard_id: int | None = None,
    standard_text: str = "", order: int | None = None,
) -> ChecklistEntry:
    """Add an entry to a draft checklist; its item must be published (R02), of any agency (一表通查)."""
    checklist = _checklist_for_write(actor, checklist_id)
    workflows.editable_check(workflows.CHECKLIST, checklist.status, str(checklist))
    errors: list[FieldError] = []
    # Ids and the position as the databases can hold them (issue 20): beyond, there is no such item.
    item_pk = id_or_none(item_id)
    item = InspectionItem.objects.select_for_update().filter(pk=item_pk).first() if item_pk else None
    if item is None:
        errors.append(FieldError("item", "请选择一个检查事项"))
    content = text_of(content)
    if not content:
        errors.append(FieldError("content", "请填写检查内容"))
    standard = None
    if standard_id:
        standard_pk = id_or_none(standard_id)
        standard = Standard.objects.filter(pk=standard_pk, status=VersionStatus.PUBLISHED).first() if standard_pk else None
        if standard is None:
            errors.append(FieldError("standard", "检查标准不存在或未发布"))
    taken = checklist.entries.aggregate(n=Max("order"))["n"] or 0
    if order is None:
        order = taken + 1
    elif not 1 <= order <= INT32_MAX or checklist.entries.filter(order=order).exists():
        errors.append(FieldError("order", "序号须为正整数且不与已有条目重复"))
    if errors:
        raise ValidationFailed(errors)
    if refusal := item_published_refusal(item, field="item", purpose=",不能列入检查表单"):
        raise refusal
    entry = ChecklistEntry.objects.create(checklist=checklist, order=order, item=item, content=content,
                                          standard=standard, standard_text=text_of(standard_text))
    audit_record(actor=actor, action="checklist_entry.add", subject=entry,
                 after={"checklist": checklist.pk, **_entry_dict(entry)})
    return entry


@transaction.atomic
def checklist_entry_remove(*, actor, checklist_id: int, entry_id: int) -> Checklist:
    """Remove an entry of a draft checklist (a published version never changes, R04)."""
    checklist = _checklist_for_write(actor, checklist_id)
    workflows.editable_check(workflows.CHECKLIST, checklist.status, str(checklist))
    entry = checklist.entries.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("检查表单条目不存在")
    before = _entry_dict(entry)
    entry.delete()
    audit_record(actor=actor, action="checklist_entry.remove", subject=("catalog.checklistentry", entry_id),
                 before={"checklist": checklist.pk, **before})
    return checklist


@transaction.atomic
def checklist_publish(*, actor, checklist_id: int) -> Checklist:
    """Publish a draft checklist with at least one entry of published items (R02); it becomes immutable
    (R04) and supersedes the earlier published version of its code.
    """
    checklist = _checklist_for_write(actor, checklist_id)
    target = workflows.transition_target(workflows.CHECKLIST, checklist.status, "publish", str(checklist))
    entries = list(checklist.entries.select_related("item").order_by("order"))
    if not entries:
        raise ValidationFailed(FieldError("entries", "检查表单至少须有一个条目才能发布"))
    for index, entry in enumerate(entries):
        if refusal := item_published_refusal(entry.item, field=f"entries[{index}].item", purpose=",不能列入检查表单"):
            raise refusal
    checklist.status = target
    checklist.published_at = clock.now()
    checklist.published_by = actor_label(actor)
    checklist.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    superseded = _supersede_published(workflows.CHECKLIST, Checklist.objects.filter(code=checklist.code), checklist)
    agencies = sorted({e.item.agency_id for e in entries})
    audit_record(actor=actor, action="checklist.publish", subject=checklist, before={"status": VersionStatus.DRAFT},
                 after={**_checklist_dict(checklist), "entries": [_entry_dict(e) for e in entries],
                        "agencies": agencies, "superseded": [c.pk for c in superseded]})
    return checklist


@transaction.atomic
def checklist_new_version(*, actor, checklist_id: int) -> Checklist:
    """Copy a published checklist into a new draft with version + 1; the published row stays intact (R04)."""
    source = _checklist_for_write(actor, checklist_id)
    number = _next_version_number(workflows.CHECKLIST, source, Checklist.objects.filter(code=source.code), "表单")
    draft = Checklist.objects.create(agency_id=source.agency_id, code=source.code, version=number, name=source.name,
                                     object_type=source.object_type, status=VersionStatus.DRAFT, previous=source)
    ChecklistEntry.objects.bulk_create([
        ChecklistEntry(checklist=draft, order=e.order, item_id=e.item_id, content=e.content,
                       standard_id=e.standard_id, standard_text=e.standard_text)
        for e in source.entries.order_by("order")
    ])
    audit_record(actor=actor, action="checklist.new_version", subject=draft,
                 after={**_checklist_dict(draft), "from": source.pk})
    return draft
