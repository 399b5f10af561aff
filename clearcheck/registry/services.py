"""Registry writes: agencies and their versions, the agency list workflow (R01), officers (R12) and
enterprises (一企一档). Every service runs in one transaction with its audit event (R30); a refusal
names the field and leaves nothing written.
"""

import hashlib
import json

from django.db import IntegrityError, transaction

from clearcheck.accounts.choices import AGENCY_ROLES, Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed

from . import workflows
from .choices import AgencyKind, AgencyListStatus, AgencyStatus, RegisterAuthority
from .models import Agency, AgencyList, AgencyVersion, Enterprise, EnterpriseNote, Industry, Officer, Region
from .rules import enterprise_register_refusal, enterprise_register_scope
from .selectors import enterprise_get_for_actor
from .validators import enterprise_clean, officer_clean

AGENCY_FIELDS = ("code", "name", "kind", "legal_basis", "region", "parent", "status", "register_authorities")
OFFICER_FIELDS = ("name", "credential_no", "valid_from", "valid_to", "status", "personnel_type")
ENTERPRISE_FIELDS = (
    "uscc", "name", "entity_type", "legal_representative", "address", "region", "industry",
    "latitude", "longitude", "coordinate_datum", "status",
)
_COORDINATE_FIELDS = ("latitude", "longitude", "coordinate_datum")
AGENCY_NOTE_ROLES = tuple(AGENCY_ROLES)


class CodeLookup:
    """A container of the codes of a reference table that asks the database on ``in``."""

    def __init__(self, model):
        self.model = model

    def __contains__(self, code) -> bool:
        return bool(code) and self.model.objects.filter(pk=str(code)).exists()


def _unknown_fields(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationFailed([FieldError(name, "不能修改或不存在的字段") for name in unknown])
    # PostgreSQL text cannot hold NUL; refuse it by field rather than fail in the database.
    bad = [FieldError(name, "不得包含控制字符 NUL") for name, value in fields.items()
           if isinstance(value, str) and "\x00" in value]
    if bad:
        raise ValidationFailed(bad)


def _saved(instance, *, field: str, message: str, update_fields: list[str] | None = None) -> None:
    # The unique constraint is the final word when two writers race past the check before it.
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationFailed(FieldError(field, message))


# --- Agencies -------------------------------------------------------------------------------------


def _bureau_only(actor, what: str) -> None:
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied(f"只有司法局可以{what}")


def agency_state(agency: Agency) -> dict:
    """The recorded fields of an agency (what a version snapshot and the audit trail keep)."""
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "legal_basis": agency.legal_basis,
        "region": agency.region_id,
        "parent": agency.parent.code if agency.parent_id else None,
        "status": agency.status,
        "register_authorities": agency.register_authorities,
    }


def _register_authorities_clean(value, instance: Agency | None) -> tuple[str, list[FieldError]]:
    """"9", "9,Y", ["9", "Y"] → "9Y": known codes, once each, each kept by one agency only (ADR 0018)."""
    if isinstance(value, (list, tuple, set)):
        parts = [str(v) for v in value]
    else:
        parts = list(str(value or "").replace(",", "").replace(",", "").replace(" ", "").upper())
    codes = "".join(sorted({p.strip().upper() for p in parts if p.strip()}))
    unknown = [c for c in codes if c not in RegisterAuthority.values]
    if unknown:
        return codes, [FieldError("register_authorities", "登记管理部门代码无效:" + "、".join(unknown) + ",可选:"
                                  + "、".join(f"{v}({lbl})" for v, lbl in RegisterAuthority.choices))]
    others = Agency.objects.exclude(pk=instance.pk) if instance else Agency.objects.all()
    for code in codes:
        keeper = others.filter(register_authorities__contains=code).first()
        if keeper is not None:
            return codes, [FieldError("register_authorities",
                                      f"“{RegisterAuthority(code).label}”登记已由{keeper.name}维护,一个登记只能由一个机关维护")]
    return codes, []


