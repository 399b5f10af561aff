"""Special supervision writes (专项监督, 八(二十三)): open and conclude matters, directed handling (督办) and
the agency's reply, interviews (约谈), notices (通报, public once published) and referrals to discipline
(移送纪检监察). The bureau acts; an agency replies to its directives; discipline records receipt.
"""

import datetime as dt
import re

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.alerts.selectors import alert_get_for_actor, alert_list_for_actor
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed

from ..choices import MatterSource, NoticeKind
from ..models import Directive, Interview, Notice, Referral, SupervisionMatter
from ..workflows import (
    MATTER,
    NOTICE,
    NOTICE_DRAFT,
    NOTICE_PUBLISHED,
    REFERRAL,
    REFERRAL_RECEIVED,
    REFERRAL_SENT,
)

# A notice is public: it names agencies and conduct, never an enterprise employee's ID number or phone.
_PERSONAL_DATA = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


def _bureau_only(actor, what: str) -> None:
    if not actor.is_authenticated or actor.role != Role.BUREAU:
        raise PermissionDenied(f"只有司法局可以{what}")


def _required(errors: list, **fields) -> None:
    for name, value in fields.items():
        if not str(value or "").strip():
            errors.append(FieldError(name, "必填"))


def _agency(actor, agency_id, field: str = "agency_id"):
    from clearcheck.registry.selectors import agency_get_for_actor

    try:
        return agency_get_for_actor(actor=actor, agency_id=int(agency_id))
    except (NotFound, TypeError, ValueError):
        raise ValidationFailed(FieldError(field, "机关不存在")) from None


