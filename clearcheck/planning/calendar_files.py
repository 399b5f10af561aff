"""A year's official schedule as a file (CSV or JSON), checked in full before anything is written (issue 20).

The one parser for the bureau's form, the API and ``clearcheck calendar load``; the format is in
``docs/deployment.md`` ("The working-day calendar"). A file is one whole year: every holiday (放假) and
every make-up workday (调休上班) the State Council's notice lists for it. Every problem is reported with its
line (CSV) or item (JSON) number, in Chinese, and nothing is loaded unless the whole file is right.
"""

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

from clearcheck.core.errors import FieldError, ValidationFailed
from clearcheck.core.inputs import text_problem

from .choices import CalendarDayKind

MAX_BYTES = 256 * 1024
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_NAME = 64
MAX_SOURCE = 200
# The seven holidays of the national regulation (《全国年节及纪念日放假办法》): a year's file names each.
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
KIND_WORDS = {
    "holiday": CalendarDayKind.HOLIDAY, "法定节假日": CalendarDayKind.HOLIDAY, "放假": CalendarDayKind.HOLIDAY,
    "节假日": CalendarDayKind.HOLIDAY, "休": CalendarDayKind.HOLIDAY,
    "workday": CalendarDayKind.WORKDAY, "调休上班": CalendarDayKind.WORKDAY, "上班": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY,
}
HEADER_WORDS = {"date", "日期"}


@dataclass(frozen=True)
class YearSchedule:
    """A checked year: its holidays and make-up workdays as ``(date, kind, name)``, by date."""

    year: int
    source: str
    days: list[tuple[dt.date, str, str]]


