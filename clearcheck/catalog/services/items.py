"""Inspection items and their published list versions (R02, R03)."""

from django.db import transaction

from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import INT32_MAX, text_of
from clearcheck.registry.models import Agency

from ..choices import ItemCategory, ItemStatus, SpecialSector
from ..lists import ITEM_LIST
from ..models import InspectionItem, PublishedList
from ..rules import item_onsite_basis_refusal
from .common import _required
from .lists import MemberWrites, list_publish, member_create, member_update, member_withdraw

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
        # A PositiveIntegerField: PostgreSQL refuses more than 2³¹−1 with an error (issue 20: no 500 on input).
        if not 1 <= fields["annual_cap"] <= INT32_MAX or str(cap).strip() != str(fields["annual_cap"]):
            errors.append(FieldError("annual_cap", "年度检查频次上限须为正整数,或留空"))
    if errors:
        raise ValidationFailed(errors)
    if refusal := item_onsite_basis_refusal(licensing_onsite_allowed=fields["licensing_onsite_allowed"],
                                            licensing_onsite_basis=fields["licensing_onsite_basis"]):
        raise refusal
    return fields


def _item_code_free_check(agency_id: int, fields: dict, exclude_id: int | None = None) -> None:
    """A code names one live item of an agency (a withdrawn item frees its code for the replacement)."""
    code = fields["code"]
    qs = InspectionItem.objects.filter(agency_id=agency_id, code=code).exclude(status=ItemStatus.WITHDRAWN)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise ValidationFailed(FieldError("code", f"本机关已有编码为 {code} 的检查事项"))


ITEMS = MemberWrites(spec=ITEM_LIST, fields=frozenset(ITEM_FIELDS), clean=_item_fields_clean,
                     clash_check=_item_code_free_check)


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
    return member_create(ITEMS, actor=actor, agency=agency, data=data)


@transaction.atomic
def item_update(*, actor, item_id: int, data: dict) -> InspectionItem:
    """Change a draft item; a published item is immutable (Conflict) — withdraw it and add a new one (R03)."""
    return member_update(ITEMS, actor=actor, member_id=item_id, data=data)


@transaction.atomic
def item_withdraw(*, actor, item_id: int, reason: str) -> InspectionItem:
    """Withdraw an item; a published one leaves the list in a new list version (old versions stay)."""
    return member_withdraw(ITEMS, actor=actor, member_id=item_id, reason=reason)


@transaction.atomic
def item_list_publish(*, actor, agency: Agency | int, reason: str) -> PublishedList:
    """Publish an agency's draft items: a new immutable list version of all its published items (R02, R03)."""
    return list_publish(ITEMS, actor=actor, agency=agency, reason=reason)