def _agency_clean(data: dict, *, instance: Agency | None) -> tuple[dict, list[FieldError]]:
    errors: list[FieldError] = []
    code = str(data.get("code") or "").strip()
    name = str(data.get("name") or "").strip()
    legal_basis = str(data.get("legal_basis") or "").strip()
    others = Agency.objects.exclude(pk=instance.pk) if instance else Agency.objects.all()
    if not code:
        errors.append(FieldError("code", "主体编码不能为空"))
    elif len(code) > 32:
        errors.append(FieldError("code", "主体编码不得超过32位"))
    elif others.filter(code=code).exists():
        errors.append(FieldError("code", f"主体编码“{code}”已被使用"))
    if not name:
        errors.append(FieldError("name", "名称不能为空"))
    elif len(name) > 128:
        errors.append(FieldError("name", "名称不得超过128字"))
    elif others.filter(name=name).exists():
        errors.append(FieldError("name", f"名称“{name}”已被使用"))
    kind = str(data.get("kind") or "")
    kind = {str(label): value for value, label in AgencyKind.choices}.get(kind, kind)
    if kind not in AgencyKind.values:
        errors.append(FieldError("kind", "主体类别无效,可选:" + "、".join(f"{v}({lbl})" for v, lbl in AgencyKind.choices)))
    if not legal_basis:
        errors.append(FieldError("legal_basis", "须载明法定依据"))
    status = str(data.get("status") or AgencyStatus.ACTIVE)
    if status not in AgencyStatus.values:
        errors.append(FieldError("status", "状态无效,可选:" + "、".join(f"{v}({lbl})" for v, lbl in AgencyStatus.choices)))
    region = data.get("region")
    region_code = region.pk if isinstance(region, Region) else str(region or "").strip()
    if region_code not in CodeLookup(Region):
        errors.append(FieldError("region", f"行政区划代码“{region_code}”不在 GB/T 2260 代码表中"))
    parent = data.get("parent")
    parent_obj = None
    if parent not in (None, ""):
        parent_id = parent.pk if isinstance(parent, Agency) else parent
        parent_obj = Agency.objects.filter(pk=parent_id).first() if str(parent_id).isdigit() else None
        if parent_obj is None:
            errors.append(FieldError("parent", "上级机关不存在"))
        elif instance is not None and _is_descendant_or_self(parent_obj, instance):
            errors.append(FieldError("parent", "上级机关不能是本机关或其下级机关"))
    authorities, authority_errors = _register_authorities_clean(data.get("register_authorities"), instance)
    errors.extend(authority_errors)
    cleaned = {"code": code, "name": name, "kind": kind, "legal_basis": legal_basis, "region_id": region_code,
               "parent": parent_obj, "status": status, "register_authorities": authorities}
    return cleaned, errors


def _is_descendant_or_self(candidate: Agency, agency: Agency) -> bool:
    seen = set()
    node = candidate
    while node is not None and node.pk not in seen:
        if node.pk == agency.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def _agency_version_write(*, actor, agency: Agency, reason: str) -> AgencyVersion:
    return AgencyVersion.objects.create(
        agency=agency, number=agency.version, snapshot=canonical_text(agency_state(agency)), reason=reason,
        changed_by=actor_label(actor), changed_at=clock.now(),
    )


@transaction.atomic
def agency_create(
    *, actor, code: str, name: str, kind: str, legal_basis: str, region, parent=None, reason: str,
    register_authorities="",
) -> Agency:
    """Confirm a new inspection body (R01: a version with who, when and why). Bureau only. An agency that keeps
    a register of market entities names it in ``register_authorities`` (ADR 0018).
    """
    _bureau_only(actor, "确认行政检查主体")
    data = {"code": code, "name": name, "kind": kind, "legal_basis": legal_basis, "region": region, "parent": parent,
            "register_authorities": register_authorities}
    _unknown_fields({**data, "reason": reason}, (*AGENCY_FIELDS, "reason"))
    cleaned, errors = _agency_clean(data, instance=None)
    if not (reason or "").strip():
        errors.append(FieldError("reason", "请填写变更理由"))
    if errors:
        raise ValidationFailed(errors)
    agency = Agency(**cleaned, version=1)
    _saved(agency, field="code", message="主体编码或名称已被使用")
    _agency_version_write(actor=actor, agency=agency, reason=reason.strip())
    audit_record(actor=actor, action="agency.create", subject=agency, after=agency_state(agency),
                 extra={"reason": reason.strip(), "version": agency.version})
    return agency


