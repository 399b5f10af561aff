"""Enterprise portal (/enterprise/): its visits (what it is shown at check-in, R28, and the closed ones it is
invited to evaluate), the evaluation form, past evaluations, and its complaints with the bureau's replies.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from clearcheck.accounts.choices import Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, form_once_done, form_once_record, role_required
from clearcheck.inspections.selectors import outcomes as outcome_selectors
from clearcheck.inspections.selectors import visits as visit_selectors
from clearcheck.inspections.services.visits import visits_expire_due
from clearcheck.registry.selectors import agency_list_public

from .. import selectors, services
from ..choices import CONDUCT_QUESTIONS, CONDUCT_RULES, SCORES
from ..forms import complaint_values, evaluation_values
from ..services.complaints import MAX_TEXT
from ..services.evaluations import MAX_COMMENT

# The forms' own labels, for errors that name a field (core.web.error_text).
EVALUATION_LABELS = {"score": _lazy("总体评分"), "duration_minutes": _lazy("检查用时"), "comment": _lazy("意见建议"),
                     "conduct_yes": _lazy("检查中存在的问题")}
COMPLAINT_LABELS = {"subject": _lazy("事项"), "content": _lazy("内容"), "agency_id": _lazy("被投诉机关"),
                    "officer_named": _lazy("涉及执法人员"), "complainant_name": _lazy("联系人"),
                    "complainant_contact": _lazy("联系电话")}


def _labels(labels: dict) -> dict[str, str]:
    """The labels in the request's language."""
    return {name: str(label) for name, label in labels.items()}


def _rights() -> dict:
    """What every page of the enterprise's visits shows beside the facts (R28): the conduct prohibitions and
    where to request a recusal or record a refused entry.
    """
    return {"prohibitions": visit_selectors.CONDUCT_PROHIBITIONS, "recusal_url": reverse("inspections:recusal_list"),
            "refusal_url": reverse("inspections:entry_refusal_list")}


@enterprise_portal
@never_cache
@role_required(Role.ENTERPRISE)
def visit_detail(request, visit_id: int):
    """Everything about one of the enterprise's visits (issue 19): who came and on what basis, the count against
    the limits (R28), the findings with each disposition, deadline, re-check and referral, the documents
    issued to it, and its own evaluation (R27).
    """
    visit = get_or_404(visit_selectors.visit_get_for_actor, actor=request.user, visit_id=visit_id)
    evaluation = selectors.evaluations_for_actor(actor=request.user).filter(visit_id=visit.pk).first()
    pending = next((p for p in selectors.evaluations_pending_for_enterprise(request.user.enterprise_id)
                    if p.visit.pk == visit.pk), None)
    return render(request, "feedback/enterprise/visit_detail.html", {
        "facts": visit_selectors.visit_facts(visit), "outcome": outcome_selectors.enterprise_visit_outcome(
            actor=request.user, visit=visit), "evaluation": evaluation, "pending": pending,
        "today": clock.local_today(), "is_enterprise": True,
        **_rights(),
    })


@enterprise_portal
@never_cache
@role_required(Role.ENTERPRISE)
def visits(request):
    """The enterprise's current visit with what it is shown (R28), this year's counts, the closed visits it
    may still evaluate (R27) and its history.
    """
    current = visit_selectors.enterprise_current_visit(request.user)
    if current is not None:
        visits_expire_due(visit_ids=[current.pk])
        current = visit_selectors.enterprise_current_visit(request.user)
    qs = visit_selectors.visits_for_actor(request.user).order_by("-started_at", "-id")
    return render(request, "feedback/enterprise/visits.html", {
        "facts": visit_selectors.visit_facts(current) if current else None,
        "summary": visit_selectors.enterprise_year_summary(request.user),
        "page": Paginator(qs, 20).get_page(request.GET.get("page")),
        **_rights(),
        "pending_evaluations": selectors.evaluations_pending_for_enterprise(request.user.enterprise_id),
    })


@role_required(Role.ENTERPRISE)
def evaluation_list(request):
    """Closed visits still awaiting evaluation (with days left) and the evaluations already given."""
    pending = selectors.evaluations_pending_for_enterprise(request.user.enterprise_id)
    done = selectors.evaluations_for_actor(actor=request.user)
    return render(request, "feedback/enterprise/evaluation_list.html", {
        "pending": pending, "page": Paginator(done, 20).get_page(request.GET.get("page")),
        "window_days": selectors.evaluation_window_days(),
    })


