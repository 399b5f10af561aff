"""Draw pages (/work/sampling/draws/): list, new draw, detail with the actions its state allows — commit
(the secret is shown once, in the answer to the commit itself, and never stored), select, make and
approve the tasks, reveal, cancel. Views parse, call a selector or service, and render.
"""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.catalog.selectors import items_published_for_entry_choice
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required
from clearcheck.planning.choices import TaskStatus
from clearcheck.planning.models import InspectionTask
from clearcheck.planning.selectors.tiers import tier_scheme

from .. import selectors, services
from ..choices import ALL_STRATUM, DrawStatus, PublicKind, SampleMode, Stratify
from ..forms import draw_values
from ..models import DrawTeamMember
from ..workflows import DRAW
from .common import MANAGERS, READERS, manages, page_of

APPROVERS = (Role.AGENCY_HEAD, Role.DEPARTMENT_HEAD)  # the department head is shown the button and refused (R07)


@role_required(*READERS)
def draw_list(request):
    """Draws of the actor's agency (lead or joint; all for the county roles), searchable by title."""
    q = (request.GET.get("q") or "").replace("\x00", "").strip()
    status = request.GET.get("status") if request.GET.get("status") in DrawStatus.values else ""
    qs = selectors.draws_for_actor(actor=request.user)
    if q:
        qs = qs.filter(title__icontains=q)
    if status:
        qs = qs.filter(status=status)
    return render(request, "sampling/draw_list.html", {
        "page": page_of(request, qs.order_by("-created_at", "-id"), 20), "q": q, "status": status,
        "statuses": DrawStatus.choices, "can_create": request.user.role in MANAGERS and request.user.agency_id,
    })


def _create_context(request, form: dict) -> dict:
    agency_id = request.user.agency_id
    own = list(selectors.pools_for_actor(actor=request.user).filter(agency_id=agency_id, active=True))
    joint = list(selectors.pools_for_joint_draw(actor=request.user))
    agencies = {agency_id} | {p.agency_id for p in joint}
    items = [i for i in items_published_for_entry_choice() if i.agency_id in agencies]
    tiers = tier_scheme(agency_id)
    typed = form["sample"]
    rows = [(t.code, f"{t.code} {t.name}", typed.get(t.code, ""), format(t.sampling_ratio.normalize(), "f"))
            for t in tiers]
    return {
        "form": form, "own_pools": own, "joint_pools": joint,
        "own_items": [i for i in items if i.agency_id == agency_id],
        "joint_items": [i for i in items if i.agency_id != agency_id],
        "sample_rows": rows, "all_stratum": ALL_STRATUM, "sample_all": typed.get(ALL_STRATUM, ""),
        "stratify_choices": Stratify.choices, "mode_choices": SampleMode.choices,
        "kind_choices": PublicKind.choices, "agency_id": agency_id,
        "chosen_pools": {str(v) for v in form["pool_ids"]}, "chosen_items": {str(v) for v in form["item_ids"]},
    }


def _blank_form(agency_id: int) -> dict:
    today = clock.local_today()
    ratios = {t.code: format(t.sampling_ratio.normalize(), "f") for t in tier_scheme(agency_id)}
    return {"title": "", "pool_ids": [], "item_ids": [], "window_start": (today + dt.timedelta(days=1)).isoformat(),
            "window_end": (today + dt.timedelta(days=30)).isoformat(), "stratify": Stratify.TIER,
            "sample_mode": SampleMode.RATIO, "sample": ratios, "team_size": 2, "max_per_team": 10,
            "public_kind": PublicKind.KENO, "public_source": ""}


@role_required(*MANAGERS)
def draw_create(request):
    """Draft a draw of the actor's agency (joint when other agencies' pools are included)."""
    form = _blank_form(request.user.agency_id)
    if request.method == "POST":
        form = draw_values(request.POST, strata=[t.code for t in tier_scheme(request.user.agency_id)])
        try:
            draw = services.draw_create(actor=request.user, **form)
            messages.success(request, _("已建立抽取草稿;请核对参数后固化对象库并公布承诺值"))
            return redirect("sampling:draw_detail", draw_id=draw.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "sampling/draw_form.html", _create_context(request, form))


def _actions(draw, user) -> dict:
    """Which actions the page offers this actor (the services decide again)."""
    can_manage = manages(user, draw.agency_id)
    participates = user.agency_id is not None and draw.pools.filter(agency_id=user.agency_id).exists()
    open_actions = {action for action, _label in DRAW.actions_for(draw.status)}
    drawn = draw.status in (DrawStatus.SELECTED, DrawStatus.REVEALED)
    pending = 0
    if drawn and draw.tasks_created_at and participates and user.role in APPROVERS:
        pending = draw.picks.filter(tasks__agency_id=user.agency_id, tasks__status=TaskStatus.SUBMITTED).count()
    return {
        "commit": can_manage and "commit" in open_actions,
        "select": can_manage and "select" in open_actions,
        "cancel": can_manage and "cancel" in open_actions,
        "reveal": can_manage and "reveal" in open_actions,
        "reveal_open": clock.local_today() > draw.window_end,
        "tasks_make": can_manage and drawn and draw.tasks_created_at is None,
        "tasks_approve": pending > 0, "pending": pending,
    }


