"""Writes of entry refusals (R29): the enterprise records an entry it refused, which raises an alert. Every
write is audited in its own transaction (R30). (Recusal requests, R13, are registry's: ``registry.recusals``.)
"""

import datetime as dt

from django.db import transaction

from clearcheck.accounts.selectors import actor_enterprise_id
from clearcheck.alerts.choices import Severity
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import (
    FieldError,
    PermissionDenied,
    ValidationFailed,
)
from clearcheck.registry.models import Agency, Enterprise

from ..models import EntryRefusal
from ..selectors import MAX_ID

MAX_REASON = 2000
MAX_PLACE = 200
# Phones' clocks run a little ahead of the server's; a refusal "now" must not be refused as future.
CLOCK_SKEW = dt.timedelta(minutes=5)


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
