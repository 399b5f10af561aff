"""Printable documents of on-site work (issue 4, section 9), rendered with WeasyPrint (ADR 0012).

One function per document, each taking the acting user and an id, checking that the actor may read it
(``scope``; not yours is NotFound) and returning a ``PdfDocument``:

- ``approval_form(actor=, task_id=)``: 行政检查审批表;
- ``notice(actor=, task_id=)``: 行政检查通知书;
- ``record(actor=, visit_id=)``: 现场检查笔录;
- ``correction_order(actor=, disposition_id=)``: 责令改正通知书.

``render(template, context)`` turns any document template into PDF bytes. Documents are rendered on
each request; nothing is cached.
"""

from .records import correction_order, correction_order_context, record, record_context
from .render import PdfDocument, render
from .tasks import approval_form, approval_form_context, notice, notice_context

__all__ = [
    "PdfDocument", "approval_form", "approval_form_context", "correction_order", "correction_order_context",
    "notice", "notice_context", "record", "record_context", "render",
]
