"""The audit trail page for the bureau and the discipline role."""

from django.core.paginator import Paginator
from django.shortcuts import render

from clearcheck.core.web import permission_required

from .permissions import READ_TRAIL
from .selectors import audit_events_recent


@permission_required(READ_TRAIL)
def event_list(request):
    """Newest audit events, filterable by action and subject."""
    qs = audit_events_recent()
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "action": action})
