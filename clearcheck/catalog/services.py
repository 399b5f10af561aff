"""Catalog writes: items and their published list versions (R02, R03), standards, checklists (R04),
no-penalty lists. Each service runs in one transaction with its audit event (R30).

Only an agency admin or agency head of the owning agency writes; department heads and officers read;
county roles read all. Another agency's record is NotFound (not yours = missing).
"""

import hashlib

from django.db import transaction
from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.registry.models import Agency

from . import workflows
from .choices import ItemCategory, ItemStatus, ListKind, NoPenaltyKind, VersionStatus
from .models import Checklist, ChecklistEntry, InspectionItem, NoPenaltyEntry, PublishedList, Standard

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)

# --- Permission and helpers ------------------------------------------------------------------------


def _manager_check(actor, agency_id: int | None) -> None:
    """NotFound for another agency's record; PermissionDenied for readers who may not write."""
    if agency_id is None or actor_agency_id(actor) != agency_id:
        if actor_is_county(actor) and agency_id is not None:
            raise PermissionDenied("只有本机关管理员或负责人可以维护清单和表单")
        raise NotFound("对象不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied("只有本机关管理员或负责人可以维护清单和表单;内设机构负责人和执法人员只能查看")


def _agency_for_write(actor, agency: Agency | int | None) -> Agency:
    """The agency the actor writes for (default: its own), locked so list numbers stay in order."""
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    if agency_id is None:
        agency_id = actor_agency_id(actor)
        if agency_id is None:
            raise PermissionDenied("只有机关用户可以维护清单和表单")
    locked = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if locked is None:
        raise NotFound("检查主体不存在")
    _manager_check(actor, locked.pk)
    return locked


def _actor_label(actor) -> str:
    return actor_describe(actor)[1]


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()


def _required(errors: list[FieldError], fields: dict, name: str, label: str, max_length: int | None = None) -> None:
    value = fields.get(name, "")
    if not value:
        errors.append(FieldError(name, f"请填写{label}"))
    elif max_length and len(value) > max_length:
        errors.append(FieldError(name, f"{label}不能超过 {max_length} 个字符"))


def _reason_clean(reason: str) -> str:
    reason = _text(reason)
    if not reason:
        raise ValidationFailed(FieldError("reason", "请填写理由"))
    return reason


def _unknown_fields_check(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed([FieldError(name, "该字段不可修改") for name in unknown])


# --- Published list versions -----------------------------------------------------------------------


def item_snapshot(item: InspectionItem) -> dict:
    """What a published list version keeps of an item."""
    return {
        "id": item.pk, "code": item.code, "name": item.name, "legal_basis": item.legal_basis,
        "object_scope": item.object_scope, "method": item.method, "category": item.category,
        "annual_cap": item.annual_cap, "licensing_onsite_allowed": item.licensing_onsite_allowed,
        "licensing_onsite_basis": item.licensing_onsite_basis, "single_officer_basis": item.single_officer_basis,
        "status": item.status,
    }


def no_penalty_snapshot(entry: NoPenaltyEntry) -> dict:
    """What a published no-penalty list version keeps of an entry."""
    return {"id": entry.pk, "kind": entry.kind, "title": entry.title, "legal_basis": entry.legal_basis,
            "conditions": entry.conditions, "status": entry.status}


def _list_version_write(*, actor, agency: Agency, kind: str, reason: str) -> PublishedList:
    """Write the next version of ``agency``'s list of ``kind`` from what is published now (agency locked)."""
    if kind == ListKind.ITEMS:
        rows = InspectionItem.objects.filter(agency=agency, status=ItemStatus.PUBLISHED).order_by("code", "id")
        entries = [item_snapshot(i) for i in rows]
    else:
        rows = NoPenaltyEntry.objects.filter(agency=agency, status=ItemStatus.PUBLISHED).order_by("kind", "id")
        entries = [no_penalty_snapshot(e) for e in rows]
    last = PublishedList.objects.filter(agency=agency, kind=kind).aggregate(n=Max("number"))["n"] or 0
    now = clock.now()
    snapshot = canonical_text({
        "agency": {"id": agency.pk, "code": agency.code, "name": agency.name},
        "kind": kind, "number": last + 1, "published_at": now, "reason": reason, "entries": entries,
    })
    return PublishedList.objects.create(
        agency=agency, kind=kind, number=last + 1, snapshot=snapshot,
        sha256=hashlib.sha256(snapshot.encode("utf-8")).hexdigest(), reason=reason,
        published_by=_actor_label(actor), published_at=now,
    )


def _version_summary(version: PublishedList) -> dict:
    return {"kind": version.kind, "number": version.number, "sha256": version.sha256, "reason": version.reason}


# --- Inspection items (R02, R03) -------------------------------------------------------------------

ITEM_FIELDS = {"code", "name", "legal_basis", "object_scope", "method", "category", "annual_cap",
               "licensing_onsite_allowed", "licensing_onsite_basis", "single_officer_basis"}


def _item_fields_clean(data: dict) -> dict:
    """Normalise and validate item fields; R03 once the fields themselves are valid."""
    fields = {name: _text(data.get(name)) for name in ITEM_FIELDS - {"annual_cap", "licensing_onsite_allowed"}}
    fields["licensing_onsite_allowed"] = bool(data.get("licensing_onsite_allowed"))
    errors: list[FieldError] = []
    _required(errors, fields, "code", "事项编码", 32)
    _required(errors, fields, "name", "事项名称", 200)
    _required(errors, fields, "legal_basis", "设定依据")
    _required(errors, fields, "object_scope", "检查对象")
    _required(errors, fields, "method", "检查方式", 200)
    fields["category"] = fields["category"] or ItemCategory.GENERAL
    if fields["category"] not in ItemCategory.values:
        errors.append(FieldError("category", "事项类别须为一般或重点"))
    cap = data.get("annual_cap")
    if cap in (None, ""):
        fields["annual_cap"] = None
    else:
        try:
            fields["annual_cap"] = int(cap)
        except (TypeError, ValueError):
            fields["annual_cap"] = 0
        if fields["annual_cap"] < 1 or str(cap).strip() != str(fields["annual_cap"]):
            errors.append(FieldError("annual_cap", "年度检查频次上限须为正整数,或留空"))
    if errors:
        raise ValidationFailed(errors)
    if fields["licensing_onsite_allowed"] and not fields["licensing_onsite_basis"]:
        raise RuleViolation(
            "R03", "允许在行政许可、给付等办理中实施现场检查的事项,须载明其法定依据", field="licensing_onsite_basis"
        )
    return fields


def _item_code_free_check(agency_id: int, code: str, exclude_id: int | None = None) -> None:
    qs = InspectionItem.objects.filter(agency_id=agency_id, code=code).exclude(status=ItemStatus.WITHDRAWN)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ValidationFailed(FieldError("code", f"本机关已有编码为 {code} 的检查事项"))


def _item_for_write(actor, item_id: int) -> InspectionItem:
    item = InspectionItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("检查事项不存在")
    _manager_check(actor, item.agency_id)
    return item


@transaction.atomic
def item_create(
    *, actor, code: str, name: str, legal_basis: str, object_scope: str, method: str,
    category: str = ItemCategory.GENERAL, annual_cap: int | None = None, licensing_onsite_allowed: bool = False,
    licensing_onsite_basis: str = "", single_officer_basis: str = "", agency: Agency | int | None = None,
) -> InspectionItem:
    """Add a draft inspection item to the actor's agency (R03: on-site in licensing needs a basis)."""
    data = {"code": code, "name": name, "legal_basis": legal_basis, "object_scope": object_scope, "method": method,
            "category": category, "annual_cap": annual_cap, "licensing_onsite_allowed": licensing_onsite_allowed,
            "licensing_onsite_basis": licensing_onsite_basis, "single_officer_basis": single_officer_basis}
    owner = _agency_for_write(actor, agency)
    fields = _item_fields_clean(data)
    _item_code_free_check(owner.pk, fields["code"])
    item = InspectionItem.objects.create(agency=owner, status=ItemStatus.DRAFT, **fields)
    audit_record(actor=actor, action="inspection_item.create", subject=item, after=item_snapshot(item))
    return item


@transaction.atomic
def item_update(*, actor, item_id: int, data: dict) -> InspectionItem:
    """Change a draft item; a published item is immutable (Conflict) — withdraw it and add a new one (R03)."""
    _unknown_fields_check(data, ITEM_FIELDS)
    item = _item_for_write(actor, item_id)
    workflows.editable_check(workflows.ITEM, item.status, str(item))
    before = item_snapshot(item)
    fields = _item_fields_clean({**before, **data})
    _item_code_free_check(item.agency_id, fields["code"], exclude_id=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    audit_record(actor=actor, action="inspection_item.update", subject=item, before=before,
                 after=item_snapshot(item))
    return item


@transaction.atomic
def item_withdraw(*, actor, item_id: int, reason: str) -> InspectionItem:
    """Withdraw an item; a published one leaves the list in a new list version (old versions stay)."""
    reason = _reason_clean(reason)
    item = _item_for_write(actor, item_id)
    was = item.status
    agency = Agency.objects.select_for_update().get(pk=item.agency_id)
    item.status = workflows.transition_target(workflows.ITEM, item.status, "withdraw", str(item))
    item.withdrawn_at = clock.now()
    item.save(update_fields=["status", "withdrawn_at", "updated_at"])
    version = None
    if was == ItemStatus.PUBLISHED:
        version = _list_version_write(actor=actor, agency=agency, kind=ListKind.ITEMS, reason=reason)
    audit_record(actor=actor, action="inspection_item.withdraw", subject=item, before={"status": was},
                 after={"status": item.status, "reason": reason,
                        "list_version": _version_summary(version) if version else None})
    return item


@transaction.atomic
def item_list_publish(*, actor, agency: Agency | int, reason: str) -> PublishedList:
    """Publish an agency's draft items: a new immutable list version of all its published items (R02)."""
    reason = _reason_clean(reason)
    owner = _agency_for_write(actor, agency)
    drafts = list(InspectionItem.objects.select_for_update().filter(agency=owner, status=ItemStatus.DRAFT)
                  .order_by("code", "id"))
    if not drafts:
        raise ValidationFailed(FieldError("items", "没有待发布的草稿事项"))
    now = clock.now()
    for item in drafts:
        _item_fields_clean(item_snapshot(item))  # R03 holds for every item that goes public
        item.status = workflows.transition_target(workflows.ITEM, item.status, "publish", str(item))
        item.published_at = item.updated_at = now
    InspectionItem.objects.bulk_update(drafts, ["status", "published_at", "updated_at"])
    version = _list_version_write(actor=actor, agency=owner, kind=ListKind.ITEMS, reason=reason)
    audit_record(actor=actor, action="item_list.publish", subject=version,
                 after={**_version_summary(version), "agency": owner.pk, "published_items": [i.pk for i in drafts]})
    return version


# --- Standards -------------------------------------------------------------------------------------

STANDARD_FIELDS = {"title", "content"}


def _standard_fields_clean(data: dict) -> dict:
    fields = {"title": _text(data.get("title")), "content": _text(data.get("content"))}
    errors: list[FieldError] = []
    _required(errors, fields, "title", "标准名称", 200)
    _required(errors, fields, "content", "标准内容")
    if errors:
        raise ValidationFailed(errors)
    return fields


def _standard_dict(s: Standard) -> dict:
    return {"agency": s.agency_id, "code": s.code, "version": s.version, "title": s.title, "content": s.content,
            "status": s.status}


def _standard_for_write(actor, standard_id: int) -> Standard:
    standard = Standard.objects.select_for_update().filter(pk=standard_id).first()
    if standard is None:
        raise NotFound("检查标准不存在")
    _manager_check(actor, standard.agency_id)
    return standard


@transaction.atomic
def standard_create(*, actor, code: str, title: str, content: str, agency: Agency | int | None = None) -> Standard:
    """Create version 1 of a standard as a draft."""
    owner = _agency_for_write(actor, agency)
    code = _text(code)
    errors: list[FieldError] = []
    _required(errors, {"code": code}, "code", "标准编码", 32)
    if errors:
        raise ValidationFailed(errors)
    fields = _standard_fields_clean({"title": title, "content": content})
    if Standard.objects.filter(agency=owner, code=code).exists():
        raise ValidationFailed(FieldError("code", f"本机关已有编码为 {code} 的检查标准;请生成新版本"))
    standard = Standard.objects.create(agency=owner, code=code, version=1, status=VersionStatus.DRAFT, **fields)
    audit_record(actor=actor, action="standard.create", subject=standard, after=_standard_dict(standard))
    return standard


@transaction.atomic
def standard_update(*, actor, standard_id: int, data: dict) -> Standard:
    """Change a draft standard; a published version is immutable (Conflict)."""
    _unknown_fields_check(data, STANDARD_FIELDS)
    standard = _standard_for_write(actor, standard_id)
    workflows.editable_check(workflows.STANDARD, standard.status, str(standard))
    before = _standard_dict(standard)
    for name, value in _standard_fields_clean({**before, **data}).items():
        setattr(standard, name, value)
    standard.save()
    audit_record(actor=actor, action="standard.update", subject=standard, before=before,
                 after=_standard_dict(standard))
    return standard


@transaction.atomic
def standard_publish(*, actor, standard_id: int) -> Standard:
    """Publish a draft standard; the previously published version of its code is superseded."""
    standard = _standard_for_write(actor, standard_id)
    standard.status = workflows.transition_target(workflows.STANDARD, standard.status, "publish", str(standard))
    standard.published_at = clock.now()
    standard.published_by = _actor_label(actor)
    standard.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    superseded = list(
        Standard.objects.select_for_update()
        .filter(agency_id=standard.agency_id, code=standard.code, status=VersionStatus.PUBLISHED)
        .exclude(pk=standard.pk)
    )
    for old in superseded:
        old.status = workflows.transition_target(workflows.STANDARD, old.status, "supersede", str(old))
        old.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="standard.publish", subject=standard, before={"status": VersionStatus.DRAFT},
                 after={"status": standard.status, "superseded": [s.pk for s in superseded]})
    return standard


@transaction.atomic
def standard_new_version(*, actor, standard_id: int) -> Standard:
    """Copy a published standard into a new draft with version + 1 (the published one stays as it is)."""
    source = _standard_for_write(actor, standard_id)
    workflows.transition_target(workflows.STANDARD, source.status, "new_version", str(source))
    versions = Standard.objects.select_for_update().filter(agency_id=source.agency_id, code=source.code)
    if versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationFailed(FieldError("code", f"标准 {source.code} 已有草稿版本,请先完成该草稿"))
    number = versions.aggregate(n=Max("version"))["n"] + 1
    draft = Standard.objects.create(agency_id=source.agency_id, code=source.code, version=number,
                                    title=source.title, content=source.content, status=VersionStatus.DRAFT)
    audit_record(actor=actor, action="standard.new_version", subject=draft,
                 after={**_standard_dict(draft), "from": source.pk})
    return draft


# --- Checklists (R02, R04) -------------------------------------------------------------------------


def _checklist_dict(c: Checklist) -> dict:
    return {"agency": c.agency_id, "code": c.code, "version": c.version, "name": c.name,
            "object_type": c.object_type, "status": c.status}


def _entry_dict(e: ChecklistEntry) -> dict:
    return {"id": e.pk, "order": e.order, "item": e.item_id, "content": e.content, "standard": e.standard_id,
            "standard_text": e.standard_text}


def _checklist_for_write(actor, checklist_id: int) -> Checklist:
    checklist = Checklist.objects.select_for_update().filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound("检查表单不存在")
    _manager_check(actor, checklist.agency_id)
    return checklist


def _item_unpublished_refusal(item: InspectionItem, field: str) -> RuleViolation | None:
    if item.status != ItemStatus.PUBLISHED:
        return RuleViolation("R02", f"检查事项“{item.code} {item.name}”不在已公布的检查事项清单中,不能列入检查表单",
                             field=field)
    return None


@transaction.atomic
def checklist_create(*, actor, code: str, name: str, object_type: str, agency: Agency | int | None = None
                     ) -> Checklist:
    """Create version 1 of a checklist as an empty draft."""
    owner = _agency_for_write(actor, agency)
    fields = {"code": _text(code), "name": _text(name), "object_type": _text(object_type)}
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
    item = InspectionItem.objects.select_for_update().filter(pk=item_id).first() if item_id else None
    if item is None:
        errors.append(FieldError("item", "请选择一个检查事项"))
    content = _text(content)
    if not content:
        errors.append(FieldError("content", "请填写检查内容"))
    standard = None
    if standard_id:
        standard = Standard.objects.filter(pk=standard_id, status=VersionStatus.PUBLISHED).first()
        if standard is None:
            errors.append(FieldError("standard", "检查标准不存在或未发布"))
    taken = checklist.entries.aggregate(n=Max("order"))["n"] or 0
    if order is None:
        order = taken + 1
    elif order < 1 or checklist.entries.filter(order=order).exists():
        errors.append(FieldError("order", "序号须为正整数且不与已有条目重复"))
    if errors:
        raise ValidationFailed(errors)
    if refusal := _item_unpublished_refusal(item, "item"):
        raise refusal
    entry = ChecklistEntry.objects.create(checklist=checklist, order=order, item=item, content=content,
                                          standard=standard, standard_text=_text(standard_text))
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
        if refusal := _item_unpublished_refusal(entry.item, f"entries[{index}].item"):
            raise refusal
    checklist.status = target
    checklist.published_at = clock.now()
    checklist.published_by = _actor_label(actor)
    checklist.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    superseded = list(Checklist.objects.select_for_update()
                      .filter(code=checklist.code, status=VersionStatus.PUBLISHED).exclude(pk=checklist.pk))
    for old in superseded:
        old.status = workflows.transition_target(workflows.CHECKLIST, old.status, "supersede", str(old))
        old.save(update_fields=["status", "updated_at"])
    agencies = sorted({e.item.agency_id for e in entries})
    audit_record(actor=actor, action="checklist.publish", subject=checklist, before={"status": VersionStatus.DRAFT},
                 after={**_checklist_dict(checklist), "entries": [_entry_dict(e) for e in entries],
                        "agencies": agencies, "superseded": [c.pk for c in superseded]})
    return checklist


@transaction.atomic
def checklist_new_version(*, actor, checklist_id: int) -> Checklist:
    """Copy a published checklist into a new draft with version + 1; the published row stays intact (R04)."""
    source = _checklist_for_write(actor, checklist_id)
    workflows.transition_target(workflows.CHECKLIST, source.status, "new_version", str(source))
    versions = Checklist.objects.select_for_update().filter(code=source.code)
    if versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationFailed(FieldError("code", f"表单 {source.code} 已有草稿版本,请先完成该草稿"))
    number = versions.aggregate(n=Max("version"))["n"] + 1
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


# --- No-penalty lists (《行政处罚法》第三十三条) -------------------------------------------------------

NO_PENALTY_FIELDS = {"kind", "title", "legal_basis", "conditions"}


def _no_penalty_fields_clean(data: dict) -> dict:
    fields = {name: _text(data.get(name)) for name in NO_PENALTY_FIELDS}
    errors: list[FieldError] = []
    if fields["kind"] not in NoPenaltyKind.values:
        errors.append(FieldError("kind", "免罚类型须为首违不罚或轻微不罚(无主观过错不罚依法适用,无需列入清单)"))
    _required(errors, fields, "title", "违法行为", 300)
    _required(errors, fields, "legal_basis", "法律依据")
    _required(errors, fields, "conditions", "适用条件")
    if errors:
        raise ValidationFailed(errors)
    return fields


def _no_penalty_for_write(actor, entry_id: int) -> NoPenaltyEntry:
    entry = NoPenaltyEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("免罚清单事项不存在")
    _manager_check(actor, entry.agency_id)
    return entry


@transaction.atomic
def no_penalty_entry_create(
    *, actor, kind: str, title: str, legal_basis: str, conditions: str, agency: Agency | int | None = None,
) -> NoPenaltyEntry:
    """Add a draft 首违不罚 / 轻微不罚 entry to the actor's agency."""
    owner = _agency_for_write(actor, agency)
    fields = _no_penalty_fields_clean({"kind": kind, "title": title, "legal_basis": legal_basis,
                                       "conditions": conditions})
    entry = NoPenaltyEntry.objects.create(agency=owner, status=ItemStatus.DRAFT, **fields)
    audit_record(actor=actor, action="no_penalty_entry.create", subject=entry, after=no_penalty_snapshot(entry))
    return entry


@transaction.atomic
def no_penalty_entry_update(*, actor, entry_id: int, data: dict) -> NoPenaltyEntry:
    """Change a draft no-penalty entry; a published one is immutable (Conflict)."""
    _unknown_fields_check(data, NO_PENALTY_FIELDS)
    entry = _no_penalty_for_write(actor, entry_id)
    workflows.editable_check(workflows.NO_PENALTY, entry.status, entry.title)
    before = no_penalty_snapshot(entry)
    for name, value in _no_penalty_fields_clean({**before, **data}).items():
        setattr(entry, name, value)
    entry.save()
    audit_record(actor=actor, action="no_penalty_entry.update", subject=entry, before=before,
                 after=no_penalty_snapshot(entry))
    return entry


@transaction.atomic
def no_penalty_entry_withdraw(*, actor, entry_id: int, reason: str) -> NoPenaltyEntry:
    """Withdraw a no-penalty entry; a published one leaves the list in a new list version."""
    reason = _reason_clean(reason)
    entry = _no_penalty_for_write(actor, entry_id)
    was = entry.status
    agency = Agency.objects.select_for_update().get(pk=entry.agency_id)
    entry.status = workflows.transition_target(workflows.NO_PENALTY, entry.status, "withdraw", entry.title)
    entry.withdrawn_at = clock.now()
    entry.save(update_fields=["status", "withdrawn_at", "updated_at"])
    version = None
    if was == ItemStatus.PUBLISHED:
        version = _list_version_write(actor=actor, agency=agency, kind=ListKind.NO_PENALTY, reason=reason)
    audit_record(actor=actor, action="no_penalty_entry.withdraw", subject=entry, before={"status": was},
                 after={"status": entry.status, "reason": reason,
                        "list_version": _version_summary(version) if version else None})
    return entry


@transaction.atomic
def no_penalty_list_publish(*, actor, agency: Agency | int, reason: str) -> PublishedList:
    """Publish an agency's draft no-penalty entries as a new immutable version of its no-penalty list."""
    reason = _reason_clean(reason)
    owner = _agency_for_write(actor, agency)
    drafts = list(NoPenaltyEntry.objects.select_for_update().filter(agency=owner, status=ItemStatus.DRAFT))
    if not drafts:
        raise ValidationFailed(FieldError("entries", "没有待发布的草稿免罚事项"))
    now = clock.now()
    for entry in drafts:
        entry.status = workflows.transition_target(workflows.NO_PENALTY, entry.status, "publish", entry.title)
        entry.published_at = entry.updated_at = now
    NoPenaltyEntry.objects.bulk_update(drafts, ["status", "published_at", "updated_at"])
    version = _list_version_write(actor=actor, agency=owner, kind=ListKind.NO_PENALTY, reason=reason)
    audit_record(actor=actor, action="no_penalty_list.publish", subject=version,
                 after={**_version_summary(version), "agency": owner.pk, "published_entries": [e.pk for e in drafts]})
    return version
