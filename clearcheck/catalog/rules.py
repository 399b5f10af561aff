"""Catalog rules later capabilities call: R02 (only published items of the agency may be inspected)."""

from collections.abc import Iterable

from clearcheck.core.errors import RuleViolation

from .choices import ItemStatus
from .models import InspectionItem


def item_published_refusal(item: InspectionItem, *, field: str = "items", purpose: str = "") -> RuleViolation | None:
    """R02: ``item`` must be on a published list (of any agency: a checklist entry may be another agency's,
    一表通查). ``purpose`` ends the message, e.g. ",不能列入检查表单".
    """
    if item.status != ItemStatus.PUBLISHED:
        return RuleViolation("R02", f"检查事项“{item.code} {item.name}”不在已公布的检查事项清单中{purpose}", field=field)
    return None


def item_list_refusal(agency, items: Iterable[InspectionItem]) -> RuleViolation | None:
    """R02: every item must be a published item of ``agency`` (清单之外无检查). None when all are."""
    items = list(items)
    if not items:
        return RuleViolation("R02", "至少须选择一项已公布的检查事项", field="items")
    for item in items:
        if item.agency_id != agency.pk:
            return RuleViolation("R02", f"检查事项“{item.code} {item.name}”不属于{agency.name}的检查事项清单",
                                 field="items")
        if item_published_refusal(item) is not None:
            return RuleViolation("R02", f"检查事项“{item.code} {item.name}”不在{agency.name}已公布的检查事项清单中",
                                 field="items")
    return None


def item_onsite_basis_refusal(*, licensing_onsite_allowed: bool, licensing_onsite_basis: str) -> RuleViolation | None:
    """R03: an item that allows on-site checks during licensing or payments must state their legal basis."""
    if licensing_onsite_allowed and not licensing_onsite_basis:
        return RuleViolation("R03", "允许在行政许可、给付等办理中实施现场检查的事项,须载明其法定依据",
                             field="licensing_onsite_basis")
    return None
