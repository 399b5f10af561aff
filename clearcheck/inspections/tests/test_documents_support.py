"""Helpers of the document tests (no tests here): the text of a rendered PDF, read from WeasyPrint's layout
boxes (no PDF text extractor is installed), and the number of pages of the PDF bytes.
"""

import re
import zlib

import pytest


def _walk(box, out: list[str]) -> None:
    text = getattr(box, "text", None)
    if text:
        out.append(text)
    for child in getattr(box, "children", None) or ():
        _walk(child, out)


def layout_pages(template: str, context: dict) -> list[str]:
    """The text of each laid-out page of a document (margin boxes included: page numbers)."""
    from clearcheck.inspections.documents.render import render_layout

    pages = []
    for page in render_layout(template, context).pages:
        out: list[str] = []
        _walk(page._page_box, out)
        pages.append("".join(out))
    return pages


def layout_text(template: str, context: dict) -> str:
    """All text of a document, pages joined."""
    return "\n".join(layout_pages(template, context))


def pdf_objects_text(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated (WeasyPrint packs objects into object streams)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_page_count(pdf: bytes) -> int:
    """Pages in a PDF: the ``/Count`` of its page tree root (the ``/Type /Pages`` dictionary)."""
    counts = []
    for dictionary in re.findall(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", pdf_objects_text(pdf)):
        counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)", dictionary)]
    return max(counts, default=0)


@pytest.fixture
def pdf_renders_shared(monkeypatch):
    """Within one test, a document whose HTML is byte-for-byte the same is laid out and written once.

    For the tests that fetch one document as many users: each response is still produced by the view, the
    access rules and the HTML template; only WeasyPrint's work (1–2 s a time) is not repeated for the same
    HTML. A test that changes what the document shows gets a new rendering, since its HTML differs.
    """
    from clearcheck.inspections.documents import records, tasks
    from clearcheck.inspections.documents.render import render, render_html

    original, rendered = render, {}

    def shared(template: str, context: dict) -> bytes:
        key = (template, render_html(template, context))
        if key not in rendered:
            rendered[key] = original(template, context)
        return rendered[key]

    for module in (records, tasks):
        monkeypatch.setattr(module, "render", shared)
    return rendered
