"""Imports of the registries from .xlsx / .csv: every row validated, every bad row reported with its
line, field and reason; nothing or only the good rows written, as the user chooses; re-importing the
same file changes nothing. One audit event per import (``import.run``), not one per row (R30).
"""

import csv
import io
import time

from django.db import transaction

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.services import actor_describe, audit_record
from clearcheck.core import clock
from clearcheck.core.canonical import canonical_text
from clearcheck.core.errors import FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import model_text_limit, row_text_errors, text_length_problem
from clearcheck.registry.models import Agency, Officer, Region
from clearcheck.registry.rules import enterprise_register_scope
from clearcheck.registry.validators import officer_clean

from .choices import ImportKind, ImportMode, ImportStatus
from .fast_path import ImportOutcome, enterprises_import, row_errors_add
from .models import ImportJob
from .parsing import COLUMNS, rows_read
from .storage import file_relative_path, file_store

OFFICER_COLUMNS = ("name", "credential_no", "valid_from", "valid_to", "status", "personnel_type")
TEMPLATE_EXAMPLES = {
    ImportKind.ENTERPRISES: {
        "uscc": "91371524MA3C8K5X1W", "name": "东阿县示例阿胶有限公司", "entity_type": "法人",
        "legal_representative": "张三", "address": "山东省聊城市东阿县铜城街道阿胶街1号", "region": "371524",
        "industry": "2740", "latitude": "36.336", "longitude": "116.248", "coordinate_datum": "wgs84",
        "status": "存续",
    },
    ImportKind.OFFICERS: {
        "name": "李明", "credential_no": "37152400000123", "valid_from": "2025-01-01", "valid_to": "2029-12-31",
        "status": "有效", "personnel_type": "行政执法人员", "agency_code": "SCJG",
    },
    ImportKind.AGENCIES: {
        "code": "SCJG", "name": "东阿县市场监督管理局", "kind": "行政机关",
        "legal_basis": "《中华人民共和国行政处罚法》等", "region": "371524", "parent_code": "",
    },
}


def _permission_check(actor, kind: str, agency: Agency | None) -> Agency | None:
    """Who may import what; returns the agency the import acts for (None: the bureau, per row)."""
    if actor_has_role(actor, Role.BUREAU):
        return agency
    if actor_has_role(actor, Role.AGENCY_ADMIN) and kind in (ImportKind.ENTERPRISES, ImportKind.OFFICERS):
        own = actor_agency_id(actor)
        if kind == ImportKind.ENTERPRISES and not enterprise_register_scope(actor):
            raise PermissionDenied("本机关不维护企业登记,不能导入企业名录;企业登记信息由登记机关维护、司法局更正(ADR 0018)")
        if kind == ImportKind.OFFICERS and agency is not None and agency.pk != own:
            raise PermissionDenied("执法机关管理员只能导入本机关的执法人员")
        # The job belongs to the admin's agency (its other admins see it); officers go into that agency.
        return Agency.objects.get(pk=own)
    raise PermissionDenied(f"无权导入{ImportKind(kind).label}" if kind in ImportKind.values else "无权导入")


def _choices_check(kind: str, mode: str) -> None:
    errors = []
    if kind not in ImportKind.values:
        errors.append(FieldError("kind", "导入类型无效,可选:" + "、".join(f"{v}({lbl})" for v, lbl in ImportKind.choices)))
    if mode not in ImportMode.values:
        errors.append(FieldError("mode", "导入方式无效,可选:" + "、".join(f"{v}({lbl})" for v, lbl in ImportMode.choices)))
    if errors:
        raise ValidationFailed(errors)


def _status(outcome: ImportOutcome, mode: str) -> str:
    if not outcome.failed:
        return ImportStatus.COMMITTED
    if mode == ImportMode.ALL_OR_NOTHING or not outcome.written:
        return ImportStatus.REJECTED
    return ImportStatus.PARTIALLY_COMMITTED


