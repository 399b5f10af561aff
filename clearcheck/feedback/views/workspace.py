"""Workspace pages (/work/feedback/): the bureau's evaluation list and detail, the agencies' aggregate
view (≥5 evaluations only, R27), and complaints: the inbox, recording by hand, the workflow, and the
Excel import of 12345 work orders.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, form_once_done, form_once_record, role_required
from clearcheck.registry.selectors import agency_list_for_actor

from .. import importers, selectors, services
from ..choices import CONDUCT_QUESTIONS, MANUAL_CHANNELS, MIN_GROUP, Channel, ComplaintStatus
from ..forms import complaint_values, received_at_value
from ..services.complaints import MAX_TEXT, complaint_actions

# The forms' own labels, for errors that name a field (core.web.error_text).
BUREAU_COMPLAINT_LABELS = {
    "channel": _lazy("来源渠道"), "complainant_name": _lazy("投诉人或转办单位"), "complainant_contact": _lazy("联系方式"),
    "external_ref": _lazy("来件编号"), "received_at": _lazy("收到时间"), "enterprise_id": _lazy("涉及企业"),
    "agency_id": _lazy("被投诉机关"), "officer_named": _lazy("涉及执法人员"), "subject": _lazy("事项"),
    "content": _lazy("内容")}
ACTION_LABELS = {"agency_id": _lazy("承办机关"), "result": _lazy("办理结果"), "reply": _lazy("答复内容"),
                 "reason": _lazy("不予受理理由")}

FULL = (Role.BUREAU, Role.DISCIPLINE)
AGGREGATE = (*FULL, Role.AGENCY_ADMIN, Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)
COMPLAINT_READERS = AGGREGATE


def _labels(labels: dict) -> dict[str, str]:
    """The labels in the request's language."""
    return {name: str(label) for name, label in labels.items()}


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
    """Record a complaint brought by 工商联, an enterprise contact point or a social supervisor. Sent twice, it
    leads to the complaint recorded; refused, it comes back with what was typed (422).
    """
    form = {"channel": MANUAL_CHANNELS[0]}
    status = 200
    if request.method == "POST":
        if done := form_once_done(request):
            messages.info(request, _("这份投诉举报已经登记过,没有重复登记"))
            return redirect(done)
        form = {**complaint_values(request.POST), "received_at": request.POST.get("received_at", "")}
        try:
            complaint = services.complaint_receive(
                actor=request.user, received_at=received_at_value(form["received_at"]),
                **{k: (v or None) if k.endswith("_id") else v for k, v in form.items() if k != "received_at"})
            messages.success(request, _("已登记投诉举报"))
            url = reverse("feedback:complaint_detail", kwargs={"complaint_id": complaint.pk})
            form_once_record(request, url)
            return redirect(url)
        except DomainError as exc:
            error_message(request, exc, _labels(BUREAU_COMPLAINT_LABELS))
            status = 422
    return render(request, "feedback/complaint_form.html", {
        "form": form, "channels": [(c, Channel(c).label) for c in MANUAL_CHANNELS],
        "agencies": agency_list_for_actor(actor=request.user), "max_content": MAX_TEXT}, status=status)


@role_required(*COMPLAINT_READERS)
def complaint_detail(request, complaint_id: int):
    """A complaint, its handling and reply, and the actions open to the reader."""
    return _complaint_page(request, complaint_id)


def _complaint_page(request, complaint_id: int, typed=None, status: int = 200):
    complaint = get_or_404(selectors.complaint_get_for_actor, actor=request.user, complaint_id=complaint_id)
    return render(request, "feedback/complaint_detail.html", {
        "complaint": complaint, "actions": complaint_actions(request.user, complaint),
        "overdue": selectors.complaint_is_overdue(complaint), "typed": typed or {}, "max_text": MAX_TEXT,
        "agencies": agency_list_for_actor(actor=request.user) if request.user.role == Role.BUREAU else []},
        status=status)


@role_required(Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
@require_POST
def complaint_action(request, complaint_id: int):
    """Take one workflow step: accept, forward, report, reply, close, reject. The same step sent twice leads
    back to the complaint; a refused one comes back with what was typed (422).
    """
    get_or_404(selectors.complaint_get_for_actor, actor=request.user, complaint_id=complaint_id)
    url = reverse("feedback:complaint_detail", kwargs={"complaint_id": complaint_id})
    if form_once_done(request):
        messages.info(request, _("这一步已经办理过,没有重复办理"))
        return redirect(url)
    action, p = request.POST.get("action", ""), request.POST
    text = p.get("text", "").replace("\r\n", "\n")
    calls = {
        "accept": lambda: services.complaint_accept(actor=request.user, complaint_id=complaint_id),
        "forward": lambda: services.complaint_forward(actor=request.user, complaint_id=complaint_id,
                                                      agency_id=p.get("agency_id")),
        "report": lambda: services.complaint_report(actor=request.user, complaint_id=complaint_id, result=text),
        "reply": lambda: services.complaint_reply(actor=request.user, complaint_id=complaint_id, reply=text),
        "close": lambda: services.complaint_close(actor=request.user, complaint_id=complaint_id),
        "reject": lambda: services.complaint_reject(actor=request.user, complaint_id=complaint_id, reason=text),
    }
    if action not in calls:
        messages.error(request, _("未知的操作"))
        return redirect(url)
    try:
        calls[action]()
    except DomainError as exc:
        error_message(request, exc, _labels(ACTION_LABELS))
        return _complaint_page(request, complaint_id, typed={"action": action, "text": text,
                                                             "agency_id": p.get("agency_id", "")}, status=422)
    messages.success(request, _("已办理"))
    form_once_record(request, url)
    return redirect(url)


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