def _future_date(errors: list, field: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors.append(FieldError(field, "日期格式应为 YYYY-MM-DD"))
            return None
    if value < clock.local_today():
        errors.append(FieldError(field, "期限不能早于今天"))
    return value


def _matter_for_update(actor, matter_id: int) -> SupervisionMatter:
    from ..selectors import matter_get_for_actor

    matter = matter_get_for_actor(actor=actor, matter_id=matter_id)
    return SupervisionMatter.objects.select_for_update().get(pk=matter.pk)


def matter_snapshot(matter: SupervisionMatter) -> dict:
    """What the audit trail records of a matter."""
    return {"title": matter.title, "agency": matter.agency_id, "summary": matter.summary, "source": matter.source,
            "alert": matter.alert_id, "source_type": matter.source_type, "source_id": matter.source_id,
            "status": matter.status, "deadline": matter.deadline, "conclusion": matter.conclusion}


@transaction.atomic
def matter_open(*, actor, title: str, summary: str, agency_id: int | None = None, deadline=None,
                alert_id: int | None = None, source_type: str = "", source_id: str = "") -> SupervisionMatter:
    """Open a supervision matter (bureau): from an alert, from another record (e.g. a complaint) or on the
    bureau's own initiative. An alert's agency is the matter's agency unless another is named.
    """
    _bureau_only(actor, "立项督办事项")
    errors: list[FieldError] = []
    _required(errors, title=title, summary=summary)
    deadline = _future_date(errors, "deadline", deadline)
    if bool(source_type) != bool(str(source_id or "").strip()):
        errors.append(FieldError("source_id", "来源类型与来源编号须同时填写"))
    if errors:
        raise ValidationFailed(errors)
    alert = alert_get_for_actor(actor=actor, alert_id=alert_id) if alert_id else None
    agency = _agency(actor, agency_id) if agency_id else (alert.agency if alert else None)
    source = MatterSource.ALERT if alert else (MatterSource.COMPLAINT if source_type else MatterSource.INITIATIVE)
    matter = SupervisionMatter.objects.create(
        title=title.strip(), summary=summary.strip(), agency=agency, deadline=deadline, alert=alert, source=source,
        source_type=source_type or "", source_id=str(source_id or "").strip(), opened_by=actor_label(actor),
        opened_at=clock.now(),
    )
    audit_record(actor=actor, action="supervision_matter.open", subject=matter, after=matter_snapshot(matter))
    return matter


@transaction.atomic
def matter_conclude(*, actor, matter_id: int, conclusion: str) -> SupervisionMatter:
    """Conclude a matter with what came of it (bureau)."""
    if not (conclusion or "").strip():
        raise ValidationFailed(FieldError("conclusion", "请填写办结情况"))
    matter = _matter_for_update(actor, matter_id)
    before = matter.status
    matter.status = MATTER.target(matter.status, "conclude", matter.title, role=actor.role)
    matter.conclusion = conclusion.strip()
    matter.concluded_at = clock.now()
    matter.save(update_fields=["status", "conclusion", "concluded_at"])
    audit_record(actor=actor, action="supervision_matter.conclude", subject=matter, before={"status": before},
                 after={"status": matter.status, "conclusion": matter.conclusion})
    return matter


@transaction.atomic
def directive_issue(*, actor, matter_id: int, instruction: str, deadline, agency_id: int | None = None) -> Directive:
    """督办: instruct an agency (the matter's, unless another is named) to handle the matter by a deadline."""
    matter = _matter_for_update(actor, matter_id)
    _bureau_only(actor, "督办")
    errors: list[FieldError] = []
    _required(errors, instruction=instruction, deadline=deadline)
    deadline = _future_date(errors, "deadline", deadline)
    if not agency_id and matter.agency_id is None:
        errors.append(FieldError("agency_id", "请选择承办机关"))
    if errors:
        raise ValidationFailed(errors)
    agency = _agency(actor, agency_id) if agency_id else matter.agency
    before = matter.status
    matter.status = MATTER.target(matter.status, "handle", matter.title, role=actor.role)
    matter.save(update_fields=["status"])
    directive = Directive.objects.create(matter=matter, agency=agency, instruction=instruction.strip(),
                                         deadline=deadline, issued_by=actor_label(actor), issued_at=clock.now())
    audit_record(actor=actor, action="directive.issue", subject=directive, before={"matter_status": before},
                 after={"matter": matter.pk, "agency": agency.pk, "instruction": directive.instruction,
                        "deadline": deadline, "matter_status": matter.status})
    return directive


@transaction.atomic
def directive_reply(*, actor, directive_id: int, reply: str) -> Directive:
    """The agency (its admin or head) replies to a directive with its handling result, once."""
    from ..selectors import directive_get_for_actor

    if not (reply or "").strip():
        raise ValidationFailed(FieldError("reply", "请填写办理结果"))
    directive = directive_get_for_actor(actor=actor, directive_id=directive_id)
    if actor.role not in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) or actor.agency_id != directive.agency_id:
        raise PermissionDenied("只有承办机关的管理员或负责人可以回复督办")
    directive = Directive.objects.select_for_update().get(pk=directive.pk)
    if directive.replied_at is not None:
        raise Conflict("该督办已回复")
    MATTER.editable_check(directive.matter.status, directive.matter.title)
    directive.reply = reply.strip()
    directive.replied_by = actor_label(actor)
    directive.replied_at = clock.now()
    directive.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(actor=actor, action="directive.reply", subject=directive,
                 after={"reply": directive.reply, "late": clock.local_today() > directive.deadline})
    return directive