@transaction.atomic
def agency_update(*, actor, agency_id: int, reason: str, **fields) -> Agency:
    """Change an agency; the change is kept as a new version with its reason (R01). Bureau only."""
    _bureau_only(actor, "调整行政检查主体")
    _unknown_fields(fields, AGENCY_FIELDS)
    _unknown_fields({"reason": reason}, ("reason",))
    agency = Agency.objects.select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("行政检查主体不存在")
    before = agency_state(agency)
    data = {**before, "region": agency.region_id, "parent": agency.parent_id, **fields}
    cleaned, errors = _agency_clean(data, instance=agency)
    if not (reason or "").strip():
        errors.append(FieldError("reason", "请填写变更理由"))
    if errors:
        raise ValidationFailed(errors)
    for key, value in cleaned.items():
        setattr(agency, key, value)
    if agency_state(agency) == before:
        return agency  # nothing changed: no new version
    agency.version += 1
    _saved(agency, field="code", message="主体编码或名称已被使用")
    _agency_version_write(actor=actor, agency=agency, reason=reason.strip())
    audit_record(actor=actor, action="agency.update", subject=agency, before=before, after=agency_state(agency),
                 extra={"reason": reason.strip(), "version": agency.version})
    return agency


# --- The agency list (报县政府审定后向社会公告) ---------------------------------------------------------


def agency_list_entries() -> list[dict]:
    """The active agencies as a list version records them, sorted by code."""
    agencies = Agency.objects.filter(status=AgencyStatus.ACTIVE).select_related("parent").order_by("code")
    return [
        {"code": a.code, "name": a.name, "kind": a.kind, "legal_basis": a.legal_basis, "region": a.region_id,
         "parent": a.parent.code if a.parent_id else None}
        for a in agencies
    ]


def agency_list_snapshot(record: AgencyList) -> list[dict]:
    """The agencies a list version confirms."""
    return json.loads(record.snapshot)


