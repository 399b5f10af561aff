"""Workspace pages (/work/feedback/): the bureau's evaluation list and detail, the agencies' aggregate
view (≥5 evaluations only, R27), and complaints: the inbox, recording by hand, the workflow, and the
Excel import of 12345 work orders.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.selectors import agency_list_for_actor

from .. import importers, selectors, services
from ..choices import CONDUCT_QUESTIONS, MANUAL_CHANNELS, MIN_GROUP, Channel, ComplaintStatus
from ..forms import complaint_values, received_at_value
from ..services.complaints import complaint_actions

FULL = (Role.BUREAU, Role.DISCIPLINE)
AGGREGATE = (*FULL, Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
COMPLAINT_READERS = AGGREGATE


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@role_required(*FULL)
def evaluation_list(request):
    """Every evaluation in full: search, filter by agency, score and conduct flag, pages."""
    g = request.GET
    qs = selectors.evaluations_for_actor(actor=request.user, agency_id=g.get("agency") or None,
                                         score=g.get("score") or None, conduct=_flag(g.get("conduct")),
                                         q=g.get("q", ""))
    return render(request, "feedback/evaluation_list.html", {
        "page": Paginator(qs, 30).get_page(g.get("page")), "agencies": agency_list_for_actor(actor=request.user),
        "filters": g, "scores": range(1, 6)})


@role_required(*FULL)
def evaluation_detail(request, evaluation_id: int):
    """One evaluation in full, with the visit's recorded times."""
    evaluation = get_or_404(selectors.evaluation_get_for_actor, actor=request.user, evaluation_id=evaluation_id)
    return render(request, "feedback/evaluation_detail.html", {
        "evaluation": evaluation, "conduct": [(t, c in evaluation.conduct_yes) for c, t in CONDUCT_QUESTIONS]})


@role_required(*AGGREGATE)
def evaluation_summary(request):
    """Aggregates of a group of evaluations (an agency: its own), shown only over ≥ MIN_GROUP."""
    g = request.GET
    full = request.user.role in FULL
    data = selectors.evaluation_aggregate(actor=request.user, agency_id=(g.get("agency") or None) if full else None)
    return render(request, "feedback/evaluation_summary.html", {
        "data": data, "min_group": MIN_GROUP, "full": full, "filters": g,
        "agencies": agency_list_for_actor(actor=request.user) if full else [],
        "distribution": sorted(data["distribution"].items()) if data else []})


@role_required(*COMPLAINT_READERS)
def complaint_list(request):
    """Complaints in the reader's scope, overdue ones marked; filter by state, channel, overdue."""
    g, today = request.GET, clock.local_today()
    qs = selectors.complaints_for_actor(actor=request.user, status=g.get("status") or None,
                                        channel=g.get("channel") or None, overdue=g.get("overdue") == "1",
                                        q=g.get("q", ""), today=today)
    page = Paginator(qs, 30).get_page(g.get("page"))
    for c in page:
        c.overdue = selectors.complaint_is_overdue(c, today)
    return render(request, "feedback/complaint_list.html", {
        "page": page, "filters": g, "statuses": ComplaintStatus.choices, "channels": Channel.choices,
        "counts": selectors.complaint_counts(today) if request.user.role in FULL else None,
        "is_bureau": request.user.role == Role.BUREAU})


@role_required(Role.BUREAU)
def complaint_create(request):
    """Record a complaint brought by 工商联, an enterprise contact point or a social supervisor."""
    form = {"channel": MANUAL_CHANNELS[0]}
    if request.method == "POST":
        form = complaint_values(request.POST)
        try:
            complaint = services.complaint_receive(
                actor=request.user, received_at=received_at_value(request.POST.get("received_at", "")),
                **{k: (v or None) if k.endswith("_id") else v for k, v in form.items()})
            messages.success(request, _("已登记投诉举报"))
            return redirect("feedback:complaint_detail", complaint_id=complaint.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "feedback/complaint_form.html", {
        "form": form, "channels": [(c, Channel(c).label) for c in MANUAL_CHANNELS],
        "agencies": agency_list_for_actor(actor=request.user)})


@role_required(*COMPLAINT_READERS)
def complaint_detail(request, complaint_id: int):
    """A complaint, its handling and reply, and the actions open to the reader."""
    complaint = get_or_404(selectors.complaint_get_for_actor, actor=request.user, complaint_id=complaint_id)
    return render(request, "feedback/complaint_detail.html", {
        "complaint": complaint, "actions": complaint_actions(request.user, complaint),
        "overdue": selectors.complaint_is_overdue(complaint),
        "agencies": agency_list_for_actor(actor=request.user) if request.user.role == Role.BUREAU else []})


@role_required(Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
@require_POST
def complaint_action(request, complaint_id: int):
    """Take one workflow step: accept, forward, report, reply, close, reject."""
    get_or_404(selectors.complaint_get_for_actor, actor=request.user, complaint_id=complaint_id)
    action, p = request.POST.get("action", ""), request.POST
    calls = {
        "accept": lambda: services.complaint_accept(actor=request.user, complaint_id=complaint_id),
        "forward": lambda: services.complaint_forward(actor=request.user, complaint_id=complaint_id,
                                                      agency_id=p.get("agency_id")),
        "report": lambda: services.complaint_report(actor=request.user, complaint_id=complaint_id,
                                                    result=p.get("text", "")),
        "reply": lambda: services.complaint_reply(actor=request.user, complaint_id=complaint_id,
                                                  reply=p.get("text", "")),
        "close": lambda: services.complaint_close(actor=request.user, complaint_id=complaint_id),
        "reject": lambda: services.complaint_reject(actor=request.user, complaint_id=complaint_id,
                                                    reason=p.get("text", "")),
    }
    if action not in calls:
        messages.error(request, _("未知的操作"))
    else:
        try:
            calls[action]()
            messages.success(request, _("已办理"))
        except DomainError as exc:
            error_message(request, exc)
    return redirect("feedback:complaint_detail", complaint_id=complaint_id)


@role_required(Role.BUREAU)
def complaint_import(request):
    """Upload a workbook of 12345 work orders; show the per-row report."""
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            report = importers.complaints_import(
                actor=request.user, filename=getattr(upload, "name", ""),
                data=upload.read() if upload else b"", mode=request.POST.get("mode", ""))
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "feedback/complaint_import.html", {"report": report, "columns": importers.COLUMNS})


@role_required(Role.BUREAU)
def complaint_import_template(request):
    """The work-order template (.xlsx)."""
    response = HttpResponse(importers.hotline_template_xlsx(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="hotline-work-orders.xlsx"'
    return response
