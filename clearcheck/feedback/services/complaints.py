"""Complaints (投诉举报): received from the portal, the bureau's hand (工商联, contact points, social
supervisors) and the 12345 hotline; accepted or rejected by the bureau, forwarded to an agency that
reports its handling, replied to and closed. Transitions in ``workflows.COMPLAINT``.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_enterprise_id, actor_has_role
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import model_text_limit, text_field, text_length_problem
from clearcheck.planning.calendar import Deadline, working_days_deadline
from clearcheck.registry.models import Agency, Enterprise
from clearcheck.registry.validators import uscc_clean

from ..choices import MANUAL_CHANNELS, Channel
from ..models import Complaint
from ..selectors import complaint_get_for_actor
from ..workflows import COMPLAINT

MAX_TEXT = 4000
MAX_REF = 64
# (work-order field, model, column) of the hotline's short texts: the column's max_length is the limit.
_HOTLINE_COLUMNS = (
    ("caller_name", Complaint, "complainant_name"), ("caller_phone", Complaint, "complainant_contact"),
    ("subject", Complaint, "subject"), ("agency_name", Agency, "name"),
)


def complaint_days() -> int:
    """Working days (by the official calendar) the bureau has to reply; CLEARCHECK_COMPLAINT_DAYS, default 15."""
    return int(getattr(settings, "CLEARCHECK_COMPLAINT_DAYS", 15))


def complaint_deadline(received_at: dt.datetime) -> Deadline:
    """The last day to reply: ``complaint_days()`` working days after the local day it was received, flagged
    provisional when it reaches into a year whose calendar is not loaded (issue 20).
    """
    return working_days_deadline(received_at.astimezone(clock.LOCAL_TZ).date(), complaint_days())


def _snapshot(c: Complaint) -> dict:
    return {"status": c.status, "handling_agency": c.handling_agency_id, "deadline": c.deadline}


def _agency(agency_id, field: str = "agency_id") -> Agency | None:
    if agency_id in (None, ""):
        return None
    try:
        return Agency.objects.get(pk=int(agency_id))
    except (TypeError, ValueError, Agency.DoesNotExist):
        raise ValidationFailed(FieldError(field, "执法机关不存在")) from None


def _enterprise(enterprise_id, field: str = "enterprise_id") -> Enterprise | None:
    if enterprise_id in (None, ""):
        return None
    try:
        return Enterprise.objects.get(pk=int(enterprise_id))
    except (TypeError, ValueError, Enterprise.DoesNotExist):
        raise ValidationFailed(FieldError(field, "企业不存在")) from None


EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _create(*, actor, channel: str, fields: dict, received_at: dt.datetime | None,
            field: str = "received_at") -> Complaint:
    received = clock.to_utc(received_at) if received_at is not None else clock.now()
    if received is None or received < EARLIEST:
        raise ValidationFailed(FieldError(field, "时间不正确:请填写 2000 年以后、含时区的时间"))
    if received > clock.now() + dt.timedelta(minutes=5):
        raise ValidationFailed(FieldError(field, "收到时间不能晚于现在"))
    try:
        with transaction.atomic():
            deadline, provisional = complaint_deadline(received)
            complaint = Complaint.objects.create(channel=channel, received_at=received,
                                                 deadline=deadline, deadline_provisional=provisional,
                                                 recorded_by=_actor_label(actor), **fields)
    except IntegrityError as exc:
        raise Conflict(f"{Channel(channel).label}编号“{fields.get('external_ref')}”已登记") from exc
    audit_record(actor=actor, action="complaint.receive", subject=complaint,
                 after={"channel": channel, "subject": complaint.subject, "external_ref": complaint.external_ref,
                        "enterprise": complaint.enterprise_id, "agency": complaint.agency_id,
                        "received_at": received, "deadline": complaint.deadline,
                        "deadline_provisional": complaint.deadline_provisional})
    return complaint


def _actor_label(actor) -> str:
    from clearcheck.audit.services import actor_label

    return actor_label(actor)[:150]


@transaction.atomic
def complaint_receive(*, actor, subject: str, content: str, channel: str | None = None,
                      complainant_name: str = "", complainant_contact: str = "", enterprise_id=None,
                      agency_id=None, officer_named: str = "", received_at: dt.datetime | None = None,
                      external_ref: str = "") -> Complaint:
    """Register a complaint: an enterprise on the portal (about itself, channel "portal"), or the bureau
    recording one from 工商联, a contact point or a social supervisor.
    """
    fields = {
        "subject": text_field(subject, "subject", limit=200, missing="请填写投诉事项"),
        "content": text_field(content, "content", limit=MAX_TEXT, missing="请填写投诉内容"),
        "complainant_name": text_field(complainant_name, "complainant_name", limit=100),
        "complainant_contact": text_field(complainant_contact, "complainant_contact", limit=100),
        "officer_named": text_field(officer_named, "officer_named", limit=200),
        "agency": _agency(agency_id),
    }
    if own := actor_enterprise_id(actor):
        fields.update(complainant_enterprise_id=own, enterprise_id=own)
        # The complainant is a person or the enterprise, never a login name (issue 19).
        fields["complainant_name"] = (fields["complainant_name"] or getattr(actor, "display_name", "")
                                      or actor.get_full_name() or actor.enterprise.name)[:100]
        return _create(actor=actor, channel=Channel.PORTAL, fields=fields, received_at=None)
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied("只有司法局登记工商联、企业联系点、社会监督员转来的投诉举报")
    if channel not in MANUAL_CHANNELS:
        labels = "、".join(str(Channel(c).label) for c in MANUAL_CHANNELS)
        raise ValidationFailed(FieldError("channel", f"请选择来源渠道({labels})"))
    if not fields["complainant_name"]:
        raise ValidationFailed(FieldError("complainant_name", "请填写投诉人或转办单位"))
    fields["enterprise"] = _enterprise(enterprise_id)
    fields["external_ref"] = text_field(external_ref, "external_ref", limit=MAX_REF)
    return _create(actor=actor, channel=channel, fields=fields, received_at=received_at)


def hotline_payload(*, work_order_no, called_at, caller_name="", caller_phone="", enterprise_uscc="",
                    agency_name="", subject="", content="") -> dict:
    """A hotline work order, normalised (what its fingerprint is taken over)."""
    return {"work_order_no": str(work_order_no or "").strip(), "called_at": called_at,
            "caller_name": str(caller_name or "").strip(), "caller_phone": str(caller_phone or "").strip(),
            "enterprise_uscc": str(enterprise_uscc or "").strip().upper(),
            "agency_name": str(agency_name or "").strip(), "subject": str(subject or "").strip(),
            "content": str(content or "").strip()}


@transaction.atomic
def complaint_from_hotline(*, actor, work_order_no: str, called_at: dt.datetime, caller_name: str = "",
                           caller_phone: str = "", enterprise_uscc: str = "", agency_name: str = "",
                           subject: str = "", content: str = "") -> tuple[Complaint, bool]:
    """Register a 12345 work order; idempotent on its number: the same order again returns the same
    complaint (``created`` False, nothing written), a changed order under the same number is a Conflict.
    """
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied("只有司法局(或其接口账号)可以登记12345热线工单")
    if not isinstance(called_at, dt.datetime) or clock.to_utc(called_at) is None:
        raise ValidationFailed(FieldError("called_at", "请填写来电时间(含时区)"))
    payload = hotline_payload(work_order_no=work_order_no, called_at=called_at, caller_name=caller_name,
                              caller_phone=caller_phone, enterprise_uscc=enterprise_uscc,
                              agency_name=agency_name, subject=subject, content=content)
    ref = text_field(payload["work_order_no"], "work_order_no", limit=MAX_REF, missing="请填写工单编号")
    fingerprint = hashlib.sha256(canonical_text(payload).encode()).hexdigest()
    existing = Complaint.objects.filter(channel=Channel.HOTLINE, external_ref=ref).first()
    if existing is not None:
        if existing.payload_hash != fingerprint:
            raise Conflict(f"工单编号“{ref}”已登记为投诉举报 #{existing.pk},本次内容与已登记的不同")
        return existing, False
    errors: list[FieldError] = []
    enterprise = None
    if payload["enterprise_uscc"]:
        code, problem = uscc_clean(payload["enterprise_uscc"], "enterprise_uscc")
        if problem:
            errors.append(problem)
        elif (enterprise := Enterprise.objects.filter(uscc=code).first()) is None:
            errors.append(FieldError("enterprise_uscc", f"统一社会信用代码 {code} 未登记"))
    text = payload["content"]
    if not text:
        errors.append(FieldError("content", "请填写诉求内容"))
    elif problem := text_length_problem(text, MAX_TEXT):
        errors.append(FieldError("content", problem))
    # Each field is refused when longer than the column it fills, never cut (issue 20).
    for name, model, column in _HOTLINE_COLUMNS:
        if problem := text_length_problem(payload[name], model_text_limit(model, column)):
            errors.append(FieldError(name, problem))
    if errors:
        raise ValidationFailed(errors)
    agency = Agency.objects.filter(name=payload["agency_name"]).first() if payload["agency_name"] else None
    if payload["agency_name"] and agency is None:
        text = f"(涉及单位:{payload['agency_name']})\n{text}"  # kept for the bureau, not matched to an agency
    fields = {"external_ref": ref, "payload_hash": fingerprint, "complainant_name": payload["caller_name"],
              "complainant_contact": payload["caller_phone"], "enterprise": enterprise, "agency": agency,
              # Without a subject, the start of the content stands for it (a summary, not the input cut).
              "subject": payload["subject"] or payload["content"][:60], "content": text}
    try:
        with transaction.atomic():
            return _create(actor=actor, channel=Channel.HOTLINE, fields=fields, received_at=called_at,
                           field="called_at"), True
    except Conflict:
        # The same number registered at the same moment by another request: answer as a repeat would.
        existing = Complaint.objects.get(channel=Channel.HOTLINE, external_ref=ref)
        if existing.payload_hash != fingerprint:
            raise
        return existing, False


# --- the workflow ---------------------------------------------------------------------------------

def _locked(actor, complaint_id) -> Complaint:
    complaint = complaint_get_for_actor(actor=actor, complaint_id=complaint_id)
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _step(actor, complaint: Complaint, action: str) -> tuple[dict, str]:
    before = _snapshot(complaint)
    return before, COMPLAINT.target(complaint.status, action, str(complaint.pk), role=actor.role)


def _save(actor, complaint: Complaint, action: str, before: dict, fields: list[str], **extra) -> Complaint:
    complaint.save(update_fields=["status", *fields])
    audit_record(actor=actor, action=f"complaint.{action}", subject=complaint, before=before,
                 after={**_snapshot(complaint), **extra})
    return complaint


@transaction.atomic
def complaint_accept(*, actor, complaint_id) -> Complaint:
    """The bureau accepts a received complaint."""
    complaint = _locked(actor, complaint_id)
    before, complaint.status = _step(actor, complaint, "accept")
    return _save(actor, complaint, "accept", before, [])


@transaction.atomic
def complaint_forward(*, actor, complaint_id, agency_id) -> Complaint:
    """The bureau forwards an accepted complaint to an agency, which then sees it and reports its handling."""
    complaint = _locked(actor, complaint_id)
    before, complaint.status = _step(actor, complaint, "forward")
    agency = _agency(agency_id)
    if agency is None:
        raise ValidationFailed(FieldError("agency_id", "请选择承办机关"))
    complaint.handling_agency, complaint.forwarded_at = agency, clock.now()
    complaint.handling_result, complaint.handled_at = "", None
    return _save(actor, complaint, "forward", before, ["handling_agency", "forwarded_at", "handling_result",
                                                       "handled_at"])


@transaction.atomic
def complaint_report(*, actor, complaint_id, result: str) -> Complaint:
    """The agency a complaint was forwarded to (its admin or head) writes its handling result."""
    complaint = _locked(actor, complaint_id)
    if not (actor_has_role(actor, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
            and complaint.handling_agency_id and actor_agency_id(actor) == complaint.handling_agency_id):
        raise PermissionDenied("只有承办机关的管理员或负责人可以填报办理结果")
    before, complaint.status = _step(actor, complaint, "report")
    complaint.handling_result = text_field(result, "result", limit=MAX_TEXT, missing="请填写办理结果")
    complaint.handled_at = clock.now()
    return _save(actor, complaint, "report", before, ["handling_result", "handled_at"],
                 result=complaint.handling_result)


@transaction.atomic
def complaint_reply(*, actor, complaint_id, reply: str) -> Complaint:
    """The bureau replies to the complainant (visible to the enterprise on the portal)."""
    complaint = _locked(actor, complaint_id)
    before, complaint.status = _step(actor, complaint, "reply")
    complaint.reply = text_field(reply, "reply", limit=MAX_TEXT, missing="请填写答复内容")
    complaint.replied_at = clock.now()
    return _save(actor, complaint, "reply", before, ["reply", "replied_at"], reply=complaint.reply)


@transaction.atomic
def complaint_close(*, actor, complaint_id) -> Complaint:
    """The bureau closes a replied complaint."""
    complaint = _locked(actor, complaint_id)
    before, complaint.status = _step(actor, complaint, "close")
    complaint.closed_at = clock.now()
    return _save(actor, complaint, "close", before, ["closed_at"])


@transaction.atomic
def complaint_reject(*, actor, complaint_id, reason: str) -> Complaint:
    """The bureau rejects a complaint outside its scope, with the reason (which is the reply)."""
    complaint = _locked(actor, complaint_id)
    before, complaint.status = _step(actor, complaint, "reject")
    complaint.rejection_reason = text_field(reason, "reason", limit=MAX_TEXT, missing="请填写不予受理的理由")
    complaint.reply, complaint.replied_at = complaint.rejection_reason, clock.now()
    complaint.closed_at = complaint.replied_at
    return _save(actor, complaint, "reject", before, ["rejection_reason", "reply", "replied_at", "closed_at"],
                 reason=complaint.rejection_reason)


def complaint_actions(actor, complaint: Complaint) -> list[tuple[str, str]]:
    """The workflow buttons open to the actor on this complaint."""
    actions = COMPLAINT.actions_for(complaint.status, actor.role)
    may_report = (actor_has_role(actor, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
                  and complaint.handling_agency_id and actor_agency_id(actor) == complaint.handling_agency_id)
    return [(a, label) for a, label in actions if a != "report" or may_report]

