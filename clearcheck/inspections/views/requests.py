"""Recusal pages (R13): the enterprise files and follows its requests; the agency head decides them.
Entry refusal pages (R29): the enterprise records entries it refused; its readers follow them.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from clearcheck.accounts.choices import Role
from clearcheck.alerts.selectors import alerts_about
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError, FieldError, ValidationFailed
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, form_labels, form_once_done, form_once_record, role_required
from clearcheck.registry import recusals
from clearcheck.registry.choices import RecusalStatus
from clearcheck.registry.selectors import agency_list_public
from clearcheck.registry.workflows import RECUSAL

from .. import selectors, services
from ..forms import EntryRefusalForm, RecusalDecisionForm, RecusalFileForm


def _form_errors(form) -> ValidationFailed:
    return ValidationFailed([FieldError(name, str(errs[0])) for name, errs in form.errors.items()])


def _decide(request, request_id: int) -> None:
    form = RecusalDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        record = recusals.recusal_request_decide(
            actor=request.user, request_id=request_id, grant=form.cleaned_data["action"] == "grant",
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        error_message(request, exc)
        return
    messages.success(request, f"{record.officer.name}:{record.get_status_display()},已告知企业")


@enterprise_portal
@role_required(*selectors.READER_ROLES)
def recusal_list(request):
    """The actor's recusal requests; the enterprise files here, the agency head decides pending ones from here."""
    if request.method == "POST":
        if done := form_once_done(request):
            messages.info(request, "这份回避申请已经提交过,没有重复提交")
            return redirect(done)
        form = RecusalFileForm(request.POST)
        try:
            if not form.is_valid():
                raise _form_errors(form)
            officer_id = recusals.officer_id_for_credential(form.cleaned_data["credential_no"])
            record = recusals.recusal_request_file(actor=request.user, officer_id=officer_id,
                                                   reason=form.cleaned_data["reason"])
        except DomainError as exc:
            # Shown again with what was typed (issue 19): nothing the enterprise wrote is lost.
            error_message(request, exc, form_labels(form))
            return _recusal_list_page(request, typed=request.POST, status=422)
        messages.success(request, "回避申请已提交,待执法机关负责人决定")
        url = reverse("inspections:recusal_detail", kwargs={"request_id": record.pk})
        form_once_record(request, url)
        return redirect(url)
    return _recusal_list_page(request)


def _recusal_list_page(request, typed=None, status: int = 200):
    status_filter = request.GET.get("status") or ""
    qs = recusals.recusal_requests_for_actor(actor=request.user, status=status_filter or None).order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    role = request.user.role
    rows = [(r, RECUSAL.actions_for(r.status, role)) for r in page]
    return render(request, "inspections/recusal_list.html", {
        "page": page, "rows": rows, "status": status_filter, "statuses": RecusalStatus.choices,
        "can_file": role == Role.ENTERPRISE, "typed": typed or {},
    }, status=status)


@enterprise_portal
@role_required(*selectors.READER_ROLES)
def recusal_detail(request, request_id: int):
    """One recusal request: its grounds, and the decision with reasons once made."""
    record = get_or_404(recusals.recusal_request_get_for_actor, actor=request.user, request_id=request_id)
    if request.method == "POST":
        _decide(request, record.pk)
        return redirect("inspections:recusal_detail", request_id=record.pk)
    return render(request, "inspections/recusal_detail.html", {
        "record": record, "actions": RECUSAL.actions_for(record.status, request.user.role),
    })


@enterprise_portal
@role_required(*selectors.READER_ROLES)
def entry_refusal_list(request):
    """The actor's entry refusals; the enterprise records one here (R29, 四(八))."""
    can_record = request.user.role == Role.ENTERPRISE
    if request.method == "POST":
        if done := form_once_done(request):
            messages.info(request, "这条拒绝入企记录已经提交过,没有重复提交")
            return redirect(done)
        form = EntryRefusalForm(request.POST)
        try:
            if not form.is_valid():
                raise _form_errors(form)
            data = form.cleaned_data
            record = services.entry_refusal_record(
                actor=request.user, agency_id=data["agency_id"], people=data["people"],
                occurred_at=data["occurred_at"], place=data["place"], feedback=data["feedback"],
            )
        except DomainError as exc:
            error_message(request, exc, form_labels(form))
            return _entry_refusal_list_page(request, can_record, typed=request.POST, status=422)
        messages.success(request, "拒绝入企情况已记录,已反馈监督部门")
        url = reverse("inspections:entry_refusal_detail", kwargs={"refusal_id": record.pk})
        form_once_record(request, url)
        return redirect(url)
    return _entry_refusal_list_page(request, can_record)


def _entry_refusal_list_page(request, can_record: bool, typed=None, status: int = 200):
    qs = selectors.entry_refusals_for_actor(actor=request.user).order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "inspections/entry_refusal_list.html", {
        "page": page, "can_record": can_record, "typed": typed or {},
        "agencies": agency_list_public() if can_record else [],
    }, status=status)


@enterprise_portal
@role_required(*selectors.READER_ROLES)
def entry_refusal_detail(request, refusal_id: int):
    """One entry refusal: who came, when and where, the enterprise's feedback, and how the bureau handled the
    alert it raised (R29).
    """
    record = get_or_404(selectors.entry_refusal_get_for_actor, actor=request.user, refusal_id=refusal_id)
    return render(request, "inspections/entry_refusal_detail.html", {"record": record, "alerts": alerts_about(record)})
