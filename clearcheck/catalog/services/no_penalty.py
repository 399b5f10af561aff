"""No-penalty lists (免罚清单, 《行政处罚法》第三十三条)."""

from django.db import transaction

from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, NotFound, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import ItemStatus, ListKind, NoPenaltyKind
from ..models import NoPenaltyEntry, PublishedList
from .common import (
    _agency_for_write,
    _list_member_withdraw,
    _list_version_write,
    _manager_check,
    _reason_clean,
    _required,
    _unknown_fields_check,
    _version_summary,
    no_penalty_snapshot,
)

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
    return _list_member_withdraw(actor=actor, row=entry, workflow=workflows.NO_PENALTY, kind=ListKind.NO_PENALTY,
                                 label=entry.title, action="no_penalty_entry.withdraw", reason=reason)


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
