"""Writes of recusal requests (R13): the enterprise files, the officer's agency head decides with reasons,
the enterprise is notified. Entry refusals (R29): the enterprise records an entry it refused, which raises
an alert. Every write is audited in its own transaction (R30).
"""

import datetime as dt

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    ValidationFailed,
)
from clearcheck.registry.models import Agency, Enterprise, Officer

from ..choices import RECUSAL_OPEN, RecusalStatus
from ..models import EntryRefusal, RecusalRequest
from ..selectors import MAX_ID
from ..workflows import RECUSAL

MAX_REASON = 2000
MAX_PLACE = 200
# Phones' clocks run a little ahead of the server's; a refusal "now" must not be refused as future.
CLOCK_SKEW = dt.timedelta(minutes=5)


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


def _id(value, label: str) -> int:
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise NotFound(f"{label}不存在") from None
    if not 0 < pk <= MAX_ID:
        raise NotFound(f"{label}不存在")
    return pk


@transaction.atomic
def recusal_request_file(*, actor, officer_id: int, reason: str) -> RecusalRequest:
    """An enterprise asks that an officer be excluded from inspecting it (R13); refused while one is open."""
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise PermissionDenied("只有企业账号可以为本企业申请回避")
    officer = Officer.objects.select_related("agency").filter(pk=_id(officer_id, "执法人员")).first()
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
              .filter(pk=_id(request_id, "回避申请")).first())
    if record is None or actor_agency_id(actor) != record.agency_id:
        raise NotFound("回避申请不存在")
    if actor_has_role(actor, Role.DEPARTMENT_HEAD):
        raise RuleViolation("R13", "内设机构负责人不能决定回避申请,须由行政执法机关负责人决定")
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


def entry_refusal_snapshot(record: EntryRefusal) -> dict:
    """What the audit trail keeps of an entry refusal."""
    return {
        "enterprise": record.enterprise_id, "agency": record.agency_id, "people": record.people,
        "occurred_at": record.occurred_at, "place": record.place, "feedback": record.feedback,
        "filed_by": record.filed_by, "filed_at": record.filed_at,
    }


def _text_clean(value, field: str, *, required: str | None, limit: int, errors: list[FieldError]) -> str:
    text = str(value or "").strip()
    if not text:
        if required:
            errors.append(FieldError(field, required))
    elif len(text) > limit:
        errors.append(FieldError(field, f"不超过 {limit} 个字符"))
    elif "\x00" in text:
        errors.append(FieldError(field, "含有无效字符"))
    return text


def _occurred_at_clean(value, errors: list[FieldError]) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        errors.append(FieldError("occurred_at", "请填写发生时间"))
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.LOCAL_TZ)  # a time as written on the spot, in Asia/Shanghai
    if value > clock.now() + CLOCK_SKEW:
        errors.append(FieldError("occurred_at", "发生时间不能晚于当前时间"))
    return value


@transaction.atomic
def entry_refusal_record(*, actor, agency_id=None, people: str, occurred_at, place: str = "",
                         feedback: str) -> EntryRefusal:
    """The enterprise records that it refused an entry that did not scan, with its feedback (R29, 四(八)).

    ``agency_id`` is the listed agency the visitors said they came from, if they said. Raises an R29 alert
    (high severity, to that agency when named) in the same transaction.
    """
    enterprise_id = actor_enterprise_id(actor)
    if not enterprise_id:
        raise PermissionDenied("只有企业账号可以记录本企业拒绝入企的情况")
    errors: list[FieldError] = []
    agency = None
    if agency_id not in (None, ""):
        try:
            pk = int(getattr(agency_id, "pk", agency_id))
        except (TypeError, ValueError):
            pk = 0
        if 0 < pk <= MAX_ID:
            agency = Agency.objects.filter(pk=pk, listed=True).first()
        if agency is None:
            errors.append(FieldError("agency_id", "请从已公布的行政检查主体中选择"))
    people_text = _text_clean(people, "people", required="请填写来访人员的姓名或执法证号", limit=MAX_REASON,
                              errors=errors)
    when = _occurred_at_clean(occurred_at, errors)
    place_text = _text_clean(place, "place", required=None, limit=MAX_PLACE, errors=errors)
    feedback_text = _text_clean(feedback, "feedback", required="请填写反馈意见", limit=MAX_REASON, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    enterprise = Enterprise.objects.get(pk=enterprise_id)
    user_id, label, _ = actor_describe(actor)
    record = EntryRefusal.objects.create(
        enterprise=enterprise, agency=agency, people=people_text, occurred_at=when, place=place_text,
        feedback=feedback_text, filed_by=label, filed_by_user_id=user_id, filed_at=clock.now(),
    )
    audit_record(actor=actor, action="entry_refusal.record", subject=record, after=entry_refusal_snapshot(record))
    alert_raise(
        rule_id="R29", subject=record, agency=agency, severity=Severity.HIGH, actor=actor,
        facts={
            "refusal": record.pk, "enterprise": enterprise.pk, "enterprise_name": enterprise.name,
            "agency": agency.pk if agency else None, "agency_name": agency.name if agency else "",
            "people": people_text, "occurred_at": when.isoformat(), "place": place_text, "feedback": feedback_text,
        },
    )
    return record
