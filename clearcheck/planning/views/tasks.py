"""Task pages (/work/planning/tasks/): list, create (phone-first form), detail with its workflow actions,
and the agency head's approval inbox. Views parse, call a selector or service, and render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError, FieldError, ValidationFailed
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.models import Enterprise

from ..choices import URGENT_SOURCES, AvGround, InspectionType, TaskSource, TaskStatus
from ..rules import draw_required
from ..selectors import tasks as selectors
from ..selectors.limits import limit_lines
from ..services import tasks as services
from ..services.caps import cap_refusal_for
from ..workflows import TASK

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
WRITERS = services.WRITER_ROLES
DECIDERS = (Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)  # the department head is shown the button and refused (R07)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@role_required(*READERS)
def task_list(request):
    """Tasks of the actor's scope, filtered by status and source, newest first."""
    status = request.GET.get("status") or None
    source = request.GET.get("source") or None
    qs = selectors.tasks_for_actor(actor=request.user, status=status, source=source,
                                   enterprise_id=_int(request.GET.get("enterprise")))
    return render(request, "planning/tasks/list.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "status": status or "", "source": source or "",
        "statuses": TaskStatus.choices, "sources": TaskSource.choices,
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
            if post.get("then") == "submit":
                services.task_submit(actor=request.user, task_id=task.pk)
                messages.success(request, f"已提报{task},等待本机关负责人审批")
            else:
                messages.success(request, f"已保存{task}(草稿)")
            return redirect("planning:task_detail", task_id=task.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "planning/tasks/form.html", {
        "form": form, "choices": choices, "found": found, "chosen": chosen if isinstance(chosen, int) else None,
        "q": request.GET.get("q", ""), "types": InspectionType.choices, "sources": TaskSource.choices,
        "av_grounds": AvGround.choices,
        "today": clock.local_today(),
    })


def _actions(task, user) -> list[tuple[str, str]]:
    shown = []
    for action, label in TASK.actions_for(task.status):
        if action == "complete":
            continue  # on-site work completes a task, not a button
        if action == "start_urgent" and task.source not in URGENT_SOURCES:
            continue
        if action in ("approve", "reject"):
            if user.role not in DECIDERS or user.agency_id != task.agency_id:
                continue
        elif user.role not in WRITERS or user.agency_id != task.agency_id:
            continue
        shown.append((action, label))
    return shown


@role_required(*READERS)
def task_detail(request, task_id: int):
    """One task with its items, officers, its limits with this year's counts (R21) and the actions open to
    the actor.
    """
    task = get_or_404(selectors.task_get_for_actor, actor=request.user, task_id=task_id)
    cap_warning = None
    if task.status in (TaskStatus.DRAFT, TaskStatus.SUBMITTED, TaskStatus.REJECTED):
        cap_warning = cap_refusal_for(task)
    return render(request, "planning/tasks/detail.html", {
        "task": task, "actions": _actions(task, request.user), "cap_warning": cap_warning,
        "limits": limit_lines(year=task.year, enterprise_id=task.enterprise_id, tasks=[task]),
        "draw_required": draw_required(task.inspection_type, task.source),
    })


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
    """Run one workflow action; refusals come back as messages with their rule ID and clause."""
    get_or_404(selectors.task_get_for_actor, actor=request.user, task_id=task_id)
    action = request.POST.get("action", "")
    run = _ACTIONS.get(action)
    if run is None:
        messages.error(request, "未知操作")
    else:
        try:
            task = run(request.user, task_id, request.POST)
            messages.success(request, f"{task}:已{TASK.transitions[action].label}")
        except DomainError as exc:
            error_message(request, exc)
    if request.POST.get("next") == "inbox":
        return redirect("planning:approval_inbox")
    return redirect("planning:task_detail", task_id=task_id)


@role_required(Role.AGENCY_HEAD)
def approval_inbox(request):
    """The agency head's inbox: submitted tasks and urgent ones due for approval afterwards (补办)."""
    qs = selectors.approval_inbox(actor=request.user)
    return render(request, "planning/tasks/inbox.html", {
        "page": Paginator(qs, 30).get_page(request.GET.get("page")), "today": clock.local_today(),
    })
