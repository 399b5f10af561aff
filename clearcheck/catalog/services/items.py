"""Inspection items and their published list versions (R02, R03)."""

from django.db import transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import ItemCategory, ItemStatus, ListKind, SpecialSector
from ..models import InspectionItem, PublishedList
from ..rules import item_onsite_basis_refusal
from .common import (
    _agency_for_write,
    _list_member_withdraw,
    _list_version_write,
    _manager_check,
    _reason_clean,
    _required,
    _unknown_fields_check,
    _version_summary,
    item_snapshot,
)

# --- Inspection items (R02, R03) -------------------------------------------------------------------

ITEM_FIELDS = {"code", "name", "legal_basis", "object_scope", "method", "category", "annual_cap",
               "licensing_onsite_allowed", "licensing_onsite_basis", "single_officer_basis", "special_sector"}


def _item_fields_clean(data: dict) -> dict:
    """Normalise and validate item fields; R03 once the fields themselves are valid."""
    fields = {name: text_of(data.get(name)) for name in ITEM_FIELDS - {"annual_cap", "licensing_onsite_allowed"}}
    fields["licensing_onsite_allowed"] = bool(data.get("licensing_onsite_allowed"))
    errors: list[FieldError] = []
    _required(errors, fields, "code", "事项编码", 32)
    _required(errors, fields, "name", "事项名称", 200)
    _required(errors, fields, "legal_basis", "设定依据")
    _required(errors, fields, "object_scope", "检查对象")
    _required(errors, fields, "method", "检查方式", 200)
    if fields["special_sector"] not in ("", *SpecialSector.values):
        errors.append(FieldError("special_sector", "特殊重点领域须为公共安全或人民群众生命健康,或留空"))
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
    if refusal := item_onsite_basis_refusal(licensing_onsite_allowed=fields["licensing_onsite_allowed"],
                                            licensing_onsite_basis=fields["licensing_onsite_basis"]):
        raise refusal
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
    licensing_onsite_basis: str = "", single_officer_basis: str = "", special_sector: str = "",
    agency: Agency | int | None = None,
) -> InspectionItem:
    """Add a draft inspection item to the actor's agency (R03: on-site in licensing needs a basis)."""
    data = {"code": code, "name": name, "legal_basis": legal_basis, "object_scope": object_scope, "method": method,
            "category": category, "annual_cap": annual_cap, "licensing_onsite_allowed": licensing_onsite_allowed,
            "licensing_onsite_basis": licensing_onsite_basis, "single_officer_basis": single_officer_basis,
            "special_sector": special_sector}
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
    return _list_member_withdraw(actor=actor, row=item, workflow=workflows.ITEM, kind=ListKind.ITEMS,
                                 label=str(item), action="inspection_item.withdraw", reason=reason)


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