def year_check(value, field: str = "year") -> int:
    """A year between 2000 and 2100, or a field error."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationFailed(FieldError(field, "请填写年度(如 2027)")) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(FieldError(field, f"年度须在 {MIN_YEAR} 至 {MAX_YEAR} 之间"))
    return year


def day_check(date: dt.date, kind: str, name: str, *, where: str = "", field_prefix: str = "") -> list[FieldError]:
    """The rules of one listed day (shared by a year file and the bureau's correction of a single day)."""
    errors = []
    if kind not in CalendarDayKind.values:
        errors.append(FieldError(f"{field_prefix}kind", f"{where}类型须为“法定节假日”或“调休上班”"))
    elif kind == CalendarDayKind.WORKDAY and date.weekday() < 5:
        errors.append(FieldError(f"{field_prefix}date",
                                 f"{where}{date:%Y-%m-%d} 是周一至周五,本就是工作日,不能登记为调休上班"))
    if not name:
        errors.append(FieldError(f"{field_prefix}name", f"{where}请填写节日名称"))
    elif len(name) > MAX_NAME:
        errors.append(FieldError(f"{field_prefix}name", f"{where}名称不超过 {MAX_NAME} 个字"))
    elif problem := text_problem(name):
        errors.append(FieldError(f"{field_prefix}name", f"{where}名称{problem}"))
    return errors


def _rows_json(text: str) -> tuple[int | None, str, list[tuple[str, object, object, object]]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed(FieldError("file", f"不是有效的 JSON 文件(第 {exc.lineno} 行附近有误)")) from None
    if isinstance(data, list):
        data = {"days": data}
    if not isinstance(data, dict) or not isinstance(data.get("days"), list):
        raise ValidationFailed(FieldError("file", "JSON 文件须含 days 列表,每项写明日期、类型和名称"))
    rows = []
    for number, item in enumerate(data["days"], start=1):
        where = f"第 {number} 项:"
        if isinstance(item, dict):
            rows.append((where, item.get("date"), item.get("kind"), item.get("name")))
        elif isinstance(item, list) and len(item) == 3:
            rows.append((where, *item))
        else:
            rows.append((where, None, None, None))
    source = data.get("source") if isinstance(data.get("source"), str) else ""
    return data.get("year"), source, rows


def _shown(value) -> str:
    # A refused value is echoed in the message only when it is short, printable text.
    text = str(value)
    return text if len(text) <= 20 and not text_problem(text) else "(无法显示的内容)"


def _rows_csv(text: str) -> list[tuple[str, object, object, object]]:
    if problem := text_problem(text):  # e.g. a NUL byte, which the csv module cannot read
        raise ValidationFailed(FieldError("file", f"文件{problem}"))
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if cells[0].lower() in HEADER_WORDS:
            continue
        where = f"第 {number} 行:"
        if len(cells) != 3:
            rows.append((where, None, None, None))
        else:
            rows.append((where, *cells))
    return rows


def schedule_file_parse(content: bytes | str, *, year=None, filename: str = "") -> YearSchedule:
    """Check a year file (CSV ``date,kind,name`` or JSON) and return its days; ``ValidationFailed`` lists every
    problem. The year comes from ``year`` (the form, the command's ``--year``) or the JSON's ``"year"``; when
    both are given they must agree.
    """
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise ValidationFailed(FieldError("file", "文件过大:一年的安排不超过 256 KB"))
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationFailed(FieldError("file", "文件须为 UTF-8 编码的文本")) from None
    text = content.lstrip("\ufeff")
    if not text.strip():
        raise ValidationFailed(FieldError("file", "文件是空的"))
    is_json = filename.lower().endswith(".json") or text.lstrip()[:1] in ("{", "[")
    file_year, source, rows = _rows_json(text) if is_json else (None, "", _rows_csv(text))
    if year in (None, "") and file_year in (None, ""):
        raise ValidationFailed(FieldError("year", "请注明这份安排是哪一年的(年度)"))
    the_year = year_check(year if year not in (None, "") else file_year)
    if year not in (None, "") and file_year not in (None, "") and str(file_year).strip() != str(the_year):
        raise ValidationFailed(FieldError("year", f"文件写明的年度 {_shown(file_year)} 与所选年度 {the_year} 不一致"))
    source = source.strip()
    if len(source) > MAX_SOURCE:
        raise ValidationFailed(FieldError("source", f"依据不超过 {MAX_SOURCE} 个字"))  # refused, never cut
    if problem := text_problem(source):
        raise ValidationFailed(FieldError("source", f"依据{problem}"))
    return YearSchedule(the_year, source, _days_check(the_year, rows))


def _days_check(year: int, rows) -> list[tuple[dt.date, str, str]]:
    errors: list[FieldError] = []
    days: dict[dt.date, tuple[dt.date, str, str]] = {}
    seen_at: dict[dt.date, str] = {}
    for where, raw_date, raw_kind, raw_name in rows:
        if raw_date is None and raw_kind is None and raw_name is None:
            errors.append(FieldError("file", f"{where}须依次写明日期、类型、名称三项"))
            continue
        try:
            date = dt.date.fromisoformat(str(raw_date).strip())
        except ValueError:
            errors.append(FieldError("file", f"{where}日期“{_shown(raw_date)}”不正确,请写成 {year}-01-01 的形式"))
            continue
        if date.year != year:
            errors.append(FieldError("file", f"{where}{date:%Y-%m-%d} 不在 {year} 年内"))
            continue
        if date in seen_at:
            errors.append(FieldError("file", f"{where}{date:%Y-%m-%d} 重复,{seen_at[date].rstrip(':')}已列出"))
            continue
        seen_at[date] = where
        kind = KIND_WORDS.get(str(raw_kind or "").strip().lower(), str(raw_kind or ""))
        name = str(raw_name or "").strip()
        day_errors = [FieldError("file", e.message if e.message.startswith(where) else where + e.message)
                      for e in day_check(date, kind, name, where=where)]
        errors.extend(day_errors)
        if not day_errors:
            days[date] = (date, kind, name)
    if not errors:
        named = "".join(name for _d, kind, name in days.values() if kind == CalendarDayKind.HOLIDAY)
        missing = [f for f in FESTIVALS if f not in named]
        if missing:
            errors.append(FieldError("file", f"安排不完整:缺少{'、'.join(missing)}的放假日期;"
                                             "须列出该年全部放假和调休上班日期"))
    if errors:
        raise ValidationFailed(errors, detail=f"{year} 年工作日历文件有 {len(errors)} 处错误,未载入")
    return [days[d] for d in sorted(days)]
