"""Work pages of annual plans (R05) and special plans (R08) under /work/planning/.

Views parse, call a selector or service, and render; domain errors become messages with rule and clause.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.inputs import int_or_none
from clearcheck.core.web import error_message, role_required
from clearcheck.registry.models import Agency

from ..choices import ApproverKind, SpecialPlanStatus
from ..selectors import plans as selectors
from ..selectors.people import people_labelled
from ..services import plans as services
from ..services import special_plans as special
from ..workflows import SPECIAL_PLAN
from .labels import PLAN_LABELS, SPECIAL_PLAN_LABELS

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
MANAGERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
PLAN_FIELDS = services.PLAN_FIELDS
SPECIAL_FIELDS = ("year", "title", "scope", "content", "period_start", "period_end", "assessment", "approver_kind")
MONTHS = range(1, 13)


def _year(request) -> int:
    year = int_or_none(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else clock.local_year()


def _page(request, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _manages(user, agency_id: int | None) -> bool:
    return user.role in MANAGERS and agency_id is not None and user.agency_id == agency_id


# --- Annual plans ----------------------------------------------------------------------------------


@role_required(*READERS)
def plan_list(request):
    """The actor's plans (all agencies' for the county roles); agency managers start a plan here."""
    form_data: dict = {}
    if request.method == "POST":
        form_data = {name: request.POST.get(name, "") for name in (*PLAN_FIELDS, "year")}
        try:
            plan = services.annual_plan_create(actor=request.user, agency=request.user.agency_id, **form_data)
            messages.success(request, f"已建立 {plan.year} 年度检查计划,请安排月度检查")
            return redirect("planning:plan_detail", plan_id=plan.pk)
        except DomainError as exc:
            error_message(request, exc, PLAN_LABELS)
    year = int_or_none(request.GET.get("year"))
    qs = selectors.annual_plans_for_actor(actor=request.user, year=year)
    return render(request, "planning/plans/plan_list.html", {
        "page": _page(request, qs), "year": year or "", "this_year": clock.local_year(),
        "can_manage": _manages(request.user, request.user.agency_id), "form_data": form_data,
        "is_county": request.user.role in COUNTY_ROLES,
    })


def _plan_post(request, plan) -> None:
    action = request.POST.get("action")
    if action == "update":
        services.annual_plan_update(actor=request.user, plan_id=plan.pk,
                                    **{name: request.POST.get(name, "") for name in PLAN_FIELDS})
        messages.success(request, "已保存计划内容")
    elif action == "entry_set":
        entry = services.annual_plan_entry_set(
            actor=request.user, plan_id=plan.pk, item_id=request.POST.get("item"), month=request.POST.get("month"),
            target_count=request.POST.get("target_count"), note=request.POST.get("note", ""),
        )
        messages.success(request, "已更新月度安排" if entry else "已删除该月度安排")
    elif action == "entry_remove":
        services.annual_plan_entry_remove(actor=request.user, plan_id=plan.pk, entry_id=request.POST.get("entry"))
        messages.success(request, "已删除该月度安排")
    else:
        raise Http404


@role_required(*READERS)
def plan_detail(request, plan_id: int):
    """The plan editor: the plan's fields, a month-by-month schedule (one card per month), its filings.

    A refused change comes back on the same page (422) with what was typed, in the form that sent it.
    """
    plan = get_or_404(selectors.annual_plan_get_for_actor, actor=request.user, plan_id=plan_id)
    if request.method == "POST":
        try:
            _plan_post(request, plan)
        except DomainError as exc:
            error_message(request, exc, PLAN_LABELS)
            return _plan_detail_page(request, plan, posted=request.POST, status=422)
        anchor = f"#month-{request.POST.get('month')}" if request.POST.get("month") else ""
        return redirect(f"{request.path}{anchor}")
    return _plan_detail_page(request, plan)


def _plan_detail_page(request, plan, *, posted=None, status: int = 200):
    can_manage = _manages(request.user, plan.agency_id)
    filings = people_labelled(selectors.plan_filings_for_actor(actor=request.user, plan_id=plan.pk)
                              .order_by("-version"), "filed_by")
    return render(request, "planning/plans/plan_detail.html", {
        "plan": plan, "schedule": selectors.annual_plan_schedule(plan), "filings": filings,
        "can_manage": can_manage, "deadline": services.filing_deadline(plan.year),
        "items": list(selectors.annual_plan_item_choices(plan)) if can_manage else [],
        "changed": services.annual_plan_changed_since_filing(plan),
        "posted": posted or {}, "posted_action": (posted or {}).get("action", ""),
        # The month whose entry form sent the refused change (its card opens with what was typed).
        "entry_month": (posted or {}).get("month", "") if (posted or {}).get("action") == "entry_set" else "",
    }, status=status)


@role_required(*MANAGERS)
@require_POST
def plan_file(request, plan_id: int):
    """File the plan with the judicial bureau (R05); an amendment needs a reason (kept when refused)."""
    try:
        filing = services.annual_plan_file(actor=request.user, plan_id=plan_id, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        error_message(request, exc, PLAN_LABELS)
        plan = get_or_404(selectors.annual_plan_get_for_actor, actor=request.user, plan_id=plan_id)
        return _plan_detail_page(request, plan, posted={**request.POST.dict(), "action": "file"}, status=422)
    if filing.on_time:
        messages.success(request, f"已备案第 {filing.version} 版")
    else:
        messages.warning(request, f"已备案第 {filing.version} 版(晚于 3 月 31 日)")
    return redirect("planning:filing_detail", filing_id=filing.pk)


@role_required(*READERS)
def filing_detail(request, filing_id: int):
    """One immutable filed version, rendered from its snapshot."""
    filing = get_or_404(selectors.plan_filing_get_for_actor, actor=request.user, filing_id=filing_id)
    return render(request, "planning/plans/filing_detail.html", {
        "filing": filing, "data": selectors.plan_filing_data(filing),
        "schedule": selectors.plan_filing_schedule(filing),
        "versions": selectors.plan_filings_for_actor(actor=request.user, plan_id=filing.plan_id).order_by("-version"),
    })


@role_required(*COUNTY_ROLES)
def filings_overview(request):
    """The bureau's overview of a year: every listed agency's filing status, late and missing ones highlighted."""
    year = _year(request)
    rows = selectors.plan_filings_overview(actor=request.user, year=year)
    counts = {state: sum(1 for r in rows if r.state == state) for state in ("on_time", "late", "overdue", "pending")}
    return render(request, "planning/plans/filings_overview.html", {
        "year": year, "rows": rows, "counts": counts, "deadline": services.filing_deadline(year),
        "years": range(clock.local_year() + 1, clock.local_year() - 5, -1),
    })


# --- Special plans ---------------------------------------------------------------------------------


@role_required(*READERS)
def special_plan_list(request):
    """Special plans the actor's agency leads or joins (all for the county roles), by year and state."""
    year = int_or_none(request.GET.get("year"))
    status = request.GET.get("status") if request.GET.get("status") in SpecialPlanStatus.values else ""
    qs = selectors.special_plans_for_actor(actor=request.user, year=year, status=status or None)
    return render(request, "planning/special_plans/special_plan_list.html", {
        "page": _page(request, qs), "year": year or "", "status": status, "statuses": SpecialPlanStatus.choices,
        "can_create": request.user.role in MANAGERS and request.user.agency_id is not None,
    })


