"""Check-in pages (扫码入企): the officer's task list with the scan entry, the landing page a scan of an
enterprise code opens (registry's public card, and check-in for an officer), the geolocated check-in (R11),
the start forms posted from the landing page, the visit hub (confirmations, R14) and the enterprise's view
of its visits (R28). Views parse and render; the services decide.
"""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clearcheck.accounts.choices import Role
from clearcheck.accounts.selectors import actor_enterprise_id, actor_has_role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required
from clearcheck.registry import codes, credentials
from clearcheck.registry.models import Officer
from clearcheck.registry.selectors import enterprise_get_for_actor

from ..choices import NON_INSPECTION_KINDS, VisitKind, VisitStatus
from ..rules import checkin_radius_m
from ..selectors import visits as selectors
from ..services import visits as services
from ..workflows import VISIT

MANAGERS = (Role.AGENCY_HEAD, Role.AGENCY_ADMIN)


def new_key() -> str:
    """A fresh idempotency key for a start form: a double tap or a resent form reuses it (one visit)."""
    return uuid.uuid4().hex


def non_inspection_kinds() -> list[tuple[str, str]]:
    """The kinds of non-inspection visit (R26), in the order of the choices."""
    return [(value, label) for value, label in VisitKind.choices if value in NON_INSPECTION_KINDS]


def team_choices(officer) -> list:
    """Colleagues of the officer's agency who may come along on a non-inspection visit."""
    if officer is None:
        return []
    return list(Officer.objects.filter(agency_id=officer.agency_id).exclude(pk=officer.pk).order_by("name")[:200])


def _position(post) -> dict:
    return {"latitude": post.get("latitude") or None, "longitude": post.get("longitude") or None}


def _started(request, visit):
    if visit.status == VisitStatus.OPEN:
        messages.success(request, f"入企记录 #{visit.pk} 已开始检查")
    else:
        messages.success(request, f"已扫码发起入企记录 #{visit.pk},请同行执法人员用本人账号在时限内确认")
    return redirect("inspections:visit_detail", visit_id=visit.pk)


@never_cache
@require_GET
def code_landing(request, token: str):
    """What a scan of an enterprise code opens (/public/c/<token>/): registry's public card of the enterprise
    for anyone; for an officer, with a current code, check-in there: the approved tasks matching this
    enterprise (计划匹配), the visits waiting for their own confirmation and the start forms.
    """
    check = codes.enterprise_code_check(token)
    if check.enterprise is None:
        status = 404 if check.error == "unknown_enterprise" else 400
        return render(request, "registry/codes/invalid.html", {"check": check, "what": "企业码"}, status=status)
    officer = request.user.officer if actor_has_role(request.user, Role.OFFICER) else None
    context = {"check": check, "enterprise": check.enterprise, "officer": officer}
    if officer is not None and check.current:
        tasks = selectors.checkin_tasks_for_officer(officer, check.enterprise)
        context.update({
            "tasks": tasks, "startable": [t for t in tasks if not t.active_visit_id],
            "to_confirm": selectors.pending_confirmations(officer, check.enterprise),
            "key": new_key(), "other_key": new_key(), "kinds": non_inspection_kinds(),
            "colleagues": team_choices(officer), "token": token,
        })
    return render(request, "inspections/visits/code_landing.html", context)


@never_cache
@require_GET
def credential_verify(request, token: str):
    """What the enterprise sees after scanning an officer's e-credential (R15, R12): registry's check of the
    credential and, for the enterprise's own account, the officer's tasks and visit there.
    """
    check = credentials.credential_token_check(token)
    tasks, visit = [], None
    enterprise_id = actor_enterprise_id(request.user)
    if check.valid and check.officer is not None:
        visit = selectors.officer_visit_at(check.officer, enterprise_id)
        tasks = selectors.officer_tasks_today_at(check.officer, enterprise_id)
    status = 200 if check.officer is not None else 400
    return render(request, "registry/codes/credential_verify.html",
                  {"check": check, "tasks": tasks, "visit": visit, "is_enterprise": bool(enterprise_id)},
                  status=status)


@never_cache
@role_required(Role.OFFICER)
def my_tasks(request):
    """The officer's approved tasks for today (scan the enterprise code to check in), upcoming ones, visits
    waiting for the officer's confirmation and visits in progress.
    """
    return render(request, "inspections/visits/my_tasks.html", {
        "mine": selectors.my_tasks_for_actor(request.user), "radius": checkin_radius_m(),
    })


@role_required(Role.OFFICER)
@require_POST
def visit_start(request):
    """Start an inspection visit from the code landing page (R11 scan, tasks ticked, a key from the form)."""
    token = request.POST.get("token", "")
    try:
        visit = services.visit_start_by_code(
            actor=request.user, token=token, task_ids=request.POST.getlist("task_ids"),
            idempotency_key=request.POST.get("idempotency_key", ""), **_position(request.POST),
        )
    except DomainError as exc:
        error_message(request, exc)
        if token and len(token) <= 1024 and token.isascii() and "/" not in token:
            return redirect("inspections_public:code_landing", token=token)
        return redirect("inspections:my_tasks")
    return _started(request, visit)


