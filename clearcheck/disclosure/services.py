"""Writes of the disclosure app: industry handbooks (一业一册, clause 六(十六)).

Who: the judicial bureau creates a handbook and publishes its versions; the bureau and every agency
admin edit the open draft (an agency admin changes the linked items and no-penalty entries of its own
agency only, since each agency answers for its own lists). A published version is immutable
(ARCHITECTURE principle 6): a change is a new draft, copied from the version in force.
"""

import hashlib
import re

from django.db import IntegrityError, transaction
from django.db.models import Max

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.services import actor_label, audit_record
from clearcheck.catalog.choices import ItemStatus
from clearcheck.catalog.models import InspectionItem, NoPenaltyEntry
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from clearcheck.registry.models import Industry

from .choices import HandbookStatus
from .models import SECTION_FIELDS, Handbook, HandbookVersion
from .workflows import HANDBOOK_VERSION

EDITOR_ROLES = (Role.BUREAU, Role.AGENCY_ADMIN)
SECTION_MAX_CHARS = 20_000
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What a handbook must say before it is published (clause 六(十六): 许可、检查、处罚、信用修复).
REQUIRED_SECTIONS = {"summary": "概述", "licences": "行政许可", "penalties": "常见违法行为与处罚依据",
                     "credit_repair": "信用修复"}


def _editor_check(actor) -> None:
    if not actor_has_role(actor, *EDITOR_ROLES):
        raise PermissionDenied("只有司法局或执法机关管理员可以编辑一业一册")
    if actor_has_role(actor, Role.AGENCY_ADMIN) and actor_agency_id(actor) is None:
        raise PermissionDenied("账户未关联执法机关")


def _text_errors(values: dict[str, str], limit: int = SECTION_MAX_CHARS) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        if "\x00" in value:
            errors.append(FieldError(name, "不得包含控制字符 NUL"))
        elif len(value) > limit:
            errors.append(FieldError(name, f"不得超过 {limit} 个字符"))
    return errors


def _ids(value, field: str) -> set[int]:
    try:
        return {int(v) for v in (value or [])}
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(FieldError(field, "须为编号列表")) from exc


def version_document(version: HandbookVersion) -> dict:
    """What a version says, as the dict its snapshot freezes (items and entries with their published text)."""
    items = version.items.select_related("agency").order_by("agency__code", "code", "id")
    entries = version.no_penalty_entries.select_related("agency").order_by("agency__code", "kind", "id")
    return {
        "handbook": {"id": version.handbook_id, "slug": version.handbook.slug, "title": version.handbook.title,
                     "industry": version.handbook.industry_id},
        "number": version.number,
        "sections": {name: getattr(version, name) for name in SECTION_FIELDS},
        "change_note": version.change_note,
        "items": [{"id": i.pk, "agency_id": i.agency_id, "agency": i.agency.name, "code": i.code, "name": i.name,
                   "legal_basis": i.legal_basis, "object_scope": i.object_scope, "method": i.method} for i in items],
        "no_penalty": [{"id": e.pk, "agency_id": e.agency_id, "agency": e.agency.name, "kind": e.kind,
                        "title": e.title, "legal_basis": e.legal_basis, "conditions": e.conditions} for e in entries],
    }


@transaction.atomic
def handbook_create(*, actor, industry_code: str, slug: str, title: str) -> Handbook:
    """Create the handbook of an industry with an empty draft v1 (bureau only)."""
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied("只有司法局可以新建一业一册")
    slug, title, industry_code = (slug or "").strip(), (title or "").strip(), (industry_code or "").strip()
    errors = _text_errors({"slug": slug, "title": title, "industry_code": industry_code}, 200)
    if not title:
        errors.append(FieldError("title", "请填写名称"))
    if not SLUG_PATTERN.match(slug) or len(slug) > 64:
        errors.append(FieldError("slug", "网址标识只能由小写字母、数字和连字符组成(至多 64 个字符)"))
    industry = Industry.objects.filter(pk=industry_code).first() if not errors else None
    if not errors and industry is None:
        errors.append(FieldError("industry_code", "行业代码不存在(GB/T 4754-2017)"))
    if errors:
        raise ValidationFailed(errors)
    if Handbook.objects.filter(industry=industry).exists():
        raise Conflict(f"行业“{industry.name}”已有一业一册")
    if Handbook.objects.filter(slug=slug).exists():
        raise ValidationFailed(FieldError("slug", "网址标识已被使用"))
    now = clock.now()
    handbook = Handbook.objects.create(industry=industry, slug=slug, title=title, created_by=actor_label(actor),
                                       created_at=now)
    version = HandbookVersion.objects.create(handbook=handbook, number=1, created_by=actor_label(actor),
                                             created_at=now)
    audit_record(actor=actor, action="handbook.create", subject=handbook,
                 after={"industry": industry.pk, "slug": slug, "title": title, "draft": version.number})
    return handbook