def _special_form(request) -> dict:
    data = {name: request.POST.get(name, "") for name in SPECIAL_FIELDS}
    data["co_agencies"] = [v for v in request.POST.getlist("co_agencies") if v]
    return data


def _co_agency_choices(user):
    return Agency.objects.filter(listed=True).exclude(pk=user.agency_id).order_by("code")


@role_required(*MANAGERS)
def special_plan_create(request):
    """Draft a special plan led by the actor's agency (R08: the assessment is required)."""
    form_data: dict = {**dict.fromkeys(SPECIAL_FIELDS, ""), "year": clock.local_year(),
                       "approver_kind": ApproverKind.GOVERNMENT, "co_agencies": []}
    if request.method == "POST":
        form_data = _special_form(request)
        try:
            plan = special.special_plan_create(actor=request.user, lead_agency=request.user.agency_id, **form_data)
            messages.success(request, "已拟定专项检查计划草稿;请登记法制审核和集体讨论后报批")
            return redirect("planning:special_plan_detail", special_plan_id=plan.pk)
        except DomainError as exc:
            error_message(request, exc, SPECIAL_PLAN_LABELS)
    return render(request, "planning/special_plans/special_plan_create.html", {
        "form_data": form_data, "approver_kinds": ApproverKind.choices,
        "agencies": _co_agency_choices(request.user),
        "selected": {str(v) for v in form_data.get("co_agencies", [])},
    })


