"""The audit trail page for the bureau and the discipline role."""

from django.core.paginator import Paginator
from django.shortcuts import render

from clearcheck.core.web import permission_required

from .labels import ACTION_LABELS, ENTITY_LABELS, action_choices
from .permissions import READ_TRAIL
from .selectors import audit_events_recent


def _action_groups() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(entity prefix, entity label, [(code, label)]) for the filter: each entity's actions under its name."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, label in action_choices():
        groups.setdefault(code.split(".", 1)[0], []).append((code, label))
    return [(prefix, str(ENTITY_LABELS.get(prefix, prefix)), rows) for prefix, rows in groups.items()]


@permission_required(READ_TRAIL)
def event_list(request):
    """Newest audit events, filterable by an action (``enterprise.update``) or all of an entity's (``enterprise.``),
    chosen from their Chinese labels.
    """
    qs = audit_events_recent()
    action = request.GET.get("action", "").strip()
    if action.endswith("."):
        qs = qs.filter(action__startswith=action)
    elif action:
        qs = qs.filter(action=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {
        "page": page, "action": action, "action_groups": _action_groups(), "known": action in ACTION_LABELS,
    })
