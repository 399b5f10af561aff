"""Rendering a document template to PDF with WeasyPrint (ADR 0012).

Templates live in ``templates/inspections/documents/`` and carry their own print CSS (A4, margins,
``@page`` counters for "第 x 页 共 y 页"). Chinese renders with the system font "Noto Sans CJK SC"
(Debian ``fonts-noto-cjk``). Nothing is fetched while rendering: the only URLs a document may use are
``data:`` URIs (signature images are embedded that way), so a document never reaches the network or
the file system whatever text ends up in it.
"""

import base64
import logging
import time
from dataclasses import dataclass
from urllib.parse import quote

import weasyprint
from django.template.loader import render_to_string
from django.utils import translation

log = logging.getLogger(__name__)

TEMPLATE_DIR = "inspections/documents"


@dataclass(frozen=True)
class PdfDocument:
    """A rendered document: its Chinese file name, an ASCII name for old clients, and its bytes."""

    filename: str
    ascii_filename: str
    pdf: bytes


def _fetcher() -> weasyprint.urls.URLFetcher:
    # data: only — no http(s), no file: (a stray URL in user text must not read the server's files).
    return weasyprint.urls.URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render_html(template: str, context: dict) -> str:
    """The HTML of a document (always in Chinese: the documents are official texts)."""
    with translation.override("zh-hans"):
        return render_to_string(f"{TEMPLATE_DIR}/{template}", context)


def render_layout(template: str, context: dict) -> weasyprint.document.Document:
    """The laid-out document (pages and boxes); tests read its text from here."""
    html = render_html(template, context)
    return weasyprint.HTML(string=html, base_url="data:,", url_fetcher=_fetcher()).render()


def render(template: str, context: dict) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes (fresh each time: nothing mutable is cached)."""
    started, cpu = time.perf_counter(), time.process_time()
    pdf = render_layout(template, context).write_pdf()
    log.info("document %s rendered in %.0f ms (%.0f ms CPU, %d bytes)", template,
             (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000, len(pdf))
    return pdf


def png_data_uri(data: bytes) -> str:
    """A PNG as a ``data:`` URI for an ``<img>`` of a document."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def content_disposition(filename: str, fallback: str) -> str:
    """``inline`` with an ASCII ``filename`` and the Chinese name per RFC 6266 / RFC 5987 (``filename*``)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in fallback)
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