@transaction.atomic
def interview_record(*, actor, matter_id: int, agency_id: int, interviewees: str, held_at, place: str,
                     record_summary: str, officer_id: int | None = None) -> Interview:
    """约谈: record who of an agency (its head, or a named officer) was interviewed, when, where, and the record."""
    matter = _matter_for_update(actor, matter_id)
    _bureau_only(actor, "记录约谈")
    MATTER.editable_check(matter.status, matter.title)
    errors: list[FieldError] = []
    _required(errors, interviewees=interviewees, place=place, record_summary=record_summary, held_at=held_at)
    if isinstance(held_at, str) and held_at:
        try:
            held_at = dt.datetime.fromisoformat(held_at)
        except ValueError:
            errors.append(FieldError("held_at", "时间格式应为 YYYY-MM-DDTHH:MM"))
    if isinstance(held_at, dt.datetime) and held_at.tzinfo is None:
        held_at = held_at.replace(tzinfo=clock.LOCAL_TZ)  # a time an official writes is Shanghai time
    if errors:
        raise ValidationFailed(errors)
    agency = _agency(actor, agency_id)
    officer = None
    if officer_id:
        officer = agency.officers.filter(pk=officer_id).first()
        if officer is None:
            raise ValidationFailed(FieldError("officer_id", "该执法人员不属于被约谈机关"))
    interview = Interview.objects.create(
        matter=matter, agency=agency, officer=officer, interviewees=interviewees.strip(), held_at=held_at,
        place=place.strip(), record_summary=record_summary.strip(), recorded_by=actor_label(actor),
        recorded_at=clock.now(),
    )
    audit_record(actor=actor, action="interview.record", subject=interview,
                 after={"matter": matter.pk, "agency": agency.pk, "officer": officer_id,
                        "interviewees": interview.interviewees, "held_at": held_at, "place": interview.place,
                        "record_summary": interview.record_summary})
    return interview


def _notice_check(errors: list, *, kind: str, title: str, body: str) -> None:
    _required(errors, title=title, body=body)
    if kind not in NoticeKind.values:
        errors.append(FieldError("kind", "请选择表扬或批评"))
    if _PERSONAL_DATA.search(f"{title} {body}"):
        errors.append(FieldError("body", "通报不得包含身份证号、手机号等个人信息"))
    _individual_business_check(errors, f"{title}\n{body}")


def _individual_business_check(errors: list, text: str) -> None:
    """ADR 0017: a notice never names an individual business (its name and USCC identify a natural person)."""
    from ..selectors.matters import individual_businesses_named

    named = individual_businesses_named(text)
    if named:
        errors.append(FieldError("body", f"通报不得公开个体工商户的名称或统一社会信用代码(属于个人信息):“{named[0]}”;"
                                         "请改称“某个体工商户”"))


def notice_snapshot(notice: Notice) -> dict:
    """What the audit trail records of a notice."""
    return {"matter": notice.matter_id, "agency": notice.agency_id, "kind": notice.kind, "title": notice.title,
            "body": notice.body, "corrects": notice.corrects_id, "published": notice.published}


@transaction.atomic
def notice_draft(*, actor, kind: str, title: str, body: str, matter_id: int | None = None,
                 agency_id: int | None = None, corrects_id: int | None = None) -> Notice:
    """Draft a notice (通报) of a good or bad example; a correction names the published notice it corrects."""
    _bureau_only(actor, "起草通报")
    matter = None
    if matter_id:
        matter = _matter_for_update(actor, matter_id)
        MATTER.editable_check(matter.status, matter.title)
    errors: list[FieldError] = []
    _notice_check(errors, kind=kind, title=title, body=body)
    corrects = None
    if corrects_id:
        corrects = Notice.objects.filter(pk=corrects_id, published=True).first()
        if corrects is None:
            errors.append(FieldError("corrects_id", "只能更正已公开的通报"))
    if errors:
        raise ValidationFailed(errors)
    agency = _agency(actor, agency_id) if agency_id else (matter.agency if matter else None)
    notice = Notice.objects.create(matter=matter, agency=agency, kind=kind, title=title.strip(), body=body.strip(),
                                   corrects=corrects, created_by=actor_label(actor), created_at=clock.now())
    audit_record(actor=actor, action="notice.draft", subject=notice, after=notice_snapshot(notice))
    return notice


@transaction.atomic
def notice_update(*, actor, notice_id: int, kind: str, title: str, body: str) -> Notice:
    """Edit a draft notice; a published one is immutable (publish a correction instead)."""
    _bureau_only(actor, "修改通报")
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("通报不存在")
    NOTICE.editable_check(NOTICE_PUBLISHED if notice.published else NOTICE_DRAFT, notice.title)
    errors: list[FieldError] = []
    _notice_check(errors, kind=kind, title=title, body=body)
    if errors:
        raise ValidationFailed(errors)
    before = notice_snapshot(notice)
    notice.kind, notice.title, notice.body = kind, title.strip(), body.strip()
    notice.save(update_fields=["kind", "title", "body"])
    audit_record(actor=actor, action="notice.update", subject=notice, before=before, after=notice_snapshot(notice))
    return notice