def _special_post(request, plan) -> None:
    action, post, user = request.POST.get("action"), request.POST, request.user
    if action == "update":
        special.special_plan_update(actor=user, plan_id=plan.pk, **_special_form(request))
        messages.success(request, "已保存")
    elif action == "legal_review":
        special.special_plan_legal_review_record(actor=user, plan_id=plan.pk, opinion=post.get("opinion", ""))
        messages.success(request, "已登记法制审核意见")
    elif action == "discussion":
        special.special_plan_discussion_record(actor=user, plan_id=plan.pk, record=post.get("record", ""),
                                               discussed_on=post.get("discussed_on", ""))
        messages.success(request, "已登记集体讨论记录")
    elif action == "submit":
        special.special_plan_submit(actor=user, plan_id=plan.pk)
        messages.success(request, "已报批")
    elif action == "approve":
        special.special_plan_approve(actor=user, plan_id=plan.pk, note=post.get("note", ""))
        messages.success(request, "已批准并向社会公布")
    elif action == "reject":
        special.special_plan_reject(actor=user, plan_id=plan.pk, note=post.get("note", ""))
        messages.success(request, "已作出不予批准决定")
    elif action == "superior_approval":
        special.special_plan_record_superior_approval(actor=user, plan_id=plan.pk, document=post.get("document", ""))
        messages.success(request, "已登记上级机关批准文件,计划已公布")
    elif action == "amend":
        changes = {name: post.get(name, "") for name in special.AMEND_FIELDS if post.get(name, "").strip()}
        amendment = special.special_plan_amend_urgent(actor=user, plan_id=plan.pk, reason=post.get("reason", ""),
                                                      **changes)
        messages.success(request, f"已备案第 {amendment.number} 次紧急修改")
    else:
        raise Http404


@role_required(*READERS)
def special_plan_detail(request, special_plan_id: int):
    """A special plan: its records, and the actions open to the actor's role in the plan's state.

    A refused action comes back on the same page (422) with what was typed, in the form that sent it.
    """
    plan = get_or_404(selectors.special_plan_get_for_actor, actor=request.user, plan_id=special_plan_id)
    posted = None
    if request.method == "POST":
        try:
            _special_post(request, plan)
            return redirect("planning:special_plan_detail", special_plan_id=plan.pk)
        except DomainError as exc:
            error_message(request, exc, SPECIAL_PLAN_LABELS)
            posted = request.POST
    user = request.user
    is_lead = _manages(user, plan.lead_agency_id)
    government = plan.approver_kind == ApproverKind.GOVERNMENT
    actions = {name for name, _ in SPECIAL_PLAN.actions_for(plan.status, user.role)}
    posted_action = posted.get("action", "") if posted is not None else ""
    return render(request, "planning/special_plans/special_plan_detail.html", {
        "plan": plan, "co_agencies": list(plan.co_agencies.order_by("code")),
        "amendments": selectors.special_plan_amendments(plan),
        "editable": is_lead and plan.status in SPECIAL_PLAN.editable,
        "can_submit": is_lead and "submit" in actions,
        "can_decide": government and "approve" in actions,
        "can_record_superior": is_lead and not government and plan.status == SpecialPlanStatus.SUBMITTED,
        "can_amend": is_lead and "amend" in actions,
        "approver_kinds": ApproverKind.choices, "agencies": _co_agency_choices(user) if is_lead else [],
        "selected": (set(posted.getlist("co_agencies")) if posted_action == "update"
                     else {str(a.pk) for a in plan.co_agencies.all()}),
        "discussed_on": (plan.discussed_at.astimezone(clock.LOCAL_TZ).date() if plan.discussed_at
                         else clock.local_today()),
        "quota": special.planning_settings_for(plan.lead_agency_id).special_plan_quota,
        "quota_used": special.special_plan_quota_used(agency_id=plan.lead_agency_id, year=plan.year),
        "posted": posted if posted is not None else {}, "posted_action": posted_action,
        "update_data": _special_form(request) if posted_action == "update" else None,
    }, status=422 if posted is not None else 200)


@role_required(*COUNTY_ROLES)
def quotas(request):
    """Each agency's special plans of a year against its quota (R08)."""
    year = _year(request)
    return render(request, "planning/special_plans/quotas.html", {
        "year": year, "rows": selectors.special_plan_quotas(actor=request.user, year=year),
        "years": range(clock.local_year() + 1, clock.local_year() - 5, -1),
    })