@transaction.atomic
def import_run(
    *, actor, kind: str, filename: str, data: bytes, mode: str = ImportMode.ALL_OR_NOTHING, agency=None,
) -> ImportJob:
    """Import a registry spreadsheet (.xlsx/.csv); the job with its error report is kept either way.

    Bureau: every kind. Agency admin: enterprises, and officers of its own agency. One ``import.run``
    audit event per import (R30); agencies are created through ``registry.services`` (R01 versions).
    """
    _choices_check(kind, mode)
    agency = _permission_check(actor, kind, agency)
    if problem := text_length_problem(filename or "", model_text_limit(ImportJob, "filename")):
        raise ValidationFailed(FieldError("file", f"文件名{problem}"))
    started = time.monotonic()
    rows = _Peeked(rows_read(filename, data, kind))  # an unreadable file raises here: nothing written
    sha256, _ = file_store(data)
    all_or_nothing = mode == ImportMode.ALL_OR_NOTHING
    fields = set(rows.first[1])  # the columns the file has
    # All or nothing: a bad row and no registry row is written, but the job and its event are kept.
    if kind == ImportKind.ENTERPRISES:
        outcome = enterprises_import(rows, all_or_nothing=all_or_nothing, fields=fields, actor=actor,
                                     register_scope=enterprise_register_scope(actor))
    elif kind == ImportKind.OFFICERS:
        outcome = _officers_import(rows, all_or_nothing=all_or_nothing, agency=agency, fields=fields)
        agency = agency or outcome.agency  # a bureau import of one agency's officers belongs to that agency
    else:
        outcome = _agencies_import(rows, all_or_nothing=all_or_nothing, actor=actor, filename=filename)
    actor_id, actor_label, _ = actor_describe(actor)
    job = ImportJob.objects.create(
        kind=kind, filename=filename, file_sha256=sha256, file_size=len(data),
        stored_path=file_relative_path(sha256), mode=mode, status=_status(outcome, mode),
        rows_total=outcome.total, rows_created=outcome.created, rows_updated=outcome.updated,
        rows_unchanged=outcome.unchanged, rows_failed=outcome.failed, errors=canonical_text(outcome.errors),
        actor_id=actor_id, actor_label=actor_label, agency=agency,
        duration_ms=int((time.monotonic() - started) * 1000), created_at=clock.now(),
    )
    audit_record(
        actor=actor, action="import.run", subject=job,
        after={"kind": kind, "filename": job.filename, "sha256": sha256, "stored_path": job.stored_path,
               "mode": mode, "status": job.status, "agency": agency.pk if agency else None,
               "counts": job.counts()},
    )
    return job


class _Peeked:
    """The rows of a file with the first one read ahead (its keys are the file's columns)."""

    def __init__(self, rows):
        self.first = next(rows)  # rows_read refuses a file without data rows
        self.rows = rows

    def __iter__(self):
        yield self.first
        yield from self.rows


# --- Officers -------------------------------------------------------------------------------------


