"""Reads of entry refusals (R29), scoped by actor: the enterprise its own; the agency head and admin those
naming their agency; the bureau and discipline inspection all; others none. ``READER_ROLES`` are the roles
of the requests pages (entry refusals here, recusal requests in ``registry.recusals``).
"""

from django.db.models import QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.core.errors import NotFound
from clearcheck.core.inputs import MAX_ID

from ..models import EntryRefusal

READER_ROLES = (Role.ENTERPRISE, Role.AGENCY_HEAD, Role.AGENCY_ADMIN, Role.BUREAU, Role.DISCIPLINE)


def entry_refusals_for_actor(*, actor) -> QuerySet[EntryRefusal]:
    """The entry refusals the actor may read (R29), in keyset order."""
    qs = EntryRefusal.objects.select_related("enterprise", "agency")
    if actor_has_role(actor, Role.BUREAU, Role.DISCIPLINE):
        pass
    elif enterprise_id := actor_enterprise_id(actor):
        qs = qs.filter(enterprise_id=enterprise_id)
    elif actor_has_role(actor, Role.AGENCY_HEAD, Role.AGENCY_ADMIN) and actor_agency_id(actor):
        qs = qs.filter(agency_id=actor_agency_id(actor))
    else:
        return qs.none()
    return qs.order_by("id")


def entry_refusal_get_for_actor(*, actor, refusal_id: int) -> EntryRefusal:
    """One entry refusal the actor may read; missing and not-yours are both NotFound."""
    if not 0 < int(refusal_id) <= MAX_ID:
        raise NotFound("拒绝入企记录不存在")
    record = entry_refusals_for_actor(actor=actor).filter(pk=refusal_id).first()
    if record is None:
        raise NotFound("拒绝入企记录不存在")
    return record
