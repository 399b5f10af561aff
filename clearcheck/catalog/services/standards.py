"""Standards (检查标准): immutable published versions."""

from django.db import transaction

from clearcheck.audit.services import actor_label, audit_record
from clearcheck.core import clock
from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import text_of
from clearcheck.registry.models import Agency

from .. import workflows
from ..choices import VersionStatus
from ..models import Standard
from .common import (
    _agency_for_write,
    _next_version_number,
    _required,
    _row_for_write,
    _supersede_published,
    _unknown_fields_check,
)

# --- Standards -------------------------------------------------------------------------------------

STANDARD_FIELDS = {"title", "content"}


def _standard_fields_clean(data: dict) -> dict:
    fields = {"title": text_of(data.get("title")), "content": text_of(data.get("content"))}
    errors: list[FieldError] = []
    _required(errors, fields, "title", "标准名称", 200)
    _required(errors, fields, "content", "标准内容")
    if errors:
        raise ValidationFailed(errors)
    return fields


def _standard_dict(s: Standard) -> dict:
    return {"agency": s.agency_id, "code": s.code, "version": s.version, "title": s.title, "content": s.content,
            "status": s.status}


def _versions_of(standard: Standard):
    """Every version of the standard's code (a code is the agency's own)."""
    return Standard.objects.filter(agency_id=standard.agency_id, code=standard.code)


def _standard_for_write(actor, standard_id: int) -> Standard:
    return _row_for_write(Standard, "检查标准", actor, standard_id)


@transaction.atomic
def standard_create(*, actor, code: str, title: str, content: str, agency: Agency | int | None = None) -> Standard:
    """Create version 1 of a standard as a draft."""
    owner = _agency_for_write(actor, agency)
    code = text_of(code)
    errors: list[FieldError] = []
    _required(errors, {"code": code}, "code", "标准编码", 32)
    if errors:
        raise ValidationFailed(errors)
    fields = _standard_fields_clean({"title": title, "content": content})
    if Standard.objects.filter(agency=owner, code=code).exists():
        raise ValidationFailed(FieldError("code", f"本机关已有编码为 {code} 的检查标准;请生成新版本"))
    standard = Standard.objects.create(agency=owner, code=code, version=1, status=VersionStatus.DRAFT, **fields)
    audit_record(actor=actor, action="standard.create", subject=standard, after=_standard_dict(standard))
    return standard


@transaction.atomic
def standard_update(*, actor, standard_id: int, data: dict) -> Standard:
    """Change a draft standard; a published version is immutable (Conflict)."""
    _unknown_fields_check(data, STANDARD_FIELDS)
    standard = _standard_for_write(actor, standard_id)
    workflows.editable_check(workflows.STANDARD, standard.status, str(standard))
    before = _standard_dict(standard)
    for name, value in _standard_fields_clean({**before, **data}).items():
        setattr(standard, name, value)
    standard.save()
    audit_record(actor=actor, action="standard.update", subject=standard, before=before,
                 after=_standard_dict(standard))
    return standard


@transaction.atomic
def standard_publish(*, actor, standard_id: int) -> Standard:
    """Publish a draft standard; the previously published version of its code is superseded."""
    standard = _standard_for_write(actor, standard_id)
    standard.status = workflows.transition_target(workflows.STANDARD, standard.status, "publish", str(standard))
    standard.published_at = clock.now()
    standard.published_by = actor_label(actor)
    standard.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    superseded = _supersede_published(workflows.STANDARD, _versions_of(standard), standard)
    audit_record(actor=actor, action="standard.publish", subject=standard, before={"status": VersionStatus.DRAFT},
                 after={"status": standard.status, "superseded": [s.pk for s in superseded]})
    return standard


@transaction.atomic
def standard_new_version(*, actor, standard_id: int) -> Standard:
    """Copy a published standard into a new draft with version + 1 (the published one stays as it is)."""
    source = _standard_for_write(actor, standard_id)
    number = _next_version_number(workflows.STANDARD, source, _versions_of(source), "标准")
    draft = Standard.objects.create(agency_id=source.agency_id, code=source.code, version=number,
                                    title=source.title, content=source.content, status=VersionStatus.DRAFT)
    audit_record(actor=actor, action="standard.new_version", subject=draft,
                 after={**_standard_dict(draft), "from": source.pk})
    return draft
