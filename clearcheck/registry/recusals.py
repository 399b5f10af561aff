"""Recusal requests (回避申请, R13, clause 四(八)): an enterprise asks that an officer be excluded from its
inspections; the head of the officer's agency grants or refuses with reasons; the enterprise is notified on
its recusal page. A granted request is the recusal, which bars the officer from being assigned to the
enterprise or checking in there (``rules.recusal_refusal``, read by planning, sampling and inspections).
Granted recusals are read in ``recusal_reads`` (the one reader, below this module and ``rules``); the rules of
who may decide are ``rules.recusal_decider_refusal``.

The record lives here, beside the officer and the enterprise it joins, so that every app that assigns
officers reads one fact from below (ADR 0021). Its audit subject keeps the label it was first recorded
under, ``inspections.recusalrequest`` (``RecusalRequest.audit_subject_type``), because the chain cannot be
rewritten.

Writes (``recusal_request_file``, ``recusal_request_decide``) each run in one transaction with their audit
event (R30); reads are scoped by actor: the enterprise its own requests, the agency head and admin those
about their agency's officers, the bureau and discipline inspection all, others none.
"""

import re

from django.db import transaction
from django.db.models import QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import id_or_404

from .choices import RECUSAL_OPEN, RecusalStatus
from .models import Enterprise, Officer, RecusalRequest
from .rules import recusal_decider_refusal
from .workflows import RECUSAL

MAX_REASON = 2000
CREDENTIAL_NO = re.compile(r"^[0-9A-Za-z\-]{1,32}$")
READER_ROLES = (Role.ENTERPRISE, Role.AGENCY_HEAD, Role.AGENCY_ADMIN, Role.BUREAU, Role.DISCIPLINE)


def recusal_snapshot(record: RecusalRequest) -> dict:
    """What the audit trail keeps of a recusal request."""
    return {
        "enterprise": record.enterprise_id, "officer": record.officer_id, "agency": record.agency_id,
        "reason": record.reason, "status": record.status, "filed_by": record.filed_by,
        "filed_at": record.filed_at, "decision_reason": record.decision_reason, "decided_by": record.decided_by,
        "decided_at": record.decided_at, "notified_at": record.notified_at,
    }


def _reason_clean(reason, field: str, missing: str) -> str:
    text = str(reason or "").strip()
    if not text:
        raise ValidationFailed(FieldError(field, missing))
    if len(text) > MAX_REASON:
        raise ValidationFailed(FieldError(field, f"理由不超过 {MAX_REASON} 个字符"))
    if "\x00" in text:
        raise ValidationFailed(FieldError(field, "理由含有无效字符"))
    return text


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def recusal_request_file(*, actor, officer_id: int, reason: str) -> RecusalRequest:
    """An enterprise asks that an officer be excluded from inspecting it (R13); refused while one is open."""
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise PermissionDenied("只有企业账号可以为本企业申请回避")
    officer = Officer.objects.select_related("agency").filter(pk=id_or_404(officer_id, "执法人员")).first()
    if officer is None:
        raise NotFound("执法人员不存在")
    text = _reason_clean(reason, "reason", "请说明申请回避的理由")
    # Filings of one enterprise run one at a time, so two clicks cannot open two requests.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise_id)
    existing = RecusalRequest.objects.filter(enterprise=enterprise, officer=officer, status__in=RECUSAL_OPEN).first()
    if existing is not None:
        raise Conflict(f"已就{officer.name}提出回避申请(#{existing.pk},{existing.get_status_display()}),不能重复申请")
    user_id, label, _ = actor_describe(actor)
    record = RecusalRequest.objects.create(
        enterprise=enterprise, officer=officer, agency=officer.agency, reason=text, status=RecusalStatus.PENDING,
        filed_by=label, filed_by_user_id=user_id, filed_at=clock.now(),
    )
    audit_record(actor=actor, action="recusal_request.file", subject=record, after=recusal_snapshot(record))
    return record


@transaction.atomic
def recusal_request_decide(*, actor, request_id: int, grant: bool, reason: str) -> RecusalRequest:
    """The agency head of the officer's agency grants or refuses with reasons; the enterprise is notified (R13).

    A department head alone is refused (R13, as approval in R07); another agency's request is NotFound.
    """
    record = (RecusalRequest.objects.select_for_update().select_related("enterprise", "officer", "agency")
              .filter(pk=id_or_404(request_id, "回避申请")).first())
    if record is None or actor_agency_id(actor) != record.agency_id:
        raise NotFound("回避申请不存在")
    if refusal := recusal_decider_refusal(actor):
        raise refusal
    target = RECUSAL.target(record.status, "grant" if grant else "refuse", str(record), role=actor.role)
    text = _reason_clean(reason, "reason", "请说明决定理由")
    before = recusal_snapshot(record)
    user_id, label, _ = actor_describe(actor)
    now = clock.now()
    record.status = target
    record.decision_reason = text
    record.decided_by, record.decided_by_user_id, record.decided_at = label, user_id, now
    # The result is on the enterprise's recusal page from this moment: that is the notification.
    record.notified_at = now
    record.save()
    audit_record(actor=actor, action="recusal_request.decide", subject=record, before=before,
                 after=recusal_snapshot(record), extra={"notified": "enterprise"})
    return record


# --- reads -----------------------------------------------------------------------------------------


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
    record = recusal_requests_for_actor(actor=actor).filter(pk=id_or_404(request_id, "回避申请")).first()
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


def recusal_requested_during(*, enterprise_id: int, officer_ids, start, end=None) -> bool:
    """Whether the enterprise asked between ``start`` and ``end`` (open-ended when None) that one of
    ``officer_ids`` be recused (what the 现场检查笔录 states about the visit).
    """
    qs = RecusalRequest.objects.filter(enterprise_id=enterprise_id, officer_id__in=list(officer_ids),
                                       filed_at__gte=start)
    if end is not None:
        qs = qs.filter(filed_at__lte=end)
    return qs.exists()
