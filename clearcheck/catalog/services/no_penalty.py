"""No-penalty lists (免罚清单, 《行政处罚法》第三十三条)."""

from django.db import transaction

from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

from ..choices import NoPenaltyKind
from ..lists import NO_PENALTY_LIST
from ..models import NoPenaltyEntry, PublishedList
from .common import _required
from .lists import MemberWrites, list_publish, member_create, member_update, member_withdraw

# --- No-penalty lists (《行政处罚法》第三十三条) -------------------------------------------------------

NO_PENALTY_FIELDS = {"kind", "title", "legal_basis", "conditions"}


def _no_penalty_fields_clean(data: dict) -> dict:
    fields = {name: text_of(data.get(name)) for name in NO_PENALTY_FIELDS}
    errors: list[FieldError] = []
    if fields["kind"] not in NoPenaltyKind.values:
        errors.append(FieldError("kind", "免罚类型须为首违不罚或轻微不罚(无主观过错不罚依法适用,无需列入清单)"))
    _required(errors, fields, "title", "违法行为", 300)
    _required(errors, fields, "legal_basis", "法律依据")
    _required(errors, fields, "conditions", "适用条件")
    if errors:
        raise ValidationFailed(errors)
    return fields


NO_PENALTY = MemberWrites(spec=NO_PENALTY_LIST, fields=frozenset(NO_PENALTY_FIELDS), clean=_no_penalty_fields_clean)


@transaction.atomic
def no_penalty_entry_create(
    *, actor, kind: str, title: str, legal_basis: str, conditions: str, agency: Agency | int | None = None,
) -> NoPenaltyEntry:
    """Add a draft 首违不罚 / 轻微不罚 entry to the actor's agency."""
    data = {"kind": kind, "title": title, "legal_basis": legal_basis, "conditions": conditions}
    return member_create(NO_PENALTY, actor=actor, agency=agency, data=data)


@transaction.atomic
def no_penalty_entry_update(*, actor, entry_id: int, data: dict) -> NoPenaltyEntry:
    """Change a draft no-penalty entry; a published one is immutable (Conflict)."""
    return member_update(NO_PENALTY, actor=actor, member_id=entry_id, data=data)


@transaction.atomic
def no_penalty_entry_withdraw(*, actor, entry_id: int, reason: str) -> NoPenaltyEntry:
    """Withdraw a no-penalty entry; a published one leaves the list in a new list version."""
    return member_withdraw(NO_PENALTY, actor=actor, member_id=entry_id, reason=reason)


@transaction.atomic
def no_penalty_list_publish(*, actor, agency: Agency | int, reason: str) -> PublishedList:
    """Publish an agency's draft no-penalty entries as a new immutable version of its no-penalty list."""
    return list_publish(NO_PENALTY, actor=actor, agency=agency, reason=reason)
