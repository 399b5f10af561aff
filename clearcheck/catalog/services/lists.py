"""The writes every list kind shares (``lists.ListSpec``): add a draft member, change it, withdraw it, and
publish the agency's drafts as a new list version. ``items`` and ``no_penalty`` give their kind's
``MemberWrites`` (fields and checks) and keep their public functions; each runs in their transaction with
its audit event (R30).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max

from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import ItemStatus
from ..lists import ListSpec
from ..models import PublishedList
from .common import _agency_for_write, _reason_clean, _row_for_write, _unknown_fields_check

# --- Published list versions -----------------------------------------------------------------------


def _list_version_write(spec: ListSpec, *, actor, agency: Agency, reason: str) -> PublishedList:
    """Write the next version of ``agency``'s list of ``spec``'s kind from what is published now (agency locked)."""
    kind = spec.kind
    entries = [spec.snapshot(member) for member in spec.published(agency)]
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


# --- Members ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberWrites:
    """How members of one list kind are written: the fields a caller may set and the checks on them."""

    spec: ListSpec
    fields: frozenset[str]
    clean: Callable[[dict], dict]  # normalised fields; ValidationFailed / RuleViolation when not valid
    # Refuses fields that clash with another live member of the agency (agency id, fields, the member's own id).
    clash_check: Callable[[int, dict, int | None], None] | None = None


def _member_for_write(writes: MemberWrites, actor, member_id: int):
    """A member the actor may change, locked; NotFound when missing or another agency's."""
    return _row_for_write(writes.spec.model, writes.spec.noun, actor, member_id)


def member_create(writes: MemberWrites, *, actor, agency: Agency | int | None, data: dict):
    """Add a draft member to ``agency`` (default: the actor's)."""
    spec = writes.spec
    owner = _agency_for_write(actor, agency)
    fields = writes.clean(data)
    if writes.clash_check:
        writes.clash_check(owner.pk, fields, None)
    member = spec.model.objects.create(agency=owner, status=ItemStatus.DRAFT, **fields)
    audit_record(actor=actor, action=f"{spec.audit_noun}.create", subject=member, after=spec.snapshot(member))
    return member


def member_update(writes: MemberWrites, *, actor, member_id: int, data: dict):
    """Change a draft member; a published one is immutable (Conflict): withdraw it and add a new one."""
    spec = writes.spec
    _unknown_fields_check(data, writes.fields)
    member = _member_for_write(writes, actor, member_id)
    workflows.editable_check(spec.workflow, member.status, spec.label(member))
    before = spec.snapshot(member)
    fields = writes.clean({**before, **data})
    if writes.clash_check:
        writes.clash_check(member.agency_id, fields, member.pk)
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    audit_record(actor=actor, action=f"{spec.audit_noun}.update", subject=member, before=before,
                 after=spec.snapshot(member))
    return member


def member_withdraw(writes: MemberWrites, *, actor, member_id: int, reason: str):
    """Withdraw a member; a published one leaves its list in a new list version (old versions stay)."""
    spec = writes.spec
    reason = _reason_clean(reason)
    member = _member_for_write(writes, actor, member_id)
    was = member.status
    agency = Agency.objects.select_for_update().get(pk=member.agency_id)
    member.status = workflows.transition_target(spec.workflow, member.status, "withdraw", spec.label(member))
    member.withdrawn_at = clock.now()
    member.save(update_fields=["status", "withdrawn_at", "updated_at"])
    version = None
    if was == ItemStatus.PUBLISHED:
        version = _list_version_write(spec, actor=actor, agency=agency, reason=reason)
    audit_record(actor=actor, action=f"{spec.audit_noun}.withdraw", subject=member, before={"status": was},
                 after={"status": member.status, "reason": reason,
                        "list_version": _version_summary(version) if version else None})
    return member


def list_publish(writes: MemberWrites, *, actor, agency: Agency | int, reason: str) -> PublishedList:
    """Publish the agency's drafts: each passes its checks again, then a new immutable version of the list."""
    spec = writes.spec
    reason = _reason_clean(reason)
    owner = _agency_for_write(actor, agency)
    drafts = list(spec.model.objects.select_for_update().filter(agency=owner, status=ItemStatus.DRAFT)
                  .order_by(*spec.order))
    if not drafts:
        raise ValidationFailed(FieldError(spec.members, spec.no_drafts))
    now = clock.now()
    for member in drafts:
        writes.clean(spec.snapshot(member))  # every rule on a member (R03 for items) holds as it goes public
        member.status = workflows.transition_target(spec.workflow, member.status, "publish", spec.label(member))
        member.published_at = member.updated_at = now
    spec.model.objects.bulk_update(drafts, ["status", "published_at", "updated_at"])
    version = _list_version_write(spec, actor=actor, agency=owner, reason=reason)
    audit_record(actor=actor, action=f"{spec.audit_list}.publish", subject=version,
                 after={**_version_summary(version), "agency": owner.pk,
                        f"published_{spec.members}": [m.pk for m in drafts]})
    return version
