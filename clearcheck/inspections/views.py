"""Recusal pages (R13): the enterprise files and follows its requests; the agency head decides them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from clearcheck.accounts.choices import Role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError, FieldError, ValidationFailed
from clearcheck.core.web import error_message, role_required

from . import selectors, services
from .choices import RecusalStatus
from .forms import RecusalDecisionForm, RecusalFileForm
from .workflows import RECUSAL


def _form_errors(form) -> ValidationFailed:
    return ValidationFailed([FieldError(name, str(errs[0])) for name, errs in form.errors.items()])


def _decide(request, request_id: int) -> None:
    form = RecusalDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        record = services.recusal_request_decide(
            actor=request.user, request_id=request_id, grant=form.cleaned_data["action"] == "grant",
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        error_message(request, exc)
        return
    messages.success(request, f"{record.officer.name}:{record.get_status_display()},已告知企业")


@role_required(*selectors.READER_ROLES)
def recusal_list(request):
    """The actor's recusal requests; the enterprise files here, the agency head decides pending ones from here."""
    if request.method == "POST":
        form = RecusalFileForm(request.POST)
        try:
            if not form.is_valid():
                raise _form_errors(form)
            officer_id = selectors.officer_id_for_credential(form.cleaned_data["credential_no"])
            record = services.recusal_request_file(actor=request.user, officer_id=officer_id,
                                                   reason=form.cleaned_data["reason"])
        except DomainError as exc:
            error_message(request, exc)
            return redirect("inspections:recusal_list")
        messages.success(request, "回避申请已提交,待执法机关负责人决定")
        return redirect("inspections:recusal_detail", request_id=record.pk)
    status = request.GET.get("status") or ""
    qs = selectors.recusal_requests_for_actor(actor=request.user, status=status or None).order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    role = request.user.role
    rows = [(r, RECUSAL.actions_for(r.status, role)) for r in page]
    return render(request, "inspections/recusal_list.html", {
        "page": page, "rows": rows, "status": status, "statuses": RecusalStatus.choices,
        "can_file": role == Role.ENTERPRISE, "file_form": RecusalFileForm(),
    })


@role_required(*selectors.READER_ROLES)
def recusal_detail(request, request_id: int):
    """One recusal request: its grounds, and the decision with reasons once made."""
    record = get_or_404(selectors.recusal_request_get_for_actor, actor=request.user, request_id=request_id)
    if request.method == "POST":
        _decide(request, record.pk)
        return redirect("inspections:recusal_detail", request_id=record.pk)
    return render(request, "inspections/recusal_detail.html", {
        "record": record, "actions": RECUSAL.actions_for(record.status, request.user.role),
    })