@role_required(*READERS)
def draw_detail(request, draw_id: int):
    """A draw: parameters, frame hash, commitment, counts, the selection with its teams and tasks."""
    draw = get_or_404(selectors.draw_get, actor=request.user, draw_id=draw_id)
    picks = teams = None
    task_counts: list = []
    if draw.status in (DrawStatus.SELECTED, DrawStatus.REVEALED):
        tasks = InspectionTask.objects.select_related("agency").order_by("agency__code")
        picks = page_of(request, draw.picks.select_related("enterprise", "team")
                        .prefetch_related(Prefetch("tasks", queryset=tasks)), 50)
        members = DrawTeamMember.objects.select_related("officer__agency").order_by("position")
        teams = draw.teams.prefetch_related(Prefetch("members", queryset=members)).annotate(load=Count("picks"))
        labels = dict(TaskStatus.choices)
        task_counts = [(labels.get(row["tasks__status"], row["tasks__status"]), row["n"]) for row in
                       draw.picks.filter(tasks__isnull=False).values("tasks__status").annotate(n=Count("tasks"))
                       .order_by("tasks__status")]
    return render(request, "sampling/draw_detail.html", {
        "draw": draw, "actions": _actions(draw, request.user), "picks": picks, "teams": teams,
        "task_counts": task_counts,
        "pools": draw.pools.select_related("agency").order_by("agency__code"),
        "items": draw.items.select_related("agency").order_by("agency__code", "code"),
        "public": draw.status in selectors.PUBLIC_DRAW_STATUSES,
    })


def _secret_file(draw, secret: str) -> str:
    """The text of the .txt the agency keeps: enough to select and reveal, and to check the commitment."""
    return "\n".join([
        _("ClearCheck 双随机抽查密钥(请妥善保管,平台不保存密钥)"),
        _("抽取编号:%(id)s") % {"id": draw.pk},
        _("抽查名称:%(title)s") % {"title": draw.title},
        _("牵头机关:%(agency)s") % {"agency": draw.agency.name},
        _("框架哈希:%(hash)s") % {"hash": draw.frame_sha256},
        _("承诺值:%(commitment)s") % {"commitment": draw.commitment},
        _("公开随机数来源:%(source)s") % {"source": draw.public_source},
        _("密钥:%(secret)s") % {"secret": secret},
        _("核对方法:SHA-256(密钥的 32 字节) 应等于承诺值。"),
        "",
    ])


@never_cache
@role_required(*MANAGERS)
@require_POST
def draw_commit(request, draw_id: int):
    """Freeze the pool, publish the frame hash and the commitment, and show the secret this once.

    The secret exists only in this response (the page and its .txt download); the platform keeps its
    SHA-256. Reloading re-posts, and a committed draw cannot commit again, so it is never shown twice.
    """
    get_or_404(selectors.draw_get, actor=request.user, draw_id=draw_id)
    try:
        draw, secret = services.draw_commit(actor=request.user, draw_id=draw_id)
    except DomainError as exc:
        error_message(request, exc)
        return redirect("sampling:draw_detail", draw_id=draw_id)
    response = render(request, "sampling/draw_secret.html", {
        "draw": draw, "secret": secret,
        "secret_href": "data:text/plain;charset=utf-8," + quote(_secret_file(draw, secret)),
    })
    response["Referrer-Policy"] = "no-referrer"
    return response


def _select(request, draw_id: int) -> None:
    draw = services.draw_select(actor=request.user, draw_id=draw_id, secret=request.POST.get("secret", ""),
                                public_value=request.POST.get("public_value", ""))
    messages.success(request, _("已抽取:%(picks)s 户企业、%(teams)s 个检查组;检查时段结束前抽取结果仅本机关可见") % {
        "picks": draw.picks.count(), "teams": draw.teams.count()})


def _reveal(request, draw_id: int) -> None:
    services.draw_reveal(actor=request.user, draw_id=draw_id, secret=request.POST.get("secret", ""))
    messages.success(request, _("已公开密钥、框架与抽取结果,公众可下载并重算校验"))


def _cancel(request, draw_id: int) -> None:
    services.draw_cancel(actor=request.user, draw_id=draw_id, reason=request.POST.get("reason", ""))
    messages.success(request, _("已作废本次抽取"))


def _tasks_make(request, draw_id: int) -> None:
    task_ids = services.draw_tasks_make(actor=request.user, draw_id=draw_id)
    messages.success(request, _("已生成 %(n)s 项检查任务(来源:双随机抽取),已提报待本机关负责人批准") % {"n": len(task_ids)})


def _tasks_approve(request, draw_id: int) -> None:
    result = services.draw_tasks_approve(actor=request.user, draw_id=draw_id, note=request.POST.get("note", ""))
    messages.success(request, _("已批准 %(n)s 项检查任务") % {"n": result["approved"]})
    for refusal in result["refused"][:5]:
        messages.warning(request, _("任务 #%(task)s 未批准:%(reason)s") % refusal)
    if len(result["refused"]) > 5:
        messages.warning(request, _("另有 %(n)s 项任务未批准") % {"n": len(result["refused"]) - 5})


_ACTIONS = {"select": _select, "reveal": _reveal, "cancel": _cancel, "tasks_make": _tasks_make,
            "tasks_approve": _tasks_approve}


@never_cache
@role_required(*READERS)
@require_POST
def draw_action(request, draw_id: int):
    """Run one action on a draw; refusals come back as messages with their rule ID and clause (R24, R07)."""
    get_or_404(selectors.draw_get, actor=request.user, draw_id=draw_id)
    run = _ACTIONS.get(request.POST.get("action", ""))
    if run is None:
        messages.error(request, _("未知操作"))
    else:
        try:
            run(request, draw_id)
        except DomainError as exc:
            error_message(request, exc)
    return redirect("sampling:draw_detail", draw_id=draw_id)
