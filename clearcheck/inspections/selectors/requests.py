"""Reads of recusal requests, scoped by actor: the enterprise sees its own; the agency head and admin
those about their agency's officers; the bureau and discipline inspection all; others none.
Entry refusals (R29) likewise: the enterprise its own; the agency head and admin those naming their agency.
"""

import re

from django.db.models import QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.core.errors import NotFound
from clearcheck.registry.models import Officer

from ..choices import RecusalStatus
from ..models import EntryRefusal, RecusalRequest

MAX_ID = 2_147_483_647
CREDENTIAL_NO = re.compile(r"^[0-9A-Za-z\-]{1,32}$")
READER_ROLES = (Role.ENTERPRISE, Role.AGENCY_HEAD, Role.AGENCY_ADMIN, Role.BUREAU, Role.DISCIPLINE)


def recusal_requests_for_actor(*, actor, status: str | None = None) -> QuerySet[RecusalRequest]:
    """The recusal requests the actor may read, newest last (keyset order)."""
    qs = RecusalRequest.objects.select_related("enterprise", "officer", "agency")
    if actor_has_role(actor, Role.BUREAU, Role.DISCIPLINE):
        pass
    elif enterprise_id := actor_enterprise_id(actor):
        qs = qs.filter(enterprise_id=enterprise_id)
    elif actor_has_role(actor, Role.AGENCY_HEAD, Role.AGENCY_ADMIN) and actor_agency_id(actor):
        qs = qs.filter(agency_id=actor_agency_id(actor))
    else:
        return qs.none()
    if status:
        if status not in RecusalStatus.values:
            return qs.none()
        qs = qs.filter(status=status)
    return qs.order_by("id")


def recusal_request_get_for_actor(*, actor, request_id: int) -> RecusalRequest:
    """One recusal request the actor may read; missing and not-yours are both NotFound."""
    if not 0 < int(request_id) <= MAX_ID:
        raise NotFound("回避申请不存在")
    record = recusal_requests_for_actor(actor=actor).filter(pk=request_id).first()
    if record is None:
        raise NotFound("回避申请不存在")
    return record


def officer_id_for_credential(credential_no: str | None) -> int:
    """The officer holding credential ``credential_no`` (the enterprise reads it off the credential)."""
    value = (credential_no or "").strip()
    officer_id = None
    if CREDENTIAL_NO.match(value):
        officer_id = Officer.objects.filter(credential_no=value).values_list("pk", flat=True).first()
    if officer_id is None:
        raise NotFound("未找到该执法证号的执法人员")
    return officer_id


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