@transaction.atomic
def handbook_draft_start(*, actor, handbook_id: int) -> HandbookVersion:
    """Open a revision draft, copied from the version in force; Conflict while a draft is open."""
    _editor_check(actor)
    handbook = Handbook.objects.select_for_update().filter(pk=handbook_id).first()
    if handbook is None:
        raise NotFound("一业一册不存在")
    if handbook.versions.filter(status=HandbookStatus.DRAFT).exists():
        raise Conflict(f"一业一册“{handbook.title}”已有修订草稿,请在草稿上修改")
    current = handbook.versions.filter(status=HandbookStatus.PUBLISHED).first()
    number = (handbook.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    copied = {name: getattr(current, name) for name in SECTION_FIELDS} if current else {}
    try:
        with transaction.atomic():
            draft = HandbookVersion.objects.create(handbook=handbook, number=number, created_by=actor_label(actor),
                                                   created_at=clock.now(), **copied)
    except IntegrityError as exc:  # a concurrent editor opened the draft first
        raise Conflict(f"一业一册“{handbook.title}”已有修订草稿,请在草稿上修改") from exc
    if current is not None:
        draft.items.set(current.items.all())
        draft.no_penalty_entries.set(current.no_penalty_entries.all())
    audit_record(actor=actor, action="handbook.draft_start", subject=draft,
                 after={"handbook": handbook.pk, "number": number, "from": current.number if current else None})
    return draft


def _own_agency_check(actor, model, before: set[int], after: set[int], field: str) -> None:
    """An agency admin may add or remove only its own agency's rows; the bureau any."""
    if not actor_has_role(actor, Role.AGENCY_ADMIN):
        return
    changed = before ^ after
    foreign = model.objects.filter(pk__in=changed).exclude(agency_id=actor_agency_id(actor)).count()
    if foreign:
        raise ValidationFailed(FieldError(field, "执法机关管理员只能调整本机关的事项,其他机关的事项由其自行维护"))


@transaction.atomic
def handbook_draft_update(*, actor, version_id: int, sections: dict[str, str], item_ids=None,
                          no_penalty_ids=None, change_note: str = "") -> HandbookVersion:
    """Save a draft's sections and links; a published version is refused (principle 6)."""
    _editor_check(actor)
    version = (HandbookVersion.objects.select_for_update().select_related("handbook")
               .filter(pk=version_id).first())
    if version is None:
        raise NotFound("一业一册版本不存在")
    HANDBOOK_VERSION.editable_check(version.status, f"{version.handbook.title} 第{version.number}版")
    unknown = sorted(set(sections) - set(SECTION_FIELDS))
    if unknown:
        raise ValidationFailed([FieldError(name, "未知的章节") for name in unknown])
    values = {name: (sections.get(name, getattr(version, name)) or "").replace("\r\n", "\n").strip()
              for name in SECTION_FIELDS}
    change_note = (change_note or "").replace("\r\n", "\n").strip()
    errors = _text_errors({**values, "change_note": change_note})
    wanted_items = _ids(item_ids, "item_ids") if item_ids is not None else None
    wanted_entries = _ids(no_penalty_ids, "no_penalty_ids") if no_penalty_ids is not None else None
    before_items = set(version.items.values_list("pk", flat=True))
    before_entries = set(version.no_penalty_entries.values_list("pk", flat=True))
    if wanted_items is not None:
        found = set(InspectionItem.objects.filter(pk__in=wanted_items, status=ItemStatus.PUBLISHED,
                                                  agency__listed=True).values_list("pk", flat=True))
        if missing := sorted(wanted_items - found - before_items):
            errors.append(FieldError("item_ids", f"只能引用已公布清单中的检查事项(无效编号:{missing})"))
    if wanted_entries is not None:
        found = set(NoPenaltyEntry.objects.filter(pk__in=wanted_entries, status=ItemStatus.PUBLISHED,
                                                  agency__listed=True).values_list("pk", flat=True))
        if missing := sorted(wanted_entries - found - before_entries):
            errors.append(FieldError("no_penalty_ids", f"只能引用已公布的免罚清单事项(无效编号:{missing})"))
    if errors:
        raise ValidationFailed(errors)
    if wanted_items is not None:
        _own_agency_check(actor, InspectionItem, before_items, wanted_items, "item_ids")
        version.items.set(wanted_items)
    if wanted_entries is not None:
        _own_agency_check(actor, NoPenaltyEntry, before_entries, wanted_entries, "no_penalty_ids")
        version.no_penalty_entries.set(wanted_entries)
    before = {name: getattr(version, name) for name in SECTION_FIELDS}
    for name, value in values.items():
        setattr(version, name, value)
    version.change_note = change_note
    version.updated_by, version.updated_at = actor_label(actor), clock.now()
    version.save()
    audit_record(actor=actor, action="handbook.draft_update", subject=version,
                 before={"sections": {k: hashlib.sha256(v.encode()).hexdigest() for k, v in before.items()},
                         "items": sorted(before_items), "no_penalty": sorted(before_entries)},
                 after={"sections": {k: hashlib.sha256(v.encode()).hexdigest() for k, v in values.items()},
                        "items": sorted(wanted_items if wanted_items is not None else before_items),
                        "no_penalty": sorted(wanted_entries if wanted_entries is not None else before_entries)})
    return version


@transaction.atomic
def handbook_publish(*, actor, version_id: int) -> HandbookVersion:
    """Publish a draft (bureau only): it becomes immutable, the previous version is superseded."""
    version = (HandbookVersion.objects.select_for_update().select_related("handbook", "handbook__industry")
               .filter(pk=version_id).first())
    if version is None or not actor_has_role(actor, *EDITOR_ROLES):
        raise NotFound("一业一册版本不存在")
    subject = f"{version.handbook.title} 第{version.number}版"
    target = HANDBOOK_VERSION.target(version.status, "publish", subject, getattr(actor, "role", None))
    errors = [FieldError(name, f"发布前请填写“{label}”") for name, label in REQUIRED_SECTIONS.items()
              if not getattr(version, name).strip()]
    if not version.inspection_notes.strip() and not version.items.exists():
        errors.append(FieldError("item_ids", "发布前请关联检查事项或填写行政检查说明"))
    withdrawn = list(version.items.exclude(status=ItemStatus.PUBLISHED).values_list("code", flat=True))
    withdrawn += list(version.no_penalty_entries.exclude(status=ItemStatus.PUBLISHED).values_list("title", flat=True))
    if withdrawn:
        errors.append(FieldError("item_ids", f"以下事项已撤回,请先移除:{'、'.join(withdrawn)}"))
    if errors:
        raise ValidationFailed(errors)
    previous = list(HandbookVersion.objects.select_for_update()
                    .filter(handbook_id=version.handbook_id, status=HandbookStatus.PUBLISHED))
    for old in previous:
        old.status = HANDBOOK_VERSION.target(old.status, "supersede")
        old.save(update_fields=["status"])
    now = clock.now()
    version.status = target
    version.published_by, version.published_at = actor_label(actor), now
    document = version_document(version)
    document["published_at"] = now
    version.snapshot = canonical_text(document)
    version.sha256 = hashlib.sha256(version.snapshot.encode("utf-8")).hexdigest()
    version.save()
    audit_record(actor=actor, action="handbook.publish", subject=version,
                 before={"status": HandbookStatus.DRAFT, "superseded": [v.number for v in previous]},
                 after={"status": target, "number": version.number, "sha256": version.sha256})
    return version
