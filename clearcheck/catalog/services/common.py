"""Shared helpers of the catalog services: permissions and field checks."""

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

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
