"""Pools (检查对象库 / 执法人员库): create and change an agency's filters and officer list."""

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role, actor_is_county
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import MAX_ID
from clearcheck.planning.selectors.tiers import tier_scheme
from clearcheck.registry.choices import EntityType
from clearcheck.registry.models import Industry, Officer, Region

from ..models import Pool

MANAGER_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
FILTER_KEYS = {"regions", "industries", "entity_types", "tiers", "exclude_special_sectors"}


def nul_refuse(**fields) -> None:
    """PostgreSQL text cannot hold NUL: refuse it by field (nested lists and dicts too) before any query."""
    def has_nul(value) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(has_nul(k) or has_nul(v) for k, v in value.items())
        if isinstance(value, (list, tuple, set)):
            return any(has_nul(v) for v in value)
        return False
    bad = [FieldError(name, "不得包含控制字符 NUL") for name, value in fields.items() if has_nul(value)]
    if bad:
        raise ValidationFailed(bad)


def manager_check(actor, agency_id: int, noun: str = "抽查对象库") -> None:
    """The agency's admin or head manages its pools and draws; others' are NotFound (county: 403)."""
    if actor_agency_id(actor) != agency_id:
        if actor_is_county(actor):
            raise PermissionDenied(f"{noun}由各执法机关管理")
        raise NotFound(f"{noun}不存在")
    if not actor_has_role(actor, *MANAGER_ROLES):
        raise PermissionDenied(f"只有本机关管理员或负责人可以管理{noun}")


def _codes(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace(",", ",").replace("\n", ",").split(",")
    return sorted({str(v).strip() for v in value if str(v).strip()})


def pool_filters_clean(agency_id: int, data: dict) -> dict:
    """Normalise a pool's filters; every unknown code is named."""
    unknown = sorted(set(data) - FILTER_KEYS)
    errors = [FieldError(f"filters.{k}", "未知的筛选条件") for k in unknown]
    filters = {key: _codes(data.get(key)) for key in ("regions", "industries", "entity_types", "tiers")}
    checks = (
        ("regions", set(Region.objects.filter(code__in=filters["regions"]).values_list("code", flat=True)), "行政区划"),
        ("industries", set(Industry.objects.filter(code__in=filters["industries"]).values_list("code", flat=True)),
         "行业代码"),
        ("entity_types", set(EntityType.values), "主体类型"),
        ("tiers", {t.code for t in tier_scheme(agency_id)}, "风险等级"),
    )
    for key, known, label in checks:
        bad = [code for code in filters[key] if code not in known]
        if bad:
            errors.append(FieldError(f"filters.{key}", f"{label}不存在:{'、'.join(bad)}"))
    filters["exclude_special_sectors"] = bool(data.get("exclude_special_sectors"))
    if errors:
        raise ValidationFailed(errors)
    return {k: v for k, v in filters.items() if v}


def _officers_clean(agency_id: int, officer_ids) -> list[Officer]:
    ids = sorted({i for i in (int(v) for v in officer_ids or [] if str(v).strip().isascii() and str(v).strip().isdigit())
                  if 0 < i <= MAX_ID})
    officers = list(Officer.objects.filter(pk__in=ids, agency_id=agency_id))
    if len(officers) != len(ids):
        raise ValidationFailed(FieldError("officers", "限定的执法人员须为本机关的执法人员"))
    return officers


def _pool_snapshot(pool: Pool) -> dict:
    return {"agency": pool.agency_id, "name": pool.name, "filters": pool.filters, "note": pool.note,
            "active": pool.active, "officers": sorted(pool.officers.values_list("pk", flat=True))}


def _name_clean(agency_id: int, name: str, exclude_id: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(FieldError("name", "请填写对象库名称"))
    if len(name) > 100:
        raise ValidationFailed(FieldError("name", "名称不超过 100 个字符"))
    if Pool.objects.filter(agency_id=agency_id, name=name).exclude(pk=exclude_id).exists():
        raise ValidationFailed(FieldError("name", f"本机关已有名为“{name}”的对象库"))
    return name


@transaction.atomic
def pool_create(*, actor, name: str, filters: dict | None = None, officer_ids=(), note: str = "") -> Pool:
    """Define a pool of the actor's agency."""
    nul_refuse(name=name, filters=filters, note=note)
    agency_id = actor_agency_id(actor)
    if agency_id is None:
        raise PermissionDenied("只有执法机关可以建立抽查对象库")
    manager_check(actor, agency_id)
    pool = Pool.objects.create(agency_id=agency_id, name=_name_clean(agency_id, name),
                               filters=pool_filters_clean(agency_id, filters or {}), note=(note or "").strip(),
                               created_by=actor_label(actor), created_at=clock.now())
    pool.officers.set(_officers_clean(agency_id, officer_ids))
    audit_record(actor=actor, action="pool.create", subject=pool, after=_pool_snapshot(pool))
    return pool


@transaction.atomic
def pool_update(*, actor, pool_id: int, data: dict) -> Pool:
    """Change a pool's name, filters, officers, note or whether it is in use (draws keep their frames)."""
    nul_refuse(**{k: v for k, v in data.items() if k != "officer_ids"})
    pool = Pool.objects.select_for_update().filter(pk=pool_id).first()
    if pool is None:
        raise NotFound("抽查对象库不存在")
    manager_check(actor, pool.agency_id)
    unknown = sorted(set(data) - {"name", "filters", "officer_ids", "note", "active"})
    if unknown:
        raise ValidationFailed([FieldError(k, "该字段不可修改") for k in unknown])
    before = _pool_snapshot(pool)
    if "name" in data:
        pool.name = _name_clean(pool.agency_id, data["name"], exclude_id=pool.pk)
    if "filters" in data:
        pool.filters = pool_filters_clean(pool.agency_id, data["filters"] or {})
    if "note" in data:
        pool.note = (data["note"] or "").strip()
    if "active" in data:
        pool.active = bool(data["active"])
    pool.save()
    if "officer_ids" in data:
        pool.officers.set(_officers_clean(pool.agency_id, data["officer_ids"]))
    audit_record(actor=actor, action="pool.update", subject=pool, before=before, after=_pool_snapshot(pool))
    return pool
