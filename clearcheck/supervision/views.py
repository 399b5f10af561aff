"""Alert list pages: the bureau sees every alert, each agency its own."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from clearcheck.accounts.choices import Role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required

from . import selectors, services
from .choices import AlertState

ALERT_READERS = (Role.BUREAU, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


@role_required(*ALERT_READERS)
def alert_list(request):
    """The alert inbox of the actor's scope."""
    state = request.GET.get("state") or None
    rule_id = request.GET.get("rule") or None
    qs = selectors.alert_list_for_actor(actor=request.user, state=state, rule_id=rule_id)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "supervision/alert_list.html",
                  {"page": page, "states": AlertState.choices, "state": state or "", "rule": rule_id or ""})


@role_required(*ALERT_READERS)
def alert_detail(request, alert_id: int):
    """One alert, with acknowledge / resolve actions."""
    alert = get_or_404(selectors.alert_get_for_actor, actor=request.user, alert_id=alert_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                services.alert_acknowledge(actor=request.user, alert_id=alert.pk)
            else:
                services.alert_resolve(actor=request.user, alert_id=alert.pk, note=request.POST.get("note", ""))
            messages.success(request, "已保存")
        except DomainError as exc:
            error_message(request, exc)
        return redirect("supervision:alert_detail", alert_id=alert.pk)
    return render(request, "supervision/alert_detail.html", {"alert": alert, "facts": services.alert_facts(alert)})
