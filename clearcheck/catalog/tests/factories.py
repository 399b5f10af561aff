"""Plain-data factories for catalog tests; workflow state is built through the catalog services."""

import itertools

from clearcheck.accounts.services import user_create
from clearcheck.catalog import services
from clearcheck.registry.models import Agency, Region

_n = itertools.count(1)
PASSWORD = "Qingjian-2025!"


def region_county() -> Region:
    """Region 371524 (东阿县), created if the reference data migration has not loaded it."""
    province, _ = Region.objects.get_or_create(code="370000", defaults={"name": "山东省", "level": "province"})
    city, _ = Region.objects.get_or_create(code="371500", defaults={"name": "聊城市", "level": "city",
                                                                    "parent": province})
    county, _ = Region.objects.get_or_create(code="371524", defaults={"name": "东阿县", "level": "county",
                                                                      "parent": city})
    return county


def agency_make(name: str | None = None, *, listed: bool = True) -> Agency:
    n = next(_n)
    return Agency.objects.create(
        code=f"CAT{n:04d}", name=name or f"东阿县测试执法局{n}", kind="administrative_organ",
        legal_basis="《中华人民共和国行政处罚法》", region=region_county(), status="active", listed=listed,
    )


def user_make(role: str, agency: Agency | None = None):
    return user_create(actor=None, username=f"cat-{role}-{next(_n)}", password=PASSWORD, role=role,
                       display_name=f"测试{role}", agency=agency)


def item_fields(**overrides) -> dict:
    n = next(_n)
    fields = {
        "code": f"JC{n:04d}", "name": f"食品生产许可条件检查{n}", "legal_basis": "《中华人民共和国食品安全法》第八十七条",
        "object_scope": "食品生产企业", "method": "现场检查", "category": "general", "annual_cap": 2,
    }
    fields.update(overrides)
    return fields


def item_make(actor, **overrides):
    return services.item_create(actor=actor, **item_fields(**overrides))


def items_publish(actor, *items_overrides, reason: str = "首次公布"):
    """Create items (one per overrides dict) and publish the actor's list; returns (items, version)."""
    items = [item_make(actor, **o) for o in items_overrides]
    version = services.item_list_publish(actor=actor, agency=actor.agency, reason=reason)
    for item in items:
        item.refresh_from_db()
    return items, version


def checklist_make(actor, *, items, code: str | None = None, publish: bool = False):
    checklist = services.checklist_create(actor=actor, code=code or f"BD{next(_n):04d}", name="阿胶生产企业检查表",
                                          object_type="阿胶生产企业")
    for item in items:
        services.checklist_entry_add(actor=actor, checklist_id=checklist.pk, item_id=item.pk,
                                     content=f"检查{item.name}的落实情况")
    if publish:
        checklist = services.checklist_publish(actor=actor, checklist_id=checklist.pk)
    return checklist
