"""Outcome pages (R19), phone first:

- ``outcomes_page``: the findings of a visit with their failed entries and dispositions; a confirmed
  officer of the open visit records findings here, and whoever may dispose of a finding adds dispositions
  with one form (the kind as big buttons, then only the fields that kind needs). Readers see it read-only;
  the enterprise sees its findings and correction deadlines once the record is closed.
- ``referral_inbox``: referrals to the agency (its admin and head), and those it sent.
- ``referral_detail``: one referral; the receiving agency accepts it and records how it was handled, the
  referring agency reads the result.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clearcheck.accounts.choices import Role
from clearcheck.core import clock
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.middleware import enterprise_portal
from clearcheck.core.web import error_message, error_text, role_required

from .. import rules
from ..choices import DispositionKind, RecordStatus, ReferralStatus
from ..selectors import outcomes as selectors
from ..services import outcomes as services
from ..workflows import REFERRAL

READER_ROLES = (Role.BUREAU, Role.GOVERNMENT, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD,
                Role.DEPARTMENT_HEAD, Role.OFFICER, Role.ENTERPRISE)
INTERNAL_ROLES = tuple(r for r in READER_ROLES if r != Role.ENTERPRISE)
INBOX_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)
STATUS_STYLE = {"open": "warn", "closed": "ok", "pending": "warn", "accepted": "", "handled": "ok"}
KIND_HINTS = {
    DispositionKind.NOTICE: _("未发现需要处罚的问题,告知企业"),
    DispositionKind.CORRECT_NOW: _("记录当场改正的情况"),
    DispositionKind.CORRECT_BY_DEADLINE: _("填写整改期限,自动提报复查任务"),
    DispositionKind.REFER: _("移送其他行政执法机关办理"),
    DispositionKind.CASE: _("填写立案号"),
    DispositionKind.NO_PENALTY: _("选择本机关免罚清单中的依据"),
}


def _ids(values) -> list[str]:
    return [v for v in values if v.strip()]


def _post(request, visit) -> str:
    """Run the posted action; returns the anchor to go back to."""
    data, action = request.POST, request.POST.get("action", "")
    finding_id = data.get("finding_id") or None
    if action == "finding_create":
        finding = services.finding_create(actor=request.user, visit_id=visit.pk,
                                          entry_ids=_ids(data.getlist("entry_ids")),
                                          description=data.get("description", ""),
                                          legal_basis=data.get("legal_basis", ""))
        messages.success(request, f"已登记检查发现 #{finding.pk},请作出处置")
        return f"finding-{finding.pk}"
    if action == "finding_update":
        services.finding_update(actor=request.user, finding_id=finding_id,
                                entry_ids=_ids(data.getlist("entry_ids")) or None,
                                description=data.get("description"), legal_basis=data.get("legal_basis"))
        messages.success(request, "检查发现已修改")
        return f"finding-{finding_id}"
    if action == "finding_remove":
        services.finding_remove(actor=request.user, finding_id=finding_id)
        messages.success(request, "检查发现已删除")
        return "findings"
    if action == "disposition_add":
        disposition = services.disposition_add(
            actor=request.user, finding_id=finding_id, kind=data.get("kind", ""), note=data.get("note", ""),
            deadline=data.get("deadline") or None, referred_to=data.get("referred_to") or None,
            case_number=data.get("case_number", ""), no_penalty_entry=data.get("no_penalty_entry") or None,
            no_fault=data.get("no_fault") == "1",
        )
        messages.success(request, f"已添加处置:{disposition.get_kind_display()}")
        finding = selectors.finding_get_for_actor(actor=request.user, finding_id=disposition.finding_id)
        for warning in selectors.finding_warnings(finding):
            messages.warning(request, warning)
        return f"finding-{disposition.finding_id}"
    if action == "disposition_remove":
        services.disposition_remove(actor=request.user, disposition_id=data.get("disposition_id"),
                                    reason=data.get("reason", ""))
        messages.success(request, "处置已撤销")
        return f"finding-{finding_id}" if finding_id else "findings"
    messages.error(request, "未知的操作")
    return "findings"


# What a form that failed keeps, by action: the page comes back (422) with the chosen kind and typed values.
KEPT = {
    "disposition_add": ("finding_id", "kind", "deadline", "referred_to", "case_number", "no_penalty_entry",
                        "no_fault", "note"),
    "finding_create": ("description", "legal_basis"),
    "finding_update": ("finding_id", "description", "legal_basis"),
}


def _kept(request, exc: DomainError) -> dict:
    """The failed form's values and its error, for the page that answers it again."""
    data, action = request.POST, request.POST.get("action", "")
    kept = {name: data.get(name, "") for name in KEPT.get(action, ())}
    kept.update({"action": action, "error": error_text(exc, _labels()),
                 "entry_ids": [v for v in data.getlist("entry_ids") if v.isdigit()]})
    return kept


def _labels() -> dict[str, str]:
    return {"kind": str(_("处置方式")), "deadline": str(_("整改期限")), "referred_to": str(_("接收机关")),
            "case_number": str(_("立案号")), "no_penalty_entry": str(_("免罚依据")), "note": str(_("说明")),
            "description": str(_("问题描述")), "legal_basis": str(_("违反的规定")), "entry_ids": str(_("所涉检查内容"))}


