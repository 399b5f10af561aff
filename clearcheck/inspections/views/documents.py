"""Printable documents (PDF, shown inline with a Chinese file name): 行政检查审批表 and 行政检查通知书 of
a task, 现场检查笔录 of a visit, 责令改正通知书 of a disposition. Not yours or missing: 404.
"""

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from clearcheck.core.api import get_or_404
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import role_required

from .. import documents
from ..documents.render import PdfDocument, content_disposition


def _pdf(document: PdfDocument) -> HttpResponse:
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(document.filename, document.ascii_filename)
    # Documents change as the record does and hold personal data: never cached, never shared.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@role_required()
def approval_form(request, task_id: int):
    """The 行政检查审批表 of a submitted task (the agency's staff, county readers)."""
    return _pdf(get_or_404(documents.approval_form, actor=request.user, task_id=task_id))


@enterprise_portal
@require_safe
@role_required()
def notice(request, task_id: int):
    """The 行政检查通知书 of an approved task (also its enterprise)."""
    return _pdf(get_or_404(documents.notice, actor=request.user, task_id=task_id))


@enterprise_portal
@require_safe
@role_required()
def record(request, visit_id: int):
    """The 现场检查笔录 of an inspection visit (also its enterprise)."""
    return _pdf(get_or_404(documents.record, actor=request.user, visit_id=visit_id))


@enterprise_portal
@require_safe
@role_required()
def correction_order(request, disposition_id: int):
    """The 责令改正通知书 of an order to correct (also its enterprise)."""
    return _pdf(get_or_404(documents.correction_order, actor=request.user, disposition_id=disposition_id))
