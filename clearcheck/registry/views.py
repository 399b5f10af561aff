"""Registry pages: agencies and the agency list workflow, officers, the enterprise file (一企一档),
and the public agency pages. Views parse, call a selector or service, and render.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.accounts.selectors import actor_agency_id, actor_has_role
from clearcheck.audit.selectors import audit_events_for_subject
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError, ValidationFailed
from clearcheck.core.web import error_message, role_required

from . import selectors, services, workflows
from .choices import (
    AgencyKind,
    AgencyStatus,
    CredentialStatus,
    Datum,
    EnterpriseStatus,
    EntityType,
    PersonnelType,
    RegisterAuthority,
)
from .rules import (
    agency_inspection_refusal,
    enterprise_register_refusal,
    enterprise_register_scope,
    officer_qualification_refusal,
    register_authority_label,
    register_authority_of,
)

COUNTY = tuple(COUNTY_ROLES)
INTERNAL = (*COUNTY_ROLES, *AGENCY_ROLES)
PAGE_SIZE = 30


def _field_errors(exc: DomainError) -> dict[str, str]:
    return {e.field: e.message for e in getattr(exc, "errors", [])} if isinstance(exc, ValidationFailed) else {}


def _post_fields(request, names) -> dict:
    return {name: request.POST.get(name, "").strip() for name in names}


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Agencies and the agency list -----------------------------------------------------------------

_AGENCY_FORM = ("code", "name", "kind", "legal_basis", "region", "parent", "status", "reason")


def _agency_form(request) -> dict:
    form = _post_fields(request, _AGENCY_FORM)
    form["register_authorities"] = "".join(request.POST.getlist("register_authorities"))  # checkboxes
    return form


@role_required(*COUNTY)
def agency_list(request):
    """Agencies and the versions of the agency list, with the workflow buttons of the actor's role."""
    form, errors = {}, {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "create":
                form = _agency_form(request)
                services.agency_create(
                    actor=request.user, code=form["code"], name=form["name"], kind=form["kind"],
                    legal_basis=form["legal_basis"], region=form["region"], parent=form["parent"] or None,
                    reason=form["reason"], register_authorities=form["register_authorities"],
                )
                messages.success(request, "已新增行政检查主体")
            elif action == "draft":
                services.agency_list_draft(actor=request.user, note=request.POST.get("note", ""))
                messages.success(request, "已起草新版主体清单")
            elif action in workflows.AGENCY_LIST_TRANSITIONS:
                list_id = int(request.POST.get("list_id") or 0)
                note = request.POST.get("note", "")
                if action == "publish":
                    services.agency_list_publish(actor=request.user, list_id=list_id)
                else:
                    getattr(services, f"agency_list_{action}")(actor=request.user, list_id=list_id, note=note)
                messages.success(request, "已办理")
            return redirect("registry:agency_list")
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
            if not form:
                return redirect("registry:agency_list")
    q, kind, status = request.GET.get("q", "").strip(), request.GET.get("kind", ""), request.GET.get("status", "")
    agencies = selectors.agency_list_for_actor(actor=request.user, q=q or None, kind=kind or None,
                                               status=status or None)
    role = request.user.role
    versions = [
        (record, workflows.agency_list_actions_for(status=record.status, role=role))
        for record in selectors.agency_lists_for_actor(actor=request.user)[:20]
    ]
    return render(request, "registry/agency_list.html", {
        "page": _page(request, agencies), "versions": versions, "q": q, "kind": kind, "status": status,
        "kinds": AgencyKind.choices, "statuses": AgencyStatus.choices, "form": form, "errors": errors,
        "can_edit": role == Role.BUREAU, "register_authorities": RegisterAuthority.choices,
        "all_agencies": selectors.agency_list_for_actor(actor=request.user) if role == Role.BUREAU else [],
    })


@role_required(*INTERNAL)
def agency_detail(request, agency_id: int):
    """One agency: facts, R01 standing, change history; the bureau edits with a reason."""
    agency = get_or_404(selectors.agency_get_for_actor, actor=request.user, agency_id=agency_id)
    form, errors = {}, {}
    can_edit = actor_has_role(request.user, Role.BUREAU)
    if request.method == "POST" and can_edit:
        form = _agency_form(request)
        fields = {k: v for k, v in form.items() if k != "reason"}
        fields["parent"] = fields["parent"] or None
        try:
            services.agency_update(actor=request.user, agency_id=agency.pk, reason=form["reason"], **fields)
            messages.success(request, "已保存,并记录为新版本")
            return redirect("registry:agency_detail", agency_id=agency.pk)
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    if not form:
        form = {**services.agency_state(agency), "parent": agency.parent_id or "", "reason": ""}
    return render(request, "registry/agency_detail.html", {
        "agency": agency, "versions": selectors.agency_versions(agency=agency),
        "refusal": agency_inspection_refusal(agency), "can_edit": can_edit, "form": form, "errors": errors,
        "kinds": AgencyKind.choices, "statuses": AgencyStatus.choices, "register_authorities": RegisterAuthority.choices,
        "all_agencies": selectors.agency_list_for_actor(actor=request.user).exclude(pk=agency.pk) if can_edit else [],
    })


# --- Officers -------------------------------------------------------------------------------------

_OFFICER_FORM = ("name", "credential_no", "valid_from", "valid_to", "status", "personnel_type")


def _may_manage_officers(user) -> bool:
    return actor_has_role(user, Role.BUREAU) or (actor_has_role(user, Role.AGENCY_ADMIN) and bool(user.agency_id))


@role_required(*INTERNAL)
def officer_list(request):
    """Officers of the actor's scope with their R12 qualification; a create form for bureau and agency admin."""
    form, errors = {}, {}
    can_create = _may_manage_officers(request.user)
    if request.method == "POST" and can_create:
        form = _post_fields(request, _OFFICER_FORM)
        agency = actor_agency_id(request.user) or request.POST.get("agency", "")
        form["agency"] = str(agency)
        try:
            officer = services.officer_create(
                actor=request.user, agency=int(agency) if str(agency).isdigit() else 0,
                **{k: v for k, v in form.items() if k != "agency"},
            )
            messages.success(request, "已登记执法人员")
            return redirect("registry:officer_detail", officer_id=officer.pk)
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    f = {k: request.GET.get(k, "").strip() for k in ("q", "agency", "status", "personnel_type")}
    qs = selectors.officer_list_for_actor(
        actor=request.user, q=f["q"] or None, agency=int(f["agency"]) if f["agency"].isdigit() else None,
        status=f["status"] or None, personnel_type=f["personnel_type"] or None,
    )
    page = _page(request, qs)
    rows = [(officer, officer_qualification_refusal(officer)) for officer in page]
    return render(request, "registry/officer_list.html", {
        "page": page, "rows": rows, "f": f, "form": form, "errors": errors, "can_create": can_create,
        "statuses": CredentialStatus.choices, "personnel_types": PersonnelType.choices,
        "agencies": selectors.agency_list_for_actor(actor=request.user) if actor_has_role(request.user, *COUNTY) else [],
    })


@role_required(*INTERNAL)
def officer_detail(request, officer_id: int):
    """One officer: credential, R12 qualification, change form (suspend / revoke) and audit trail."""
    officer = get_or_404(selectors.officer_get_for_actor, actor=request.user, officer_id=officer_id)
    can_edit = actor_has_role(request.user, Role.BUREAU) or (
        actor_has_role(request.user, Role.AGENCY_ADMIN) and actor_agency_id(request.user) == officer.agency_id
    )
    form, errors = {}, {}
    if request.method == "POST" and can_edit:
        form = _post_fields(request, _OFFICER_FORM)
        try:
            services.officer_update(actor=request.user, officer_id=officer.pk, **form)
            messages.success(request, "已保存")
            return redirect("registry:officer_detail", officer_id=officer.pk)
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    if not form:
        form = {name: getattr(officer, name) for name in _OFFICER_FORM}
        form["valid_from"], form["valid_to"] = officer.valid_from.isoformat(), officer.valid_to.isoformat()
    return render(request, "registry/officer_detail.html", {
        "officer": officer, "refusal": officer_qualification_refusal(officer), "can_edit": can_edit,
        "form": form, "errors": errors, "statuses": CredentialStatus.choices,
        "personnel_types": PersonnelType.choices,
        "events": audit_events_for_subject("registry.officer", officer.pk)[:50],
    })


# --- Enterprises ----------------------------------------------------------------------------------

_ENTERPRISE_FORM = ("uscc", "name", "entity_type", "legal_representative", "address", "region", "industry",
                    "latitude", "longitude", "coordinate_datum", "status")


def _may_register_enterprises(user) -> bool:
    # The bureau, or an admin of an agency that keeps a register (ADR 0018).
    scope = enterprise_register_scope(user)
    return scope is None or bool(scope)


def _enterprise_choices() -> dict:
    return {"entity_types": EntityType.choices, "statuses": EnterpriseStatus.choices, "datums": Datum.choices}


@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_list(request):
    """The enterprise registry with search, filters and pagination (an enterprise account sees itself)."""
    f = {k: request.GET.get(k, "").strip() for k in ("q", "region", "industry", "entity_type", "status")}
    qs = selectors.enterprise_list_for_actor(actor=request.user, **{k: v or None for k, v in f.items()})
    return render(request, "registry/enterprise_list.html", {
        "page": _page(request, qs), "f": f, "can_create": _may_register_enterprises(request.user),
        **_enterprise_choices(),
    })


@role_required(Role.BUREAU, Role.AGENCY_ADMIN)
def enterprise_create(request):
    """Register an enterprise; bad input is shown field by field and nothing is saved."""
    form, errors = {"coordinate_datum": Datum.GCJ02, "region": "371524"}, {}
    if request.method == "POST":
        form = _post_fields(request, _ENTERPRISE_FORM)
        try:
            enterprise = services.enterprise_create(actor=request.user, **form)
            messages.success(request, "已登记企业")
            return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    return render(request, "registry/enterprise_form.html", {"form": form, "errors": errors, **_enterprise_choices()})


@role_required(*INTERNAL, Role.ENTERPRISE)
def enterprise_detail(request, enterprise_id: int):
    """The enterprise file (一企一档): registered data (changed by the register's keeper or the bureau), the
    agency's own notes, coordinates with datum, and its audit trail.
    """
    enterprise = get_or_404(selectors.enterprise_get_for_actor, actor=request.user, enterprise_id=enterprise_id)
    refusal = enterprise_register_refusal(request.user, enterprise.uscc)
    can_edit = refusal is None
    can_note = actor_has_role(request.user, *AGENCY_ROLES)
    form, errors, note_form = {}, {}, {}
    if request.method == "POST" and request.POST.get("action") == "note" and can_note:
        note_form = _post_fields(request, ("text",))
        note_form["correction_requested"] = bool(request.POST.get("correction_requested"))
        try:
            services.enterprise_note_add(actor=request.user, enterprise_id=enterprise.pk, **note_form)
            messages.success(request, "已记录本机关备注")
            return redirect(f"{request.path}#notes")
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    elif request.method == "POST" and can_edit:
        form = _post_fields(request, _ENTERPRISE_FORM)
        fields = {k: v for k, v in form.items() if k not in ("latitude", "longitude", "coordinate_datum")}
        if form["latitude"] or form["longitude"]:
            fields.update(latitude=form["latitude"], longitude=form["longitude"],
                          coordinate_datum=form["coordinate_datum"])
        try:
            services.enterprise_update(actor=request.user, enterprise_id=enterprise.pk, **fields)
            messages.success(request, "已保存")
            return redirect("registry:enterprise_detail", enterprise_id=enterprise.pk)
        except DomainError as exc:
            error_message(request, exc)
            errors = _field_errors(exc)
    if not form:
        form = {**services.enterprise_state(enterprise), "latitude": "", "longitude": "",
                "coordinate_datum": Datum.GCJ02}
    authority = register_authority_of(enterprise.uscc)
    return render(request, "registry/enterprise_detail.html", {
        "enterprise": enterprise, "can_edit": can_edit, "form": form, "errors": errors,
        "register_label": register_authority_label(authority),
        "register_keeper": selectors.register_keeper(authority),
        "show_register_owner": actor_has_role(request.user, *INTERNAL),
        "can_note": can_note, "note_form": note_form, "note_max": services.NOTE_MAX,
        "notes": selectors.enterprise_notes_for_actor(actor=request.user, enterprise=enterprise)[:50],
        "events": audit_events_for_subject("registry.enterprise", enterprise.pk)[:100], **_enterprise_choices(),
    })


# --- Public pages ---------------------------------------------------------------------------------


@require_GET
def public_agency_list(request):
    """Published agencies with a search box and a kind filter."""
    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "")
    qs = selectors.agency_list_public(q=q or None, kind=kind or None)
    return render(request, "registry/public/agency_list.html", {
        "page": _page(request, qs), "q": q, "kind": kind, "kinds": AgencyKind.choices,
        "current": selectors.agency_list_current(),
    })


@require_GET
def public_agency_detail(request, agency_id: int):
    """One published agency: kind, legal basis, region, and the published agency-list history."""
    agency = get_or_404(selectors.agency_get_public, agency_id=agency_id)
    history = [
        (record, any(e["code"] == agency.code for e in services.agency_list_snapshot(record)))
        for record in selectors.agency_lists_published()
    ]
    return render(request, "registry/public/agency_detail.html", {"agency": agency, "history": history})


@require_GET
def public_agency_list_history(request):
    """Every published version of the agency list, with its agencies and SHA-256."""
    page = _page(request, selectors.agency_lists_published())
    rows = [(record, services.agency_list_snapshot(record)) for record in page]
    return render(request, "registry/public/agency_list_history.html", {"page": page, "rows": rows})