@role_required(Role.ENTERPRISE)
def evaluation_create(request, visit_id: int):
    """The evaluation form of one closed visit (phone first). Sent twice (Back and send, a double tap), it
    leads to the evaluation already given instead of an error; refused, it comes back with what was typed.
    """
    if request.method == "POST" and (done := form_once_done(request)):
        messages.info(request, _("这份评价已经提交过,没有重复提交"))
        return redirect(done)
    visit = get_or_404(selectors.evaluation_visit_for_actor, actor=request.user, visit_id=visit_id)
    form = {"score": "", "conduct_yes": [], "duration_minutes": "", "comment": ""}
    status = 200
    if request.method == "POST":
        form = evaluation_values(request.POST)
        try:
            evaluation = services.evaluation_submit(actor=request.user, visit_id=visit.pk, **form)
            messages.success(request, _("评价已提交,感谢您的监督"))
            url = reverse("feedback_enterprise:evaluation_detail", kwargs={"evaluation_id": evaluation.pk})
            form_once_record(request, url)
            return redirect(url)
        except DomainError as exc:
            error_message(request, exc, _labels(EVALUATION_LABELS))
            status = 422
    window_end = selectors.evaluation_window_end(visit.closed_at) if visit.closed_at else None
    last_day = (window_end - dt.timedelta(days=1)).date() if window_end else None
    return render(request, "feedback/enterprise/evaluation_form.html", {
        "visit": visit, "form": form, "scores": SCORES, "questions": _questions(), "last_day": last_day,
        "max_comment": MAX_COMMENT,
        "days_left": selectors.evaluation_days_left(visit.closed_at) if visit.closed_at else None,
    }, status=status)


def _questions() -> list[tuple[str, object, object]]:
    """Each conduct question: its code, the behaviour observed, and the rule it breaches."""
    return [(code, text, CONDUCT_RULES[code]) for code, text in CONDUCT_QUESTIONS]


@role_required(Role.ENTERPRISE)
def evaluation_detail(request, evaluation_id: int):
    """One of the enterprise's own evaluations."""
    evaluation = get_or_404(selectors.evaluation_get_for_actor, actor=request.user, evaluation_id=evaluation_id)
    return render(request, "feedback/evaluation_detail.html", {
        "evaluation": evaluation, "conduct": _conduct_rows(evaluation), "portal": True})


def _conduct_rows(evaluation) -> list[tuple[str, bool]]:
    return [(text, code in evaluation.conduct_yes) for code, text in CONDUCT_QUESTIONS]


@role_required(Role.ENTERPRISE)
def complaint_list(request):
    """The enterprise's complaints, each with where it stands (replied, or the days left to the deadline)."""
    qs = selectors.complaints_for_actor(actor=request.user)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    today = clock.local_today()
    return render(request, "feedback/enterprise/complaint_list.html", {
        "page": page, "rows": [(c, selectors.complaint_progress(c, today)) for c in page]})


@role_required(Role.ENTERPRISE)
def complaint_create(request):
    """Complain about an inspection or an officer (投诉举报) from the portal. Sent twice, it leads to the
    complaint already made; refused, it comes back with what was typed (422).
    """
    form = {}
    status = 200
    if request.method == "POST":
        if done := form_once_done(request):
            messages.info(request, _("这份投诉举报已经提交过,没有重复提交"))
            return redirect(done)
        form = complaint_values(request.POST)
        try:
            complaint = services.complaint_receive(
                actor=request.user, subject=form["subject"], content=form["content"],
                complainant_name=form["complainant_name"], complainant_contact=form["complainant_contact"],
                agency_id=form["agency_id"] or None, officer_named=form["officer_named"])
            messages.success(request, _("投诉举报已提交,司法局将在答复期限内答复"))
            url = reverse("feedback_enterprise:complaint_detail", kwargs={"complaint_id": complaint.pk})
            form_once_record(request, url)
            return redirect(url)
        except DomainError as exc:
            error_message(request, exc, _labels(COMPLAINT_LABELS))
            status = 422
    return render(request, "feedback/enterprise/complaint_form.html", {
        "form": form, "agencies": agency_list_public(), "max_content": MAX_TEXT}, status=status)


@role_required(Role.ENTERPRISE)
def complaint_detail(request, complaint_id: int):
    """One of the enterprise's complaints: where it stands step by step, and the bureau's reply once given."""
    complaint = get_or_404(selectors.complaint_get_for_actor, actor=request.user, complaint_id=complaint_id)
    return render(request, "feedback/enterprise/complaint_detail.html", {
        "complaint": complaint, "progress": selectors.complaint_progress(complaint)})