@transaction.atomic
def notice_publish(*, actor, notice_id: int) -> Notice:
    """Publish a notice on the public site (bureau); from then on it is immutable."""
    from ..selectors import notice_get_for_actor

    notice = notice_get_for_actor(actor=actor, notice_id=notice_id)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    NOTICE.target(NOTICE_PUBLISHED if notice.published else NOTICE_DRAFT, "publish", notice.title, role=actor.role)
    errors: list[FieldError] = []
    _individual_business_check(errors, f"{notice.title}\n{notice.body}")  # a draft written before the rule too
    if errors:
        raise ValidationFailed(errors)
    notice.published = True
    notice.published_by = actor_label(actor)
    notice.published_at = clock.now()
    notice.save(update_fields=["published", "published_by", "published_at"])
    audit_record(actor=actor, action="notice.publish", subject=notice, before={"published": False},
                 after={**notice_snapshot(notice), "published_at": notice.published_at})
    return notice


@transaction.atomic
def referral_create(*, actor, matter_id: int, clue: str, officer_ids: list[int], evidence: str = "",
                    alert_ids: list[int] | None = None) -> Referral:
    """移送纪检监察 (八(二十三)): refer a clue of officer misconduct with its evidence (linked alerts, a text)."""
    from clearcheck.registry.models import Officer

    matter = _matter_for_update(actor, matter_id)
    _bureau_only(actor, "移送纪检监察")
    MATTER.editable_check(matter.status, matter.title)
    errors: list[FieldError] = []
    _required(errors, clue=clue)
    officer_ids = sorted({int(i) for i in officer_ids or []})
    alert_ids = sorted({int(i) for i in alert_ids or []})
    officers = list(Officer.objects.filter(pk__in=officer_ids))
    if not officer_ids:
        errors.append(FieldError("officer_ids", "请至少指明一名涉及的执法人员"))
    elif len(officers) != len(officer_ids):
        errors.append(FieldError("officer_ids", "执法人员不存在"))
    alerts = list(alert_list_for_actor(actor=actor).filter(pk__in=alert_ids))
    if len(alerts) != len(alert_ids):
        errors.append(FieldError("alert_ids", "预警不存在"))
    if errors:
        raise ValidationFailed(errors)
    agencies = {o.agency_id for o in officers}
    referral = Referral.objects.create(
        matter=matter, agency_id=agencies.pop() if len(agencies) == 1 else matter.agency_id, clue=clue.strip(),
        evidence=(evidence or "").strip(), referred_by=actor_label(actor), referred_at=clock.now(),
    )
    referral.officers.set(officers)
    referral.alerts.set(alerts)
    audit_record(actor=actor, action="referral.create", subject=referral,
                 after={"matter": matter.pk, "officers": officer_ids, "alerts": alert_ids, "clue": referral.clue,
                        "evidence": referral.evidence})
    return referral


@transaction.atomic
def referral_receive(*, actor, referral_id: int, note: str = "") -> Referral:
    """Discipline records receipt of a referral (已接收)."""
    from ..selectors import referral_get_for_actor

    referral = referral_get_for_actor(actor=actor, referral_id=referral_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    REFERRAL.target(REFERRAL_RECEIVED if referral.received_at else REFERRAL_SENT, "receive", role=actor.role)
    referral.received_by = actor_label(actor)
    referral.received_at = clock.now()
    referral.receipt_note = (note or "").strip()
    referral.save(update_fields=["received_by", "received_at", "receipt_note"])
    audit_record(actor=actor, action="referral.receive", subject=referral, before={"state": REFERRAL_SENT},
                 after={"state": REFERRAL_RECEIVED, "note": referral.receipt_note})
    return referral
