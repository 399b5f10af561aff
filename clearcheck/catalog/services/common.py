"""Shared helpers of the catalog services: permissions, field checks, published list versions."""
import hashlib

from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import ItemStatus, ListKind
from ..models import InspectionItem, NoPenaltyEntry, PublishedList

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



def _required(errors: list[FieldError], fields: dict, name: str, label: str, max_length: int | None = None) -> None:
    value = fields.get(name, "")
    if not value:
        errors.append(FieldError(name, f"请填写{label}"))
    elif max_length and len(value) > max_length:
        errors.append(FieldError(name, f"{label}不能超过 {max_length} 个字符"))


def _reason_clean(reason: str) -> str:
    reason = text_of(reason)
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
        "special_sector": item.special_sector,
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
        published_by=actor_label(actor), published_at=now,
    )


def _version_summary(version: PublishedList) -> dict:
    return {"kind": version.kind, "number": version.number, "sha256": version.sha256, "reason": version.reason}


def _list_member_withdraw(*, actor, row, workflow, kind: str, label: str, action: str, reason: str):
    """Withdraw an item or no-penalty entry; a published one leaves its list in a new version."""
    was = row.status
    agency = Agency.objects.select_for_update().get(pk=row.agency_id)
    row.status = workflows.transition_target(workflow, row.status, "withdraw", label)
    row.withdrawn_at = clock.now()
    row.save(update_fields=["status", "withdrawn_at", "updated_at"])
    version = None
    if was == ItemStatus.PUBLISHED:
        version = _list_version_write(actor=actor, agency=agency, kind=kind, reason=reason)
    audit_record(actor=actor, action=action, subject=row, before={"status": was},
                 after={"status": row.status, "reason": reason,
                        "list_version": _version_summary(version) if version else None})
    return row