@transaction.atomic
def agency_list_draft(*, actor, note: str = "") -> AgencyList:
    """Start a new version of the agency list from the active agencies (R01). Bureau only."""
    if not actor_has_role(actor, workflows.AGENCY_LIST_DRAFT_ROLE):
        raise PermissionDenied("只有司法局可以起草主体清单")
    _unknown_fields({"note": note or ""}, ("note",))
    open_list = AgencyList.objects.select_for_update().filter(status__in=workflows.AGENCY_LIST_OPEN_STATES).first()
    if open_list is not None:
        raise Conflict(f"主体清单第{open_list.number}版尚在办理中({open_list.get_status_display()}),请先办结")
    entries = agency_list_entries()
    if not entries:
        raise ValidationFailed(FieldError("snapshot", "没有可列入清单的正常状态主体"))
    snapshot = canonical_text(entries)
    last = AgencyList.objects.order_by("-number").values_list("number", flat=True).first() or 0
    record = AgencyList(
        number=last + 1, status=AgencyListStatus.DRAFT, snapshot=snapshot,
        sha256=hashlib.sha256(snapshot.encode("utf-8")).hexdigest(), note=(note or "").strip(),
        drafted_by=actor_label(actor), drafted_at=clock.now(),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise Conflict("另一版本的主体清单刚刚起草,请刷新后重试")
    audit_record(actor=actor, action="agency_list.draft", subject=record,
                 after={"number": record.number, "status": record.status, "sha256": record.sha256,
                        "agencies": [e["code"] for e in entries], "note": record.note})
    return record


def _agency_list_step(*, actor, list_id: int, action: str, note: str = "") -> tuple[AgencyList, str]:
    record = AgencyList.objects.select_for_update().filter(pk=list_id).first()
    if record is None:
        raise NotFound("主体清单版本不存在")
    role = getattr(actor, "role", "") if getattr(actor, "is_authenticated", False) else ""
    transition = workflows.agency_list_transition_check(action, status=record.status, role=role)
    _unknown_fields({"note": note or ""}, ("note",))
    before = record.status
    record.status = transition.target
    if note and note.strip():
        record.note = (record.note + "\n" if record.note else "") + f"[{transition.label}] {note.strip()}"
    return record, before


@transaction.atomic
def agency_list_review(*, actor, list_id: int, note: str = "") -> AgencyList:
    """The bureau reviews a drafted agency list (R01)."""
    record, before = _agency_list_step(actor=actor, list_id=list_id, action="review", note=note)
    record.reviewed_by, record.reviewed_at = actor_label(actor), clock.now()
    record.save(update_fields=["status", "note", "reviewed_by", "reviewed_at"])
    audit_record(actor=actor, action="agency_list.review", subject=record, before={"status": before},
                 after={"status": record.status, "note": (note or "").strip()})
    return record


@transaction.atomic
def agency_list_approve(*, actor, list_id: int, note: str = "") -> AgencyList:
    """The county government approves a reviewed agency list (R01, 报县政府审定)."""
    record, before = _agency_list_step(actor=actor, list_id=list_id, action="approve", note=note)
    record.approved_by, record.approved_at = actor_label(actor), clock.now()
    record.save(update_fields=["status", "note", "approved_by", "approved_at"])
    audit_record(actor=actor, action="agency_list.approve", subject=record, before={"status": before},
                 after={"status": record.status, "note": (note or "").strip()})
    return record


@transaction.atomic
def agency_list_reject(*, actor, list_id: int, note: str) -> AgencyList:
    """The county government sends a reviewed agency list back, saying why (R01)."""
    if not (note or "").strip():
        raise ValidationFailed(FieldError("note", "请填写退回理由"))
    record, before = _agency_list_step(actor=actor, list_id=list_id, action="reject", note=note)
    record.save(update_fields=["status", "note"])
    audit_record(actor=actor, action="agency_list.reject", subject=record, before={"status": before},
                 after={"status": record.status, "note": note.strip()})
    return record


@transaction.atomic
def agency_list_publish(*, actor, list_id: int) -> AgencyList:
    """Publish an approved agency list (R01): it supersedes the previous one and decides ``Agency.listed``."""
    record, before = _agency_list_step(actor=actor, list_id=list_id, action="publish")
    now = clock.now()
    previous = list(
        AgencyList.objects.select_for_update().filter(status=AgencyListStatus.PUBLISHED).exclude(pk=record.pk)
    )
    AgencyList.objects.filter(pk__in=[p.pk for p in previous]).update(status=AgencyListStatus.SUPERSEDED)
    record.published_by, record.published_at = actor_label(actor), now
    record.save(update_fields=["status", "published_by", "published_at"])
    codes = [entry["code"] for entry in agency_list_snapshot(record)]
    listed = Agency.objects.filter(code__in=codes).update(listed=True)
    unlisted = Agency.objects.exclude(code__in=codes).filter(listed=True).update(listed=False)
    audit_record(actor=actor, action="agency_list.publish", subject=record, before={"status": before},
                 after={"status": record.status, "sha256": record.sha256, "listed": listed, "unlisted": unlisted,
                        "superseded": [p.number for p in previous]})
    return record


# --- Officers -------------------------------------------------------------------------------------


def officer_state(officer: Officer) -> dict:
    """The recorded fields of an officer."""
    return {"agency": officer.agency_id, **{f: getattr(officer, f) for f in OFFICER_FIELDS}}


def _officer_manage_check(actor, agency_id: int) -> None:
    if actor_has_role(actor, Role.BUREAU):
        return
    if actor_has_role(actor, Role.AGENCY_ADMIN) and actor_agency_id(actor) == agency_id:
        return
    raise PermissionDenied("只有司法局或本机关管理员可以维护执法人员")


def _credential_taken(credential_no: str, exclude_pk: int | None) -> bool:
    qs = Officer.objects.filter(credential_no=credential_no)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return bool(credential_no) and qs.exists()


_DUPLICATE_CREDENTIAL = "执法证号“{}”已登记"


@transaction.atomic
def officer_create(*, actor, agency, **fields) -> Officer:
    """Register an officer of ``agency`` (bureau, or that agency's admin). R12 qualification follows from the fields."""
    agency_obj = agency if isinstance(agency, Agency) else Agency.objects.filter(pk=agency).first()
    if agency_obj is None:
        raise ValidationFailed(FieldError("agency", "所属机关不存在"))
    _officer_manage_check(actor, agency_obj.pk)
    _unknown_fields(fields, OFFICER_FIELDS)
    cleaned, errors = officer_clean(fields)
    if cleaned["credential_no"] and _credential_taken(cleaned["credential_no"], None):
        errors.append(FieldError("credential_no", _DUPLICATE_CREDENTIAL.format(cleaned["credential_no"])))
    if errors:
        raise ValidationFailed(errors)
    officer = Officer(agency=agency_obj, **cleaned)
    _saved(officer, field="credential_no", message=_DUPLICATE_CREDENTIAL.format(cleaned["credential_no"]))
    audit_record(actor=actor, action="officer.create", subject=officer, after=officer_state(officer))
    return officer


@transaction.atomic
def officer_update(*, actor, officer_id: int, **fields) -> Officer:
    """Change an officer, including suspending or revoking the credential (``status``)."""
    from .selectors import officer_get_for_actor

    visible = officer_get_for_actor(actor=actor, officer_id=officer_id)
    _officer_manage_check(actor, visible.agency_id)
    _unknown_fields(fields, OFFICER_FIELDS)
    officer = Officer.objects.select_for_update().get(pk=visible.pk)
    before = officer_state(officer)
    cleaned, errors = officer_clean({**before, **fields})
    if cleaned["credential_no"] and _credential_taken(cleaned["credential_no"], officer.pk):
        errors.append(FieldError("credential_no", _DUPLICATE_CREDENTIAL.format(cleaned["credential_no"])))
    if errors:
        raise ValidationFailed(errors)
    for key, value in cleaned.items():
        setattr(officer, key, value)
    after = officer_state(officer)
    if after == before:
        return officer
    _saved(officer, field="credential_no", message=_DUPLICATE_CREDENTIAL.format(cleaned["credential_no"]))
    action = "officer.update"
    if after["status"] != before["status"]:
        action = f"officer.status_{after['status']}"
    audit_record(actor=actor, action=action, subject=officer,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return officer


# --- Enterprises ----------------------------------------------------------------------------------


def enterprise_state(enterprise: Enterprise) -> dict:
    """The recorded fields of an enterprise (coordinates in WGS-84, with the datum they arrived in)."""
    return {
        "uscc": enterprise.uscc, "name": enterprise.name, "entity_type": enterprise.entity_type,
        "legal_representative": enterprise.legal_representative, "address": enterprise.address,
        "region": enterprise.region_id, "industry": enterprise.industry_id, "latitude": enterprise.latitude,
        "longitude": enterprise.longitude, "coordinate_datum": enterprise.coordinate_datum,
        "status": enterprise.status,
    }


def _enterprise_manage_check(actor, *usccs: str) -> None:
    # ADR 0018: registered data belong to the register's keeper; the bureau corrects any register.
    if not actor_has_role(actor, Role.BUREAU, Role.AGENCY_ADMIN):
        raise PermissionDenied("只有登记机关的管理员或司法局可以维护企业登记信息")
    scope = enterprise_register_scope(actor)
    for uscc in usccs:
        refusal = enterprise_register_refusal(actor, uscc, scope)
        if refusal is not None:
            raise refusal


def _enterprise_validate(data: dict, exclude_pk: int | None) -> dict:
    cleaned, errors = enterprise_clean(data, region_codes=CodeLookup(Region), industry_codes=CodeLookup(Industry))
    uscc_error = any(e.field == "uscc" for e in errors)
    taken = Enterprise.objects.filter(uscc=cleaned["uscc"])
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if not uscc_error and taken.exists():
        errors.append(FieldError("uscc", f"统一社会信用代码“{cleaned['uscc']}”已登记"))
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    """Register a market entity by its USCC (GB 32100-2015); coordinates are converted to WGS-84. The bureau,
    or an admin of the agency that keeps the entity's register (ADR 0018).
    """
    _enterprise_manage_check(actor)
    _unknown_fields(fields, ENTERPRISE_FIELDS)
    cleaned = _enterprise_validate(fields, None)
    _enterprise_manage_check(actor, cleaned["uscc"])
    enterprise = Enterprise(**cleaned)
    _saved(enterprise, field="uscc", message=f"统一社会信用代码“{cleaned['uscc']}”已登记")
    audit_record(actor=actor, action="enterprise.create", subject=enterprise, after=enterprise_state(enterprise))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise_id: int, **fields) -> Enterprise:
    """Change an enterprise's registered data. New coordinates need latitude and longitude together. The
    bureau, or an admin of the agency that keeps the entity's register, old and new USCC alike (ADR 0018).
    """
    visible = enterprise_get_for_actor(actor=actor, enterprise_id=enterprise_id)
    _enterprise_manage_check(actor, visible.uscc)
    _unknown_fields(fields, ENTERPRISE_FIELDS)
    enterprise = Enterprise.objects.select_for_update().get(pk=visible.pk)
    before = enterprise_state(enterprise)
    new_coordinates = any(f in fields for f in _COORDINATE_FIELDS)
    if new_coordinates and not ("latitude" in fields and "longitude" in fields):
        raise ValidationFailed(FieldError("latitude", "修改坐标须同时提供纬度和经度(及坐标基准)"))
    data = {**before, "latitude": None, "longitude": None, "coordinate_datum": "", **fields}
    cleaned = _enterprise_validate(data, enterprise.pk)
    _enterprise_manage_check(actor, cleaned["uscc"])  # a changed USCC may move it to another register
    if not new_coordinates:
        # Stored values are WGS-84 already; keep them and the datum they first arrived in.
        cleaned.update(latitude=enterprise.latitude, longitude=enterprise.longitude,
                       coordinate_datum=enterprise.coordinate_datum)
    for key, value in cleaned.items():
        setattr(enterprise, key, value)
    after = enterprise_state(enterprise)
    if after == before:
        return enterprise
    _saved(enterprise, field="uscc", message=f"统一社会信用代码“{cleaned['uscc']}”已登记")
    audit_record(actor=actor, action="enterprise.update", subject=enterprise,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return enterprise



# --- Agencies' own notes on enterprises (ADR 0018) ---------------------------------------------------

NOTE_MAX = 2000


@transaction.atomic
def enterprise_note_add(*, actor, enterprise_id: int, text: str, correction_requested: bool = False) -> EnterpriseNote:
    """Record the actor's agency's own note on an enterprise: what it knows beside the registered data, or
    a registered fact it asks the register's keeper and the bureau to correct. Agency staff only.
    """
    agency_id = actor_agency_id(actor)
    if agency_id is None or not actor_has_role(actor, *AGENCY_NOTE_ROLES):
        raise PermissionDenied("只有执法机关工作人员可以记录本机关备注")
    enterprise = enterprise_get_for_actor(actor=actor, enterprise_id=enterprise_id)
    _unknown_fields({"text": text}, ("text",))
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(FieldError("text", "请填写备注内容"))
    if len(text) > NOTE_MAX:
        raise ValidationFailed(FieldError("text", f"备注不超过 {NOTE_MAX} 字(现为 {len(text)} 字)"))
    note = EnterpriseNote.objects.create(
        enterprise=enterprise, agency_id=agency_id, text=text, correction_requested=bool(correction_requested),
        # People are shown by name, not by account (the audit event keeps the account).
        created_by=(getattr(actor, "display_name", "") or actor_label(actor))[:150], created_at=clock.now(),
    )
    audit_record(actor=actor, action="enterprise_note.add", subject=note,
                 after={"enterprise": enterprise.pk, "agency": agency_id, "text": text,
                        "correction_requested": note.correction_requested})
    return note
