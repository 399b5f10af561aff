"""The audit trail page for the bureau and the discipline role."""

from django.core.paginator import Paginator
from django.shortcuts import render

from clearcheck.accounts.choices import Role
from clearcheck.core.web import role_required

from .selectors import audit_events_recent


@role_required(Role.BUREAU, Role.DISCIPLINE)
def event_list(request):
    """Newest audit events, filterable by action and subject."""
    qs = audit_events_recent()
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "action": action})
