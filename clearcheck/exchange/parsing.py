"""Reading spreadsheets: .csv (UTF-8 with or without BOM, GB18030/GBK as Chinese Excel writes it)
and .xlsx (openpyxl, read-only). Header cells in Chinese or English map to field names.

Line numbers are the spreadsheet's own (the header is line 1), so a user finds a reported row
where Excel shows it. A file that cannot be read is refused as a whole, before anything is written.
"""

import csv
import datetime as dt
import io
import operator
import zipfile
from collections.abc import Iterator

from clearcheck.core.errors import FieldError, ValidationFailed

from .choices import ImportKind

# field -> accepted header names (the first is the template's header)
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    ImportKind.ENTERPRISES: {
        "uscc": ("统一社会信用代码", "uscc", "信用代码", "社会信用代码"),
        "name": ("企业名称", "name", "名称", "主体名称"),
        "entity_type": ("主体类型", "entity_type", "市场主体类型"),
        "legal_representative": ("法定代表人", "legal_representative", "法定代表人/经营者", "经营者", "负责人"),
        "address": ("住所", "address", "地址", "经营场所"),
        "region": ("行政区划代码", "region", "region_code", "区划代码"),
        "industry": ("行业代码", "industry", "industry_code", "国民经济行业代码"),
        "latitude": ("纬度", "latitude", "lat"),
        "longitude": ("经度", "longitude", "lng", "lon"),
        "coordinate_datum": ("坐标系", "coordinate_datum", "坐标基准", "datum"),
        "status": ("登记状态", "status", "状态"),
    },
    ImportKind.OFFICERS: {
        "name": ("姓名", "name"),
        "credential_no": ("执法证号", "credential_no", "执法证件号", "证件号"),
        "valid_from": ("有效期起", "valid_from", "有效期开始"),
        "valid_to": ("有效期止", "valid_to", "有效期结束", "有效期至"),
        "status": ("证件状态", "status"),
        "personnel_type": ("人员类别", "personnel_type", "人员类型"),
        "agency_code": ("所属机关编码", "agency_code", "机关编码"),
    },
    ImportKind.AGENCIES: {
        "code": ("主体编码", "code", "机关编码"),
        "name": ("名称", "name", "主体名称", "机关名称"),
        "kind": ("主体类别", "kind", "主体类型"),
        "legal_basis": ("法定依据", "legal_basis", "设定依据"),
        "region": ("行政区划代码", "region", "region_code", "区划代码"),
        "parent_code": ("上级机关编码", "parent_code", "上级主体编码"),
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    ImportKind.ENTERPRISES: ("uscc", "name", "entity_type", "region", "industry"),
    ImportKind.OFFICERS: ("name", "credential_no", "valid_from", "valid_to"),
    ImportKind.AGENCIES: ("code", "name", "kind", "legal_basis", "region"),
}

EXTENSIONS = (".csv", ".xlsx")
_CSV_ENCODINGS = ("utf-8", "gb18030")


def _header_key(cell) -> str:
    # "统一社会信用代码*", " USCC ", "纬度(WGS-84)" all name the same column.
    text = str(cell if cell is not None else "").replace("\ufeff", "").strip().lower()
    text = text.rstrip("*＊").strip()
    for bracket in ("(", "("):
        if bracket in text and not text.startswith(bracket):
            text = text.split(bracket, 1)[0].strip()
    return text.replace(" ", "")


def header_map(kind: str, header: list) -> dict[int, str]:
    """Map column positions to field names; refuse a file that lacks a required column."""
    lookup = {_header_key(name): field for field, names in COLUMNS[kind].items() for name in names}
    positions: dict[int, str] = {}
    seen: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        field = lookup.get(_header_key(cell))
        if field is None:
            continue
        if field in seen:
            errors.append(FieldError("file", f"第1行表头中“{cell}”与第{seen[field] + 1}列重复"))
            continue
        seen[field] = index
        positions[index] = field
    missing = [COLUMNS[kind][f][0] for f in REQUIRED[kind] if f not in seen]
    if missing:
        errors.append(FieldError("file", f"表头(第1行)缺少必需的列:{'、'.join(missing)}"))
    if errors:
        raise ValidationFailed(errors)
    return positions