def _officers_import(rows, *, all_or_nothing: bool, agency: Agency | None, fields: set[str]) -> ImportOutcome:
    agencies = {a.code: a for a in Agency.objects.only("id", "code", "name")}
    agency_names = {a.pk: a.name for a in agencies.values()}
    outcome = ImportOutcome()
    good: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    targets: dict[int, Agency] = {}
    for line, data in rows:
        outcome.total += 1
        cleaned, errors = officer_clean(data)
        errors[:0] = row_text_errors(data)
        code = str(data.get("agency_code") or "").strip()
        target = agency
        if code:
            target = agencies.get(code)
            if target is None:
                errors.append(FieldError("agency_code", f"所属机关编码“{code}”不存在"))
            elif agency is not None and target.pk != agency.pk:
                errors.append(FieldError("agency_code", f"所属机关编码“{code}”与本次导入的机关({agency.name})不一致"))
        elif agency is None:
            errors.append(FieldError("agency_code", "所属机关编码不能为空(或在导入时选择所属机关)"))
        credential = cleaned["credential_no"]
        if credential and not any(e.field == "credential_no" for e in errors):
            if credential in seen:
                errors.append(FieldError("credential_no", f"执法证号 {credential} 与第{seen[credential]}行重复"))
            else:
                seen[credential] = line
        if errors:
            row_errors_add(outcome, line, errors)
            continue
        good.append((line, {**cleaned, "agency_id": target.pk}))
        targets[target.pk] = target
    outcome.agency = next(iter(targets.values())) if len(targets) == 1 else None
    existing = _officers_existing([row["credential_no"] for _, row in good])
    # A credential number registered to another agency is a duplicate, not an update.
    checked = []
    for line, row in good:
        officer = existing.get(row["credential_no"])
        if officer is not None and officer.agency_id != row["agency_id"]:
            row_errors_add(outcome, line, [FieldError(
                "credential_no",
                f"执法证号“{row['credential_no']}”已登记在{agency_names.get(officer.agency_id, '其他机关')}名下",
            )])
            continue
        checked.append((line, row))
    outcome.errors.sort(key=lambda e: e["line"])
    if outcome.failed and all_or_nothing:
        return outcome
    update_fields = [f for f in OFFICER_COLUMNS if f in fields] or list(OFFICER_COLUMNS)
    now = clock.now()
    created, changed = [], []
    for _, row in checked:
        officer = existing.get(row["credential_no"])
        if officer is None:
            created.append(Officer(**row))
            continue
        if any(getattr(officer, f) != row[f] for f in update_fields):
            for f in update_fields:
                setattr(officer, f, row[f])
            officer.updated_at = now
            changed.append(officer)
        else:
            outcome.unchanged += 1
    # Officers are few (a county has hundreds, a province ~100,000): the ORM's batches are enough here.
    Officer.objects.bulk_create(created, batch_size=500)
    Officer.objects.bulk_update(changed, [*update_fields, "updated_at"], batch_size=500)
    outcome.created, outcome.updated = len(created), len(changed)
    outcome.written = bool(checked)
    return outcome


def _officers_existing(credentials: list[str]) -> dict[str, Officer]:
    found: dict[str, Officer] = {}
    for start in range(0, len(credentials), 500):
        for officer in Officer.objects.filter(credential_no__in=credentials[start:start + 500]):
            found[officer.credential_no] = officer
    return found


# --- Agencies -------------------------------------------------------------------------------------


def _agencies_import(rows, *, all_or_nothing: bool, actor, filename: str) -> ImportOutcome:
    # Few rows, each a confirmed inspection body with its own version (R01): through the registry service.
    from clearcheck.registry import services as registry_services

    reason = f"批量导入 {filename}"
    regions = set(Region.objects.values_list("code", flat=True))
    outcome = ImportOutcome()
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, data in rows:
        outcome.total += 1
        row = {k: str(data.get(k) or "").strip() for k in ("code", "name", "kind", "legal_basis", "region",
                                                            "parent_code")}
        errors = row_text_errors(data)
        if not row["code"]:
            errors.append(FieldError("code", "主体编码不能为空"))
        elif row["code"] in seen:
            errors.append(FieldError("code", f"主体编码 {row['code']} 与第{seen[row['code']]}行重复"))
        else:
            seen[row["code"]] = line
        if row["region"] not in regions:
            errors.append(FieldError("region", f"行政区划代码“{row['region']}”不在 GB/T 2260 代码表中"))
        if errors:
            row_errors_add(outcome, line, errors)
            continue
        parsed.append((line, row))
    # Rows go through the registry service one by one, each in its own savepoint; all or nothing
    # rolls the whole set back when any row failed (after collecting every row's errors).
    try:
        with transaction.atomic():
            _agencies_write(parsed, outcome, registry_services, actor, reason)
            if outcome.failed and all_or_nothing:
                raise _Rejected
    except _Rejected:
        outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.written = False
    outcome.errors.sort(key=lambda e: e["line"])
    return outcome


