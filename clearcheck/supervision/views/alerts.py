"""Alert inboxes (/work/alerts/): the bureau sees every alert, each agency (admin, head) its own; discipline
reads all. Filters, counts per state, assignment, acknowledge / resolve (a note is required) / reopen, each
through ``clearcheck.alerts``' selectors and services; the bureau also runs the engine (``engine.alerts_run``).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.alerts import selectors, services
from clearcheck.alerts.checks import raised_where
from clearcheck.alerts.choices import AlertState, Severity
from clearcheck.audit.labels import action_label
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.rules import rule_title
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.models import Agency

from .. import engine
from ..alert_facts import alert_facts_present
from ..forms import alert_filters_from, int_from
from ..selectors import alert_runs_recent

ALERT_READERS = selectors.ALERT_READERS


@role_required(*ALERT_READERS)
def alert_list(request):
    """The alert inbox of the actor's scope, with filters, counts per state and (bureau) the engine's runs."""
    user = request.user
    filters = alert_filters_from(request.GET)
    qs = selectors.alert_list_for_actor(actor=user, filters=filters)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    county = user.role in (Role.BUREAU, Role.DISCIPLINE)
    return render(request, "supervision/alert_list.html", {
        "page": page, "filters": filters, "states": AlertState.choices, "severities": Severity.choices,
        "counts": selectors.alert_state_counts(actor=user, filters=filters),
        "agencies": list(Agency.objects.order_by("name").only("pk", "name")) if county else [],
        "runs": list(alert_runs_recent(actor=user)),
        "rules": [(rule_id, rule_title(rule_id)) for rule_id in sorted(raised_where())],
    })


@role_required(*ALERT_READERS)
def alert_detail(request, alert_id: int):
    """One alert: its facts, history (audit trail) and the actions open to the actor."""
    user = request.user
    alert = get_or_404(selectors.alert_get_for_actor, actor=user, alert_id=alert_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.alert_acknowledge(actor=user, alert_id=alert.pk)
                messages.success(request, _("已标记为已知悉"))
            elif action == "assign":
                services.alert_assign(actor=user, alert_id=alert.pk, assignee_id=int_from(request.POST, "assignee") or 0)
                messages.success(request, _("已分派承办人"))
            elif action == "reopen":
                services.alert_reopen(actor=user, alert_id=alert.pk, reason=request.POST.get("reason", ""))
                messages.success(request, _("已重新打开"))
            else:
                services.alert_resolve(actor=user, alert_id=alert.pk, note=request.POST.get("note", ""))
                messages.success(request, _("已办结"))
        except DomainError as exc:
            error_message(request, exc)
        return redirect("supervision:alert_detail", alert_id=alert.pk)
    actions = selectors.alert_actions(actor=user, alert=alert)
    return render(request, "supervision/alert_detail.html", {
        "alert": alert, "facts": alert_facts_present(services.alert_facts(alert)), **actions,
        "assignees": list(selectors.alert_assignable_users(actor=user, alert=alert)) if actions["acts"] else [],
        "history": [(event, action_label(event.action)) for event in selectors.alert_history(actor=user, alert=alert)],
        "matters": list(alert.matters.order_by("-id")) if user.role in (Role.BUREAU, Role.DISCIPLINE) else [],
        "can_open_matter": user.role == Role.BUREAU,
    })


@role_required(Role.BUREAU)
@require_POST
def alert_run_now(request):
    """Run the alert engine now (bureau); a run already in progress is reported, not duplicated."""
    run = engine.alerts_run(actor=request.user)
    if run is None:
        messages.error(request, _("另一轮预警巡检正在运行,请稍后再试"))
    else:
        messages.success(request, _("预警巡检完成,新增预警 %(n)s 条") % {"n": run.raised})
    return redirect("supervision:alert_list")