def _cell_text(value):
    # Excel stores codes typed as numbers (371524, 2740) as numbers; the registry wants text.
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    return str(value)


def _csv_text(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise ValidationFailed(FieldError("file", "文件扩展名为 .csv,但内容是 Excel(.xlsx)文件,请改用 .xlsx 扩展名或另存为 CSV"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise ValidationFailed(FieldError("file", "无法读取 CSV 文件:内容含有二进制数据(请使用 UTF-8 或 GBK 编码的 CSV)"))
    for encoding in _CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(FieldError("file", "无法识别 CSV 文件的编码(支持 UTF-8 与 GBK/GB18030)"))


def _csv_rows(data: bytes) -> Iterator[list]:
    reader = csv.reader(io.StringIO(_csv_text(data), newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise ValidationFailed(FieldError("file", f"CSV 文件格式错误(第{reader.line_num}行):{exc}"))


def _xlsx_rows(data: bytes) -> Iterator[list]:
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationFailed(FieldError("file", "文件扩展名为 .xlsx,但内容不是有效的 Excel 文件(可能已损坏或是其他格式)"))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds of errors for a broken file
        raise ValidationFailed(FieldError("file", "无法读取 Excel 文件(文件已损坏或不是 .xlsx 格式;旧版 .xls 请另存为 .xlsx)"))
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    except Exception:  # noqa: BLE001
        raise ValidationFailed(FieldError("file", "读取 Excel 文件时出错(文件已损坏)"))
    finally:
        workbook.close()


def _is_blank(values) -> bool:
    return not any(v.strip() if isinstance(v, str) else v for v in values)


def rows_read(filename: str, data: bytes, kind: str = ImportKind.ENTERPRISES) -> Iterator[tuple[int, dict]]:
    """Yield ``(line_number, {field: value})`` for every non-blank data row of a .csv or .xlsx file.

    The header, encoding and format are checked before the first row is returned; any problem
    raises ``ValidationFailed(FieldError("file", ...))``.
    """
    if kind not in COLUMNS:
        raise ValidationFailed(FieldError("kind", f"未知导入类型:{kind}"))
    name = (filename or "").strip().lower()
    if not name.endswith(EXTENSIONS):
        raise ValidationFailed(FieldError("file", "只支持 .xlsx 或 .csv 文件"))
    if not data:
        raise ValidationFailed(FieldError("file", "文件为空"))
    raw = _xlsx_rows(data) if name.endswith(".xlsx") else _csv_rows(data)
    header = next(raw, None)
    if header is None or _is_blank(header):
        raise ValidationFailed(FieldError("file", "文件为空或第1行不是表头"))
    positions = header_map(kind, header)
    numbered = enumerate(raw, start=2)
    for line, values in numbered:
        if not _is_blank(values):
            return _rows_iter((line, values), numbered, positions)
    raise ValidationFailed(FieldError("file", "文件只有表头,没有数据行"))


def _rows_iter(first: tuple[int, list], numbered, positions: dict[int, str]) -> Iterator[tuple[int, dict]]:
    fields = tuple(positions.values())
    pick = operator.itemgetter(*positions.keys())  # at least the required columns, so always a tuple
    width = max(positions) + 1
    padding = [""] * width
    line, values = first
    if len(values) < width:
        values = list(values) + padding[len(values):]
    yield line, dict(zip(fields, pick(values), strict=True))
    for line, values in numbered:
        # A blank CSV line is [], a blank Excel row all "": both keep their line number and are skipped.
        if not any(values):
            continue
        if len(values) < width:
            values = list(values) + padding[len(values):]
        yield line, dict(zip(fields, pick(values), strict=True))