class _Rejected(Exception):
    """Rolls back the savepoint of an all-or-nothing import that found a bad row."""


def _agencies_write(parsed, outcome, registry_services, actor, reason) -> None:
    for line, row in parsed:
        parent = None
        if row["parent_code"]:
            parent = Agency.objects.filter(code=row["parent_code"]).first()
            if parent is None:
                row_errors_add(outcome, line, [FieldError("parent_code", f"上级机关编码“{row['parent_code']}”不存在")])
                continue
        fields = {"name": row["name"], "kind": row["kind"], "legal_basis": row["legal_basis"],
                  "region": row["region"], "parent": parent}
        existing = Agency.objects.filter(code=row["code"]).first()
        try:
            with transaction.atomic():
                if existing is None:
                    registry_services.agency_create(actor=actor, code=row["code"], reason=reason, **fields)
                    outcome.created += 1
                else:
                    version = existing.version
                    updated = registry_services.agency_update(
                        actor=actor, agency_id=existing.pk, reason=reason,
                        **{**fields, "parent": getattr(parent, "pk", None)},
                    )
                    if updated.version != version:
                        outcome.updated += 1
                    else:
                        outcome.unchanged += 1
        except ValidationFailed as exc:
            row_errors_add(outcome, line, [_agency_error(e) for e in exc.errors])
        else:
            outcome.written = True


def _agency_error(error: FieldError) -> FieldError:
    # The service names the parent "parent"; the spreadsheet column is "parent_code".
    return FieldError("parent_code", error.message) if error.field == "parent" else error


# --- Reports and templates ------------------------------------------------------------------------


def import_error_report_xlsx(job: ImportJob) -> bytes:
    """The error report of ``job`` as an Excel workbook (行号, 字段, 错误说明)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误明细")

    def text(value):
        # openpyxl stores a string that starts with "=" as a formula: uploaded text must stay text.
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    labels = {field: names[0] for field, names in COLUMNS.get(job.kind, {}).items()}
    sheet.append(["行号", "字段", "列名", "错误说明"])
    for error in job.error_list:
        sheet.append([error["line"], error["field"], labels.get(error["field"], ""), text(error["message"])])
    summary = workbook.create_sheet("导入概况")
    for label, value in (
        ("文件名", job.filename), ("SHA-256", job.file_sha256), ("导入类型", str(job.get_kind_display())),
        ("导入方式", str(job.get_mode_display())), ("结果", str(job.get_status_display())), ("数据行数", job.rows_total),
        ("新增", job.rows_created), ("更新", job.rows_updated), ("未变化", job.rows_unchanged),
        ("有错误的行", job.rows_failed),
    ):
        summary.append([label, text(str(value)) if isinstance(value, str) else value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_template(kind: str, fmt: str = "csv") -> bytes:
    """An empty import template for ``kind`` with Chinese headers and one example row (csv or xlsx).

    The CSV starts with a UTF-8 BOM so that Excel opens the Chinese headers correctly.
    """
    if kind not in ImportKind.values:
        raise ValidationFailed(FieldError("kind", f"未知导入类型:{kind}"))
    header = [names[0] for names in COLUMNS[kind].values()]
    example = [TEMPLATE_EXAMPLES[kind].get(field, "") for field in COLUMNS[kind]]
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(ImportKind(kind).label)
        sheet.append(header)
        sheet.append(example)
        for cell in sheet[2]:
            cell.number_format = "@"  # codes stay text: 371524 must not become a number
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    if fmt != "csv":
        raise ValidationFailed(FieldError("format", "模板格式只支持 csv 或 xlsx"))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(example)
    return ("\ufeff" + text.getvalue()).encode("utf-8")
