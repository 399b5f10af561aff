"""Task pages (/work/planning/tasks/): list, create (phone-first form), detail with its workflow actions,
and the agency head's approval inbox. Views parse, call a selector or service, and render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError, FieldError, RuleViolation, ValidationFailed
from clearcheck.core.web import error_message, error_text, form_once_done, form_once_record, role_required
from clearcheck.registry.models import Enterprise

from ..choices import URGENT_SOURCES, AvGround, InspectionType, TaskSource, TaskStatus
from ..rules import approver_refusal, draw_required
from ..selectors import tasks as selectors
from ..selectors.coordination import tasks_overlapping
from ..selectors.limits import limit_lines
from ..selectors.people import people_labelled
from ..services import tasks as services
from ..workflows import TASK
from .labels import TASK_ACTION_LABELS, TASK_FORM_LABELS

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
WRITERS = services.WRITER_ROLES


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@role_required(*READERS)
def task_list(request):
    """Tasks of the actor's scope, filtered by status and source; today's and upcoming ones first."""
    status = request.GET.get("status") or None
    source = request.GET.get("source") or None
    qs = selectors.tasks_agenda(selectors.tasks_for_actor(actor=request.user, status=status, source=source,
                                                          enterprise_id=_int(request.GET.get("enterprise"))),
                                clock.local_today())
    return render(request, "planning/tasks/list.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "status": status or "", "source": source or "",
        "statuses": TaskStatus.choices, "sources": TaskSource.choices, "today": clock.local_today(),
        "can_create": request.user.role in WRITERS,
    })


def _enterprise_from(request) -> tuple[int | str | None, list]:
    """The enterprise chosen (radio id, or an exact USCC) and the search results offered."""
    chosen = _int(request.POST.get("enterprise") or request.GET.get("enterprise"))
    uscc = (request.POST.get("uscc") or "").strip().upper()
    if chosen is None and uscc:
        chosen = Enterprise.objects.filter(uscc=uscc).values_list("pk", flat=True).first() or uscc
    q = (request.GET.get("q") or "").replace("\x00", "").strip()
    found = []
    if q:
        found = list(Enterprise.objects.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper()))
                     .order_by("name")[:20])
    return chosen, found


@role_required(*WRITERS)
def task_create(request):
    """Draft a task: enterprise by USCC or search, items and officers as checkboxes; save or save and submit."""
    choices = selectors.task_form_choices(request.user.agency_id)
    chosen, found = _enterprise_from(request)
    form = {"inspection_type": InspectionType.ROUTINE, "source": TaskSource.ANNUAL_PLAN, "items": [],
            "officers": [], "uscc": "", "notice": "", "window_start": "", "window_end": "", "checklist": None,
            "source_reference": "", "urgent_reason": "", "av_ground": ""}
    status = 200
    if request.method == "POST":
        post = request.POST
        form = {
            "inspection_type": post.get("inspection_type", ""), "source": post.get("source", ""),
            "items": [_int(v) for v in post.getlist("items")], "officers": [_int(v) for v in post.getlist("officers")],
            "uscc": post.get("uscc", ""), "notice": post.get("notice", ""), "window_start": post.get("window_start"),
            "window_end": post.get("window_end"), "checklist": _int(post.get("checklist")),
            "source_reference": post.get("source_reference", ""), "urgent_reason": post.get("urgent_reason", ""),
            "av_ground": post.get("av_ground", ""),
        }
        done = form_once_done(request)  # the same form sent again (Back, a double tap): the task it made
        if done is not None:
            return redirect(done)
        try:
            if chosen is None:
                raise ValidationFailed(FieldError("enterprise", "请填写统一社会信用代码或搜索选择企业"))
            if isinstance(chosen, str):
                raise ValidationFailed(FieldError("enterprise", f"未找到统一社会信用代码为 {chosen} 的企业"))
            task = services.task_create(
                actor=request.user, agency=request.user.agency_id, enterprise=chosen,
                inspection_type=form["inspection_type"], source=form["source"], items=form["items"],
                officers=form["officers"], window_start=form["window_start"], window_end=form["window_end"],
                checklist=form["checklist"], notice=form["notice"], source_reference=form["source_reference"],
                urgent_reason=form["urgent_reason"], av_ground=form["av_ground"],
            )
        except DomainError as exc:
            error_message(request, exc, TASK_FORM_LABELS)
            status = 422
        else:
            url = reverse("planning:task_detail", args=[task.pk])
            form_once_record(request, url)
            if post.get("then") != "submit":
                messages.success(request, f"已保存{task}(草稿)")
                return redirect(url)
            try:
                services.task_submit(actor=request.user, task_id=task.pk)
                messages.success(request, f"已提报{task},等待本机关负责人审批")
            except DomainError as exc:  # saved as a draft; its page says why it was not filed
                messages.warning(request, f"已保存{task}(草稿),但未能提报")
                error_message(request, exc, TASK_FORM_LABELS)
            return redirect(url)
    return render(request, "planning/tasks/form.html", {
        "form": form, "choices": choices, "found": found, "chosen": chosen if isinstance(chosen, int) else None,
        "q": request.GET.get("q", ""), "types": InspectionType.choices, "sources": TaskSource.choices,
        "av_grounds": AvGround.choices,
        "today": clock.local_today(),
    }, status=status)


def _actions(task, user) -> list[tuple[str, str]]:
    shown = []
    for action, label in TASK.actions_for(task.status):
        if action == "complete":
            continue  # on-site work completes a task, not a button
        if action == "start_urgent" and task.source not in URGENT_SOURCES:
            continue
        if action in ("approve", "reject"):
            # Offered only to whom the rule lets decide (R07: a department head is refused, so not offered).
            if approver_refusal(user) is not None or user.agency_id != task.agency_id:
                continue
        elif user.role not in WRITERS or user.agency_id != task.agency_id:
            continue
        shown.append((action, label))
    return shown


def _detail_page(request, task, *, typed: dict | None = None, status: int = 200):
    today = clock.local_today()
    open_ = task.status in (TaskStatus.DRAFT, TaskStatus.SUBMITTED, TaskStatus.REJECTED, TaskStatus.URGENT_STARTED)
    refusals = [error_text(exc, TASK_FORM_LABELS) for exc in services.task_approval_refusals(task)] if open_ else []
    overlapping = tasks_overlapping(task) if open_ or task.status == TaskStatus.APPROVED else []
    for other in overlapping:  # another agency's task is named, opened only by its own agency and the county
        other.linkable = actor_is_county(request.user) or other.agency_id == actor_agency_id(request.user)
    people_labelled([task], "created_by", "approved_by")
    # Who may look but not decide (R07: a department head) is told why instead of being offered 批准.
    decidable = any(a == "approve" for a, _ in TASK.actions_for(task.status))
    refused = approver_refusal(request.user) if decidable and request.user.agency_id == task.agency_id else None
    return render(request, "planning/tasks/detail.html", {
        "task": task, "actions": _actions(task, request.user), "refusals": refusals,
        "decider_note": error_text(refused) if isinstance(refused, RuleViolation) else "",
        "officer_lines": selectors.task_officer_lines(task, today), "overlapping": overlapping,
        "limits": limit_lines(year=task.year, enterprise_id=task.enterprise_id, tasks=[task]),
        "draw_required": draw_required(task.inspection_type, task.source),
        "from_inbox": request.GET.get("from") == "inbox" or request.POST.get("next") == "inbox",
        "overdue": bool(task.approval_deadline and task.status == TaskStatus.URGENT_STARTED
                        and task.approval_deadline < today),
        "typed": typed or {},
    }, status=status)


@role_required(*READERS)
def task_detail(request, task_id: int):
    """One task as the head decides on it (R07): its basis, items with their legal bases, officers by name
    and personnel type, its limits with this year's counts (R21, ``limit_lines``), and its conflicts (what
    approval would refuse now, officers barred or recused, other tasks at the enterprise on the same days);
    then the actions open to the actor, approving and returning (退回, with its reason) among them.
    """
    return _detail_page(request, get_or_404(selectors.task_get_for_actor, actor=request.user, task_id=task_id))


_ACTIONS = {
    "submit": lambda user, pk, post: services.task_submit(actor=user, task_id=pk),
    "start_urgent": lambda user, pk, post: services.task_start_urgent(actor=user, task_id=pk,
                                                                      reason=post.get("reason", "")),
    "approve": lambda user, pk, post: services.task_approve(actor=user, task_id=pk, note=post.get("note", "")),
    "reject": lambda user, pk, post: services.task_reject(actor=user, task_id=pk, note=post.get("note", "")),
    "cancel": lambda user, pk, post: services.task_cancel(actor=user, task_id=pk, reason=post.get("reason", "")),
}


@role_required(*READERS)
@require_POST
def task_action(request, task_id: int):
    """Run one workflow action from the task's page. Done: back to the page (or the inbox the head came from).
    Refused: the page again (422) with the refusal, its rule ID and clause, and what was typed.
    """
    get_or_404(selectors.task_get_for_actor, actor=request.user, task_id=task_id)
    action = request.POST.get("action", "")
    run = _ACTIONS.get(action)
    if run is None:
        messages.error(request, "未知操作")
        return redirect("planning:task_detail", task_id=task_id)
    try:
        task = run(request.user, task_id, request.POST)
    except DomainError as exc:
        error_message(request, exc, TASK_ACTION_LABELS)
        task = get_or_404(selectors.task_get_for_actor, actor=request.user, task_id=task_id)
        typed = {"action": action, "note": request.POST.get("note", ""), "reason": request.POST.get("reason", "")}
        return _detail_page(request, task, typed=typed, status=422)
    messages.success(request, f"{task}:已{TASK.transitions[action].label}")
    if request.POST.get("next") == "inbox":
        return redirect("planning:approval_inbox")
    return redirect("planning:task_detail", task_id=task_id)


@role_required(Role.AGENCY_HEAD)
def approval_inbox(request):
    """The agency head's inbox: submitted tasks and urgent ones due for approval afterwards (补办), earliest
    start first and urgent ones first on the same day. Each opens the task's page, where the head decides.
    """
    qs = selectors.approval_inbox(actor=request.user)
    return render(request, "planning/tasks/inbox.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "today": clock.local_today(),
    })
