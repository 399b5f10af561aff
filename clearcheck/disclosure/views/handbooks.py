"""Industry handbooks (一业一册): the public pages (/public/handbooks/) and the editors' workspace
(/work/handbooks/, government network). Views parse, call a selector or service, and render.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clearcheck.accounts.choices import Role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.web import error_message, role_required

from .. import forms, selectors, services
from ..choices import HandbookStatus
from ..models import SECTION_FIELDS
from ..workflows import HANDBOOK_VERSION

EDITORS = (Role.BUREAU, Role.AGENCY_ADMIN)
SECTION_TITLES = {
    "summary": gettext_lazy("概述"), "licences": gettext_lazy("行政许可"), "inspection_notes": gettext_lazy("行政检查"),
    "penalties": gettext_lazy("常见违法行为与处罚依据"), "no_penalty_notes": gettext_lazy("免罚清单"),
    "credit_repair": gettext_lazy("信用修复"),
}


# --- public ----------------------------------------------------------------------------------------


@require_GET
def handbook_list(request):
    """Every published handbook, by industry."""
    return render(request, "disclosure/handbooks/list.html", {"versions": selectors.handbooks_public()})


@require_GET
def handbook_detail(request, slug: str):
    """The version in force of a handbook (or ``?v=N``, an earlier published one) and its history."""
    handbook = get_or_404(selectors.handbook_public_get, slug=slug)
    version = get_or_404(selectors.handbook_version_public_get, handbook=handbook, number=request.GET.get("v"))
    document = selectors.version_public_document(version)
    return render(request, "disclosure/handbooks/detail.html", {
        "handbook": handbook, "version": version, "document": document,
        "sections": document["sections"], "history": selectors.handbook_versions_public(handbook),
    })


# --- workspace -------------------------------------------------------------------------------------


@role_required(*EDITORS)
def handbook_work_list(request):
    """Handbooks to edit; the bureau also creates one per industry."""
    return render(request, "disclosure/handbooks/work_list.html", {
        "handbooks": selectors.handbooks_for_actor(actor=request.user),
        "can_create": request.user.role == Role.BUREAU,
    })


@role_required(Role.BUREAU)
def handbook_create(request):
    """New handbook of an industry, with an empty draft."""
    values = forms.handbook_values(request.POST) if request.method == "POST" else forms.handbook_values({})
    if request.method == "POST":
        try:
            handbook = services.handbook_create(actor=request.user, **values)
            messages.success(request, _("已新建一业一册,请编写第1版草稿"))
            return redirect("disclosure:handbook_work_detail", handbook_id=handbook.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "disclosure/handbooks/create.html", {"form": values})


@role_required(*EDITORS)
def handbook_work_detail(request, handbook_id: int):
    """A handbook's versions: the draft to edit, the version in force, the history."""
    handbook = get_or_404(selectors.handbook_get_for_actor, actor=request.user, handbook_id=handbook_id)
    versions = handbook.versions.order_by("-number")
    return render(request, "disclosure/handbooks/work_detail.html", {
        "handbook": handbook, "versions": versions,
        "has_draft": any(v.status == HandbookStatus.DRAFT for v in versions),
    })


@role_required(*EDITORS)
@require_POST
def handbook_draft_start(request, handbook_id: int):
    """Open a revision draft copied from the version in force."""
    handbook = get_or_404(selectors.handbook_get_for_actor, actor=request.user, handbook_id=handbook_id)
    try:
        draft = services.handbook_draft_start(actor=request.user, handbook_id=handbook.pk)
        return redirect("disclosure:handbook_version_edit", version_id=draft.pk)
    except DomainError as exc:
        error_message(request, exc)
    return redirect("disclosure:handbook_work_detail", handbook_id=handbook.pk)


@role_required(*EDITORS)
def handbook_version_edit(request, version_id: int):
    """A version: a draft's form (save, publish) or a published version, read-only."""
    version = get_or_404(selectors.handbook_version_get_for_actor, actor=request.user, version_id=version_id)
    editable = version.status == HandbookStatus.DRAFT
    if request.method == "POST":
        try:
            services.handbook_draft_update(actor=request.user, version_id=version.pk,
                                           **forms.version_values(request.POST))
            messages.success(request, _("草稿已保存"))
            return redirect("disclosure:handbook_version_edit", version_id=version.pk)
        except DomainError as exc:
            error_message(request, exc)
    return render(request, "disclosure/handbooks/version_edit.html", {
        "version": version, "handbook": version.handbook, "editable": editable,
        "sections": [(name, SECTION_TITLES[name], getattr(version, name)) for name in SECTION_FIELDS],
        "items": selectors.handbook_item_choices() if editable else version.items.select_related("agency"),
        "entries": (selectors.handbook_no_penalty_choices() if editable
                    else version.no_penalty_entries.select_related("agency")),
        "chosen_items": set(version.items.values_list("pk", flat=True)),
        "chosen_entries": set(version.no_penalty_entries.values_list("pk", flat=True)),
        "can_publish": HANDBOOK_VERSION.allowed(version.status, "publish", request.user.role),
        "own_agency_id": request.user.agency_id if request.user.role == Role.AGENCY_ADMIN else None,
    })


@role_required(*EDITORS)
@require_POST
def handbook_publish(request, version_id: int):
    """Publish a draft (the bureau): it becomes the version in force, immutable."""
    version = get_or_404(selectors.handbook_version_get_for_actor, actor=request.user, version_id=version_id)
    try:
        services.handbook_publish(actor=request.user, version_id=version.pk)
        messages.success(request, _("已发布,公众可在一业一册页面查看"))
    except DomainError as exc:
        error_message(request, exc)
    return redirect("disclosure:handbook_version_edit", version_id=version.pk)
