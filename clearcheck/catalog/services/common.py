"""Shared helpers of the catalog services: permissions, field checks, versions of standards and checklists."""

from django.db.models import Max, Model, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.core.workflows import Machine
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import VersionStatus

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


def _row_for_write(model: type[Model], noun: str, actor, pk: int):
    """The ``model`` row ``pk`` for the actor to change, locked; NotFound ("<noun>不存在") when missing or
    another agency's; PermissionDenied for readers who may not write.
    """
    row = model.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"{noun}不存在")
    _manager_check(actor, row.agency_id)
    return row


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


# --- Versioned documents (standards, checklists) --------------------------------------------------


def _supersede_published(machine: Machine, versions: QuerySet, current) -> list:
    """Supersede the published rows among ``versions`` (the other versions of ``current``'s code), locked."""
    superseded = list(versions.select_for_update().filter(status=VersionStatus.PUBLISHED).exclude(pk=current.pk))
    for old in superseded:
        old.status = workflows.transition_target(machine, old.status, "supersede", str(old))
        old.save(update_fields=["status", "updated_at"])
    return superseded


def _next_version_number(machine: Machine, source, versions: QuerySet, name: str) -> int:
    """The number of a new draft version copied from ``source`` (published or superseded); refused while
    ``versions`` (every version of its code) already hold a draft. ``name``: "标准", "表单".
    """
    workflows.transition_target(machine, source.status, "new_version", str(source))
    versions = versions.select_for_update()
    if versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationFailed(FieldError("code", f"{name} {source.code} 已有草稿版本,请先完成该草稿"))
    return versions.aggregate(n=Max("version"))["n"] + 1
