"""Excel import of 12345 hotline work orders: each row through ``complaint_from_hotline`` (so a repeated
order is recognised and a changed one refused), a report per row with its line number, and the user's
choice of committing nothing when any row is bad (``all_or_nothing``) or the good rows (``good_rows``).

The exchange app's importer serves the registries (enterprises, officers, agencies) through its own
kinds; work orders are complaints, so they get this small importer over the same ideas.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from openpyxl import Workbook, load_workbook

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_has_role
from clearcheck.audit.services import audit_record
from clearcheck.core import clock
from clearcheck.core.errors import DomainError, FieldError, PermissionDenied, ValidationFailed
from clearcheck.core.inputs import row_text_errors

from .services.complaints import complaint_from_hotline

# (column header, service argument, required)
COLUMNS = (
    ("工单编号", "work_order_no", True),
    ("来电时间", "called_at", True),
    ("诉求人", "caller_name", False),
    ("联系电话", "caller_phone", False),
    ("涉及企业统一社会信用代码", "enterprise_uscc", False),
    ("涉及单位", "agency_name", False),
    ("诉求事项", "subject", False),
    ("诉求内容", "content", True),
)
MODES = ("all_or_nothing", "good_rows")
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RowError:
    """A bad row: its line in the sheet, the column and why."""

    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did: complaints created, orders already registered, bad rows; ``committed`` False
    when all-or-nothing met a bad row (then nothing was written).
    """

    mode: str
    rows: int = 0
    created: list[int] = field(default_factory=list)
    repeated: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    committed: bool = True


class _Rollback(Exception):
    pass


def hotline_template_xlsx() -> bytes:
    """The template workbook: the expected columns and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "12345工单"
    sheet.append([name for name, _arg, _req in COLUMNS])
    sheet.append(["12345-20261120-0001", "2026-11-20 09:30", "张先生", "13800000000", "", "",
                  "反映检查过于频繁", "企业反映同一部门一个月内多次到厂检查,影响生产"])
    for column, width in zip("ABCDEFGH", (22, 18, 10, 14, 26, 18, 18, 50), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _called_at(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = str(value or "").strip().replace("/", "-")
        moment = None
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                moment = dt.datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if moment is None:
            raise ValidationFailed(FieldError("来电时间", "应为“2026-11-20 09:30”格式的时间"))
    # Spreadsheet times are local (Asia/Shanghai) wall-clock times.
    return moment.replace(tzinfo=clock.LOCAL_TZ) if moment.tzinfo is None else moment


def _rows(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(FieldError("file", "无法读取文件,请上传 .xlsx 格式的工单表")) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, [])]
    missing = [name for name, _arg, required in COLUMNS if required and name not in header]
    if missing:
        raise ValidationFailed(FieldError("file", f"缺少列:{'、'.join(missing)}(请使用模板)"))
    positions = {name: header.index(name) for name, _arg, _req in COLUMNS if name in header}
    for line, row in enumerate(rows, start=2):
        values = {name: (row[i] if i < len(row) else None) for name, i in positions.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        yield line, values


def _field_column(name: str) -> str:
    return {arg: column for column, arg, _req in COLUMNS}.get(name, name)


def complaints_import(*, actor, filename: str, data: bytes, mode: str) -> ImportReport:
    """Import a workbook of hotline work orders (bureau)."""
    if not actor_has_role(actor, Role.BUREAU):
        raise PermissionDenied("只有司法局可以导入12345热线工单")
    if mode not in MODES:
        raise ValidationFailed(FieldError("mode", "请选择导入方式"))
    if not (filename or "").lower().endswith(".xlsx") or len(data) > MAX_BYTES:
        raise ValidationFailed(FieldError("file", "请上传不超过 5 MB 的 .xlsx 工单表"))
    report = ImportReport(mode=mode)
    rows = list(_rows(data))
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(FieldError("file", f"一次最多导入 {MAX_ROWS} 行"))
    try:
        with transaction.atomic():
            for line, values in rows:
                report.rows += 1
                _import_row(actor, line, values, report)
            if report.errors and mode == "all_or_nothing":
                raise _Rollback
            if report.created:
                audit_record(actor=actor, action="complaint.import", subject=("feedback.import", filename[:100]),
                             after={"mode": mode, "rows": report.rows, "created": report.created,
                                    "repeated": report.repeated, "bad_lines": [e.line for e in report.errors]})
    except _Rollback:
        report.committed = False
    return report


def _import_row(actor, line: int, values: dict, report: ImportReport) -> None:
    args = {arg: values.get(column) for column, arg, _req in COLUMNS}
    missing = [column for column, arg, required in COLUMNS if required and values.get(column) in (None, "")]
    if missing:
        report.errors.extend(RowError(line, column, "必填") for column in missing)
        return
    # The same text rule as the API and the forms (core.inputs.text_problem), per cell with its column.
    unreadable = row_text_errors({column: value for column, value in values.items() if isinstance(value, str)})
    if unreadable:
        report.errors.extend(RowError(line, e.field, e.message) for e in unreadable)
        return
    try:
        args["called_at"] = _called_at(args["called_at"])
        with transaction.atomic():  # a savepoint: a refused row leaves the others intact
            complaint, created = complaint_from_hotline(actor=actor, **{k: v if k == "called_at" else str(v or "")
                                                                       for k, v in args.items()})
    except ValidationFailed as exc:
        report.errors.extend(RowError(line, _field_column(e.field), e.message) for e in exc.errors)
        return
    except DomainError as exc:
        report.errors.append(RowError(line, "工单编号", exc.detail))
        return
    (report.created if created else report.repeated).append(complaint.pk)
