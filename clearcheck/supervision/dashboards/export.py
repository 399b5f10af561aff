"""Excel export of dashboard tables (openpyxl): one sheet per panel, Chinese headers in the first row."""

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", str(title))[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}", n + 1
    used.add(name)
    return name


def workbook_of(panels: list[dict]) -> bytes:
    """The panels' tables as an .xlsx file (each panel: ``title`` and ``table`` with headers and rows)."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for panel in panels:
        sheet = book.create_sheet(_sheet_title(panel["title"], used))
        sheet.append([str(h) for h in panel["table"]["headers"]])
        for row in panel["table"]["rows"]:
            sheet.append([c if isinstance(c, int | float) else str(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(panels: list[dict], filename: str) -> HttpResponse:
    """An attachment download of ``workbook_of(panels)``."""
    response = HttpResponse(workbook_of(panels), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