@role_required(Role.OFFICER)
@require_POST
def visit_start_other(request):
    """Start a non-inspection visit (R26) from the landing page (token) or the location page (position)."""
    post = request.POST
    token = post.get("token", "")
    try:
        visit = services.visit_start_non_inspection(
            actor=request.user, kind=post.get("kind", ""), purpose=post.get("purpose", ""),
            officer_ids=post.getlist("officer_ids"), idempotency_key=post.get("idempotency_key", ""),
            token=token or None, enterprise_id=post.get("enterprise_id") or None, datum=post.get("datum") or "wgs84",
            accuracy_m=post.get("accuracy_m") or None, **_position(post),
        )
    except DomainError as exc:
        error_message(request, exc)
        if token and len(token) <= 1024 and token.isascii() and "/" not in token:
            return redirect("inspections_public:code_landing", token=token)
        enterprise_id = post.get("enterprise_id", "")
        if enterprise_id.isdigit() and len(enterprise_id) < 11:
            return redirect("inspections:visit_checkin_location", enterprise_id=int(enterprise_id))
        return redirect("inspections:my_tasks")
    return _started(request, visit)


@never_cache
@role_required(Role.OFFICER)
def visit_checkin_location(request, enterprise_id: int):
    """Geolocated check-in without a code (R11): the browser's position (WGS-84, HTTPS only) must be within
    the configured radius of the enterprise's registered location.
    """
    enterprise = get_or_404(enterprise_get_for_actor, actor=request.user, enterprise_id=enterprise_id)
    if request.method == "POST":
        post = request.POST
        try:
            visit = services.visit_start_by_location(
                actor=request.user, enterprise_id=enterprise.pk, task_ids=post.getlist("task_ids"),
                datum=post.get("datum") or "wgs84", accuracy_m=post.get("accuracy_m") or None,
                idempotency_key=post.get("idempotency_key", ""), **_position(post),
            )
        except DomainError as exc:
            error_message(request, exc)
            return redirect("inspections:visit_checkin_location", enterprise_id=enterprise.pk)
        return _started(request, visit)
    officer = request.user.officer
    tasks = selectors.checkin_tasks_for_officer(officer, enterprise)
    return render(request, "inspections/visits/checkin_location.html", {
        "enterprise": enterprise, "tasks": tasks, "startable": [t for t in tasks if not t.active_visit_id],
        "key": new_key(), "other_key": new_key(), "radius": checkin_radius_m(), "kinds": non_inspection_kinds(),
        "colleagues": team_choices(officer), "has_location": enterprise.latitude is not None,
    })


@role_required(*selectors.INTERNAL_READERS)
def visit_list(request):
    """Visits of the actor's scope, newest first (officer: their own; agency: its own; county: all)."""
    status, kind = request.GET.get("status") or "", request.GET.get("kind") or ""
    qs = selectors.visits_for_actor(request.user, status=status or None, kind=kind or None).order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "inspections/visits/visit_list.html", {
        "page": page, "status": status, "kind": kind, "statuses": VisitStatus.choices,
        "kinds": [("inspection", VisitKind.INSPECTION.label), ("non_inspection", "非行政检查入企")],
    })


POLL_SECONDS = 4


def _hub_context(request, visit_id: int) -> dict:
    services.visits_expire_due(visit_ids=[visit_id])  # lazy expiry: the page never shows a stale "pending"
    visit = get_or_404(selectors.visit_get_for_actor, actor=request.user, visit_id=visit_id)
    member = selectors.visit_member_for_actor(request.user, visit)
    can_cancel = VISIT.allowed(visit.status, "cancel") and (
        member is not None
        or (request.user.role in MANAGERS and request.user.agency_id == visit.agency_id))
    return {
        "visit": visit, "facts": selectors.visit_facts(visit), "member": member,
        "can_confirm": member is not None and member.confirmed_at is None
        and visit.status in (VisitStatus.PENDING, VisitStatus.OPEN),
        "can_cancel": can_cancel, "is_open": visit.status == VisitStatus.OPEN,
        "inspection": visit.kind == VisitKind.INSPECTION,
        "deadline_ms": int(visit.confirm_deadline.timestamp() * 1000), "poll_seconds": POLL_SECONDS,
    }


@never_cache
@role_required(*selectors.INTERNAL_READERS)
def visit_detail(request, visit_id: int):
    """The visit hub: status, the countdown to the confirmation deadline, who confirmed, the confirm button
    for the team's officers, and the links to the record, evidence, outcomes and documents. While the visit
    waits for confirmations, its changing part polls ``visit_live``.
    """
    return render(request, "inspections/visits/visit_detail.html", _hub_context(request, visit_id))


@never_cache
@require_GET
@role_required(*selectors.INTERNAL_READERS)
def visit_live(request, visit_id: int):
    """The changing part of the visit hub (htmx polls it every few seconds while the visit is pending):
    the status, the countdown, the confirm button, the team's confirmations and, once open, the work links.
    """
    return render(request, "inspections/visits/_live.html", {**_hub_context(request, visit_id), "oob": True})


@role_required(Role.OFFICER)
@require_POST
def visit_confirm(request, visit_id: int):
    """The officer confirms on their own account (R14)."""
    try:
        visit = services.visit_confirm(actor=request.user, visit_id=visit_id)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from exc
        error_message(request, exc)
        return redirect("inspections:visit_detail", visit_id=visit_id)
    if visit.status == VisitStatus.OPEN:
        messages.success(request, "已确认;入企检查已开始")
    else:
        messages.success(request, "已确认;等待其他执法人员确认")
    return redirect("inspections:visit_detail", visit_id=visit.pk)


@role_required(Role.OFFICER, *MANAGERS)
@require_POST
def visit_cancel(request, visit_id: int):
    """Cancel a pending or open visit with a reason."""
    try:
        services.visit_cancel(actor=request.user, visit_id=visit_id, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(exc.detail) from exc
        error_message(request, exc)
        return redirect("inspections:visit_detail", visit_id=visit_id)
    messages.success(request, "入企记录已撤销")
    return redirect("inspections:visit_detail", visit_id=visit_id)
