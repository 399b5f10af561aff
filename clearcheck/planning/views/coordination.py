"""Coordination pages (R09, R20): overlapping tasks per enterprise with the merge suggestion, the merge
form (合并为联合检查), and the joint inspections made of them.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.inputs import int_or_none
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.selectors import agency_list_for_actor

from ..choices import JointStatus, TaskSource, TaskStatus
from ..selectors import coordination as selectors
from ..services import coordination as services
from .labels import COORDINATION_LABELS

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
MERGERS = (Role.BUREAU, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


def _date(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _merge_leads(user, visit) -> list[int]:
    """The lead agencies this user may choose for a suggested visit (none: no merge form)."""
    if len(visit.task_ids) < 2 or user.role not in MERGERS:
        return []
    leads = [a for a in visit.agency_ids if user.role == Role.BUREAU or a == user.agency_id]
    # The suggested lead first, so the form's default is the suggestion.
    return sorted(leads, key=lambda a: a != visit.lead_agency_id)


def _merge_post(request):
    try:
        joint = services.joint_inspection_create(
            actor=request.user, task_ids=request.POST.getlist("task_ids"),
            lead_agency_id=request.POST.get("lead_agency_id"), note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        error_message(request, exc, COORDINATION_LABELS)
        return None
    messages.success(request, f"已合并为联合检查 #{joint.pk}")
    return redirect("planning:joint_inspection_detail", joint_id=joint.pk)


@role_required(*READERS)
def coordination(request):
    """Groups of overlapping tasks per enterprise for a period (default next month) and the merge forms."""
    if request.method == "POST":
        done = _merge_post(request)
        if done is not None:
            return done
        return redirect(request.get_full_path())
    default_start, default_end = selectors.coordination_period_default(clock.local_today())
    start = _date(request.GET.get("start"), default_start)
    end = _date(request.GET.get("end"), default_end)
    agency_id = int_or_none(request.GET.get("agency"))
    region = (request.GET.get("region") or "").strip()
    agencies = [agency_id] if agency_id else None
    groups = selectors.coordination_groups_for_actor(actor=request.user, start=start, end=end, agency_ids=agencies,
                                                     region=region or None)
    page = Paginator(groups, 20).get_page(request.GET.get("page"))
    cards = []
    for group in page:
        names = {t.agency_id: t.agency_name for t in group.tasks}
        visits = [{"visit": v, "agencies": [names[a] for a in v.agency_ids],
                   "leads": [(a, names[a]) for a in _merge_leads(request.user, v)]} for v in group.suggestion]
        cards.append({"group": group, "by_agency": group.tasks_by_agency(), "visits": visits})
    volumes = selectors.planned_volumes_for_actor(actor=request.user, start=start, end=end, agency_ids=agencies)
    return render(request, "planning/coordination/coordination.html", {
        "page": page, "cards": cards, "volumes": volumes, "start": start, "end": end, "agency_id": agency_id,
        "region": region, "statuses": dict(TaskStatus.choices), "sources": dict(TaskSource.choices),
        "agencies": _agency_choices(request.user), "total": len(groups),
        "saved": sum(g.visits_saved for g in groups),
    })


def _agency_choices(user):
    if user.role not in COUNTY_ROLES:
        return []
    return agency_list_for_actor(actor=user).order_by("code")


@role_required(*READERS)
def joint_inspection_list(request):
    """Joint inspections the user may read, newest window first."""
    status = request.GET.get("status") if request.GET.get("status") in JointStatus.values else None
    qs = selectors.joint_inspections_for_actor(actor=request.user, status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "planning/coordination/joint_inspection_list.html",
                  {"page": page, "status": status or "", "statuses": JointStatus.choices})


@role_required(*READERS)
def joint_inspection_detail(request, joint_id: int):
    """One joint inspection: its tasks per agency with items and officers, the combined checklist; dissolve."""
    joint = get_or_404(selectors.joint_inspection_get_for_actor, actor=request.user, joint_id=joint_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "checklist":
                services.joint_inspection_checklist_build(actor=request.user, joint_id=joint.pk)
                messages.success(request, "已建立并发布联合检查表单")
            else:
                services.joint_inspection_dissolve(actor=request.user, joint_id=joint.pk,
                                                   reason=request.POST.get("reason", ""))
                messages.success(request, "已解散该联合检查")
        except DomainError as exc:
            error_message(request, exc, COORDINATION_LABELS)
        return redirect("planning:joint_inspection_detail", joint_id=joint.pk)
    lead_manager = (request.user.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
                    and request.user.agency_id == joint.lead_agency_id)
    planned = joint.status == JointStatus.PLANNED
    return render(request, "planning/coordination/joint_inspection_detail.html", {
        "joint": joint, "tasks": selectors.joint_inspection_tasks(joint),
        "can_dissolve": planned and (request.user.role == Role.BUREAU or lead_manager),
        "can_build_checklist": planned and lead_manager and joint.checklist_id is None,
    })