def _kinds(finding) -> list[tuple]:
    """The disposition kinds offered for ``finding``: only those that fit it (R19, ``rules``)."""
    fitting = set(rules.disposition_kinds_fitting(finding))
    return [(value, label, KIND_HINTS[value]) for value, label in DispositionKind.choices if value in fitting]


def _finding_rows(request, findings, record) -> list[dict]:
    """Each finding with what the actor may do to it; choices are read once per agency of the findings."""
    may, agencies, grounds, rows = {}, {}, {}, []
    for finding in findings:
        if finding.agency_id not in may:
            may[finding.agency_id] = selectors.actor_may_dispose(request.user, finding)
            if may[finding.agency_id]:
                agencies[finding.agency_id] = list(selectors.referral_agencies(finding))
                grounds[finding.agency_id] = list(selectors.no_penalty_grounds(finding))
        can_dispose = finding.status == "open" and may[finding.agency_id]
        rows.append({
            "finding": finding, "can_dispose": can_dispose, "warnings": selectors.finding_warnings(finding),
            "can_withdraw": can_dispose and record.status == RecordStatus.DRAFTING,
            "agencies": agencies.get(finding.agency_id, []), "grounds": grounds.get(finding.agency_id, []),
            "style": STATUS_STYLE.get(finding.status, ""), "kinds": _kinds(finding) if can_dispose else [],
        })
    return rows


@enterprise_portal
@role_required(*READER_ROLES)
def outcomes_page(request, visit_id: int):
    """The findings of a visit and their dispositions; officers record and dispose here (R19)."""
    visit = get_or_404(selectors.outcomes_visit_get_for_actor, actor=request.user, visit_id=visit_id)
    kept = None
    if request.method == "POST":
        try:
            anchor = _post(request, visit)
        except DomainError as exc:
            if request.POST.get("action") not in KEPT:
                error_message(request, exc)
                return redirect(reverse("inspections:outcomes", args=[visit.pk]) + "#findings")
            kept = _kept(request, exc)
        else:
            return redirect(reverse("inspections:outcomes", args=[visit.pk]) + f"#{anchor}")
    record = visit.record
    is_enterprise = request.user.role == Role.ENTERPRISE
    can_record = selectors.actor_may_record_findings(request.user, visit)
    findings = _finding_rows(request, selectors.findings_for_actor(actor=request.user, visit_id=visit.pk), record)
    for row in findings:
        same = kept is not None and kept.get("finding_id") == str(row["finding"].pk)
        row["kept"] = kept if same else None
    return render(request, "inspections/outcomes/page.html", {
        "visit": visit, "record": record, "rows": findings, "is_enterprise": is_enterprise,
        "can_record": can_record, "open_entries": selectors.entries_open_for_findings(record) if can_record else [],
        "today": clock.local_today(), "kept": kept,
        "undisposed": [r["finding"].pk for r in findings if not r["finding"].dispositions.all()],
    }, status=422 if kept else 200)


@role_required(*INBOX_ROLES)
def referral_inbox(request):
    """Referrals to the actor's agency (待接收, 办理中, 已办结) and, on the second tab, those it sent."""
    box = "sent" if request.GET.get("box") == "sent" else "inbox"
    status = request.GET.get("status") or ""
    select = selectors.referral_inbox if box == "inbox" else selectors.referrals_sent
    qs = select(actor=request.user, status=status or None).order_by("-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "inspections/outcomes/referral_inbox.html", {
        "page": page, "box": box, "status": status, "statuses": ReferralStatus.choices, "styles": STATUS_STYLE,
    })


@role_required(*INTERNAL_ROLES)
def referral_detail(request, disposition_id: int):
    """One referral: the finding it comes from, and how the receiving agency handled it."""
    disposition = get_or_404(selectors.disposition_get_for_actor, actor=request.user, disposition_id=disposition_id)
    if disposition.kind != DispositionKind.REFER:
        raise Http404("移送不存在")
    can_handle = selectors.actor_may_handle_referral(request.user, disposition)
    if request.method == "POST":
        action, note = request.POST.get("action"), request.POST.get("note", "")
        try:
            if action == "accept":
                services.referral_accept(actor=request.user, disposition_id=disposition.pk, note=note)
                messages.success(request, "已接收移送")
            elif action == "handle":
                services.referral_handle(actor=request.user, disposition_id=disposition.pk, note=note)
                messages.success(request, "已记录办理情况,移送机关可查看")
            else:
                messages.error(request, "未知的操作")
        except DomainError as exc:
            error_message(request, exc)
        return redirect("inspections:referral_detail", disposition_id=disposition.pk)
    actions = REFERRAL.actions_for(disposition.referral_status) if can_handle else []
    finding = disposition.finding
    return render(request, "inspections/outcomes/referral_detail.html", {
        "d": disposition, "finding": finding, "visit": finding.record.visit, "actions": actions,
        "can_handle": can_handle, "styles": STATUS_STYLE,
        "can_read_visit": selectors.findings_for_actor(actor=request.user).filter(pk=finding.pk).exists(),
        "entries": list(finding.entries.select_related("item").order_by("order", "id")),
    })
