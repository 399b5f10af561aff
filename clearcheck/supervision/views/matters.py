"""Special supervision pages (/work/supervision/): supervision matters with their directives (督办),
interviews (约谈), notices (通报) and referrals to discipline (移送纪检监察).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import Role
from clearcheck.alerts.selectors import alert_get_for_actor
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.rules import rule_title
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.models import Agency, Officer

from .. import selectors, services
from ..choices import MatterStatus, NoticeKind
from ..forms import ids_from, int_from
from ..workflows import MATTER, NOTICE, NOTICE_DRAFT, NOTICE_PUBLISHED

READERS = selectors.MATTER_READERS
COUNTY = (Role.BUREAU, Role.DISCIPLINE)


@role_required(*READERS)
def matter_list(request):
    """Matters of the actor's scope; an agency also sees the directives waiting for its reply."""
    user = request.user
    status = request.GET.get("status") or None
    page = Paginator(selectors.matter_list_for_actor(actor=user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "supervision/matter_list.html", {
        "page": page, "status": status or "", "statuses": MatterStatus.choices, "today": clock.local_today(),
        "pending": list(selectors.directive_list_for_actor(actor=user, pending_only=True)[:50]),
        "can_open": user.role == Role.BUREAU,
    })


# What a matter may come from besides an alert, chosen by name (the stored type is the subject's audit type).
SOURCE_TYPES = (("feedback.complaint", _lazy("投诉举报")), ("inspections.entryrefusal", _lazy("拒绝入企登记")),
                ("feedback.evaluation", _lazy("事后评价")))


@role_required(Role.BUREAU)
def matter_create(request):
    """Open a matter (bureau), from an alert (``?alert=``), from a complaint (source type and id) or directly."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    alert = None
    if alert_id := int_from(data, "alert"):
        alert = get_or_404(alert_get_for_actor, actor=user, alert_id=alert_id)
    form = {"title": data.get("title", ""), "summary": data.get("summary", ""), "deadline": data.get("deadline", ""),
            "agency": data.get("agency", ""), "source_type": data.get("source_type", ""),
            "source_id": data.get("source_id", "")}
    if alert and request.method == "GET":
        form.update(title=f"{rule_title(alert.rule_id)} {alert.subject_label or alert.subject_id}"[:200],
                    summary=f"[{alert.rule_id} · {alert.clause}] {alert.subject_label}",
                    agency=str(alert.agency_id or ""))
    if request.method == "POST":
        try:
            matter = services.matter_open(
                actor=user, title=form["title"], summary=form["summary"], agency_id=int_from(data, "agency"),
                deadline=form["deadline"] or None, alert_id=alert.pk if alert else None,
                source_type=form["source_type"].strip(), source_id=form["source_id"],
            )
            messages.success(request, _("已立项督办事项"))
            return redirect("supervision_matters:matter_detail", matter_id=matter.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "supervision/matter_form.html", {
        "form": form, "alert": alert, "agencies": Agency.objects.order_by("name").only("pk", "name"),
        "source_types": SOURCE_TYPES,
    }, status=422 if request.method == "POST" else 200)  # a refused matter comes back with what was typed


@role_required(*READERS)
def matter_detail(request, matter_id: int):
    """One matter with its directives, interviews, notices and (bureau, discipline) referrals."""
    user = request.user
    matter = get_or_404(selectors.matter_get_for_actor, actor=user, matter_id=matter_id)
    bureau = user.role == Role.BUREAU
    open_ = matter.status in MATTER.editable
    return render(request, "supervision/matter_detail.html", {
        "matter": matter, "today": clock.local_today(),
        "source_label": selectors.matter_source_label(actor=user, matter=matter),
        "directives": list(selectors.matter_directives(actor=user, matter=matter)),
        "interviews": list(selectors.matter_interviews(actor=user, matter=matter)),
        "notices": list(selectors.matter_notices(actor=user, matter=matter)),
        "referrals": list(selectors.matter_referrals(actor=user, matter=matter)),
        "bureau": bureau, "editable": bureau and open_,
        "can_reply": user.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD),
        "agencies": Agency.objects.order_by("name").only("pk", "name") if bureau and open_ else [],
        "officers": (Officer.objects.filter(agency_id=matter.agency_id).order_by("name")
                     if bureau and open_ and matter.agency_id else []),
        "notice_kinds": NoticeKind.choices,
    })


@role_required(Role.BUREAU)
@require_POST
def matter_action(request, matter_id: int):
    """The bureau's actions on a matter: 督办, 约谈, 通报 (draft), 移送纪检监察, 办结."""
    user, data = request.user, request.POST
    matter = get_or_404(selectors.matter_get_for_actor, actor=user, matter_id=matter_id)
    action = data.get("action")
    try:
        if action == "directive":
            services.directive_issue(actor=user, matter_id=matter.pk, instruction=data.get("instruction", ""),
                                     deadline=data.get("deadline") or None, agency_id=int_from(data, "agency"))
            messages.success(request, _("已发出督办"))
        elif action == "interview":
            services.interview_record(
                actor=user, matter_id=matter.pk, agency_id=int_from(data, "agency") or matter.agency_id,
                officer_id=int_from(data, "officer"), interviewees=data.get("interviewees", ""),
                held_at=data.get("held_at", ""), place=data.get("place", ""),
                record_summary=data.get("record_summary", ""))
            messages.success(request, _("已记录约谈"))
        elif action == "notice":
            notice = services.notice_draft(actor=user, matter_id=matter.pk, kind=data.get("kind", ""),
                                           title=data.get("title", ""), body=data.get("body", ""))
            messages.success(request, _("已起草通报,请核对后发布"))
            return redirect("supervision_matters:notice_detail", notice_id=notice.pk)
        elif action == "referral":
            referral = services.referral_create(actor=user, matter_id=matter.pk, clue=data.get("clue", ""),
                                                officer_ids=ids_from(data, "officers"),
                                                alert_ids=ids_from(data, "alerts"), evidence=data.get("evidence", ""))
            messages.success(request, _("已移送纪检监察"))
            return redirect("supervision_matters:referral_detail", referral_id=referral.pk)
        else:
            services.matter_conclude(actor=user, matter_id=matter.pk, conclusion=data.get("conclusion", ""))
            messages.success(request, _("督办事项已办结"))
    except DomainError as exc:
        error_message(request, exc)
    return redirect("supervision_matters:matter_detail", matter_id=matter.pk)


@role_required(Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
@require_POST
def directive_reply(request, directive_id: int):
    """The agency replies to a directive with its handling result."""
    directive = get_or_404(selectors.directive_get_for_actor, actor=request.user, directive_id=directive_id)
    try:
        services.directive_reply(actor=request.user, directive_id=directive.pk, reply=request.POST.get("reply", ""))
        messages.success(request, _("已回复督办"))
    except DomainError as exc:
        error_message(request, exc)
    return redirect("supervision_matters:matter_detail", matter_id=directive.matter_id)


@role_required(*COUNTY)
def notice_list(request):
    """Notices: the bureau's drafts and published ones; discipline reads the published ones."""
    qs = selectors.notice_list_for_actor(actor=request.user)
    return render(request, "supervision/notice_list.html",
                  {"page": Paginator(qs, 30).get_page(request.GET.get("page"))})


@role_required(*COUNTY)
def notice_detail(request, notice_id: int):
    """One notice; the bureau edits a draft and publishes it (then it is immutable)."""
    user = request.user
    notice = get_or_404(selectors.notice_get_for_actor, actor=user, notice_id=notice_id)
    if request.method == "POST":
        if user.role != Role.BUREAU:
            messages.error(request, _("只有司法局可以修改或发布通报"))
            return redirect("supervision_matters:notice_detail", notice_id=notice.pk)
        data = request.POST
        try:
            if data.get("action") == "publish":
                services.notice_publish(actor=user, notice_id=notice.pk)
                messages.success(request, _("通报已公开发布"))
            else:
                services.notice_update(actor=user, notice_id=notice.pk, kind=data.get("kind", ""),
                                       title=data.get("title", ""), body=data.get("body", ""))
                messages.success(request, _("已保存"))
        except DomainError as exc:
            error_message(request, exc)
        return redirect("supervision_matters:notice_detail", notice_id=notice.pk)
    state = NOTICE_PUBLISHED if notice.published else NOTICE_DRAFT
    return render(request, "supervision/notice_detail.html", {
        "notice": notice, "notice_kinds": NoticeKind.choices,
        "can_edit": user.role == Role.BUREAU and state in NOTICE.editable,
        "can_publish": NOTICE.allowed(state, "publish", user.role),
    })


@role_required(*COUNTY)
def referral_list(request):
    """Referrals to discipline: the discipline role's inbox (the bureau sees what it referred)."""
    pending = request.GET.get("pending") == "1"
    qs = selectors.referral_list_for_actor(actor=request.user, pending_only=pending)
    return render(request, "supervision/referral_list.html",
                  {"page": Paginator(qs, 30).get_page(request.GET.get("page")), "pending": pending})


@role_required(*COUNTY)
def referral_detail(request, referral_id: int):
    """One referral with its evidence; discipline records receipt (已接收)."""
    user = request.user
    referral = get_or_404(selectors.referral_get_for_actor, actor=user, referral_id=referral_id)
    if request.method == "POST":
        try:
            services.referral_receive(actor=user, referral_id=referral.pk, note=request.POST.get("note", ""))
            messages.success(request, _("已记录接收"))
        except DomainError as exc:
            error_message(request, exc)
        return redirect("supervision_matters:referral_detail", referral_id=referral.pk)
    return render(request, "supervision/referral_detail.html", {
        "referral": referral, "officers": list(referral.officers.select_related("agency")),
        "alerts": list(referral.alerts.select_related("agency")),
        "can_receive": user.role == Role.DISCIPLINE and referral.received_at is None,
    })
