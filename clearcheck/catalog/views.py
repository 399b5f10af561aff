"""Work pages of the catalog (/work/catalog/): items, list versions, standards, checklists, no-penalty lists.

Views parse, call a selector or service, and render; domain errors become messages.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clearcheck.accounts.choices import AGENCY_ROLES, COUNTY_ROLES, Role
from clearcheck.core.api import get_or_404
from clearcheck.core.errors import DomainError
from clearcheck.core.inputs import int_or_none
from clearcheck.core.web import error_message, form_once_done, form_once_record, role_required

from . import selectors, services
from .choices import ItemCategory, ItemStatus, ListKind, NoPenaltyKind, SpecialSector, VersionStatus
from .forms import ChecklistForm, EntryForm, ItemForm, NoPenaltyForm, StandardForm, form_values
from .lists import ITEM_LIST, NO_PENALTY_LIST, ListSpec

READERS = tuple(AGENCY_ROLES | COUNTY_ROLES)
MANAGERS = (Role.AGENCY_ADMIN, Role.AGENCY_HEAD)


def _can_manage(user, agency_id: int | None) -> bool:
    return user.role in MANAGERS and agency_id is not None and user.agency_id == agency_id


def _page(request, qs, per_page: int = 30):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _attempt(request, service, **arguments):
    """What ``service(actor=request.user, **arguments)`` returns; None when it refuses, the refusal then being
    the page's message.
    """
    try:
        return service(actor=request.user, **arguments)
    except DomainError as exc:
        error_message(request, exc)
        return None


def _create_posted(request, form_class, create) -> tuple[dict, object | None]:
    """The POSTed form's values and the record ``create`` (a service) made of them; None when refused, so the
    page shows again what was typed.
    """
    values = form_values(form_class, request.POST)
    return values, _attempt(request, create, **values)


def _created(request, message: str, url: str):
    """After a create: the message, the page of what was made, remembered so that the same form sent again
    (Back and resubmit, a double tap) leads there instead of creating twice (issue 19).
    """
    messages.success(request, message)
    form_once_record(request, url)
    return redirect(url)


def _list_publish(request, spec: ListSpec, publish, back: str):
    """Publish the actor's agency's drafts as a new version of its list of ``spec``'s kind (``publish``: the
    kind's service), then back to the page ``back``.
    """
    version = _attempt(request, publish, agency=request.user.agency_id, reason=request.POST.get("reason", ""))
    if version:
        messages.success(request, f"已发布{spec.list_name}第 {version.number} 版")
    return redirect(back)


# --- Items -----------------------------------------------------------------------------------------


@role_required(*READERS)
def item_list(request):
    """The actor's items with status badges; create and publish forms for the agency admin and head."""
    form_data = {}
    if request.method == "POST":
        if done := form_once_done(request):
            return redirect(done)
        form_data, item = _create_posted(request, ItemForm, services.item_create)
        if item:
            return _created(request, f"已新增草稿事项 {item.code}", reverse("catalog:item_detail", args=[item.pk]))
    agency_id = int_or_none(request.GET.get("agency"))
    status = request.GET.get("status") or None
    q = (request.GET.get("q") or "").strip()
    qs = selectors.items_for_actor(actor=request.user, agency_id=agency_id, status=status, q=q or None)
    return render(request, "catalog/item_list.html", {
        "page": _page(request, qs), "q": q, "status": status or "", "agency_id": agency_id,
        "statuses": ItemStatus.choices, "categories": ItemCategory.choices, "special_sectors": SpecialSector.choices,
        "agencies": selectors.agencies_for_actor(actor=request.user) if request.user.role in COUNTY_ROLES else [],
        "can_manage": _can_manage(request.user, request.user.agency_id), "form_data": form_data,
    }, status=422 if request.method == "POST" else 200)


@role_required(*READERS)
@require_POST
def item_list_publish(request):
    """Publish the actor's agency's drafts as a new item list version."""
    return _list_publish(request, ITEM_LIST, services.item_list_publish, "catalog:item_list")


@role_required(*READERS)
def item_detail(request, item_id: int):
    """One item; a draft can be edited by the agency admin or head."""
    item = get_or_404(selectors.item_get_for_actor, actor=request.user, item_id=item_id)
    if request.method == "POST" and _attempt(request, services.item_update, item_id=item.pk,
                                             data=form_values(ItemForm, request.POST)):
        messages.success(request, "已保存")
        return redirect("catalog:item_detail", item_id=item.pk)
    return render(request, "catalog/item_detail.html", {
        "item": item, "categories": ItemCategory.choices, "special_sectors": SpecialSector.choices, "can_manage": _can_manage(request.user, item.agency_id),
    })


@role_required(*READERS)
@require_POST
def item_withdraw(request, item_id: int):
    """Withdraw an item (a published one leaves the list in a new version)."""
    if not _attempt(request, services.item_withdraw, item_id=item_id, reason=request.POST.get("reason", "")):
        return redirect("catalog:item_detail", item_id=item_id)
    messages.success(request, "已撤回该事项")
    return redirect("catalog:item_list")


@role_required(*READERS)
def list_versions(request):
    """Published versions of the item lists (``?kind=no_penalty`` for no-penalty lists)."""
    kind = request.GET.get("kind") if request.GET.get("kind") in ListKind.values else ListKind.ITEMS
    agency_id = int_or_none(request.GET.get("agency"))
    qs = selectors.list_versions_for_actor(actor=request.user, kind=kind, agency_id=agency_id)
    return render(request, "catalog/list_versions.html",
                  {"page": _page(request, qs), "kind": kind, "kinds": ListKind.choices})


@role_required(*READERS)
def list_version_detail(request, version_id: int):
    """One published list version with its snapshot."""
    version = get_or_404(selectors.list_version_get_for_actor, actor=request.user, version_id=version_id)
    return render(request, "catalog/list_version_detail.html",
                  {"version": version, "data": selectors.list_version_data(version)})


# --- Standards -------------------------------------------------------------------------------------


@role_required(*READERS)
def standard_list(request):
    """Standards of the actor's scope, with a create form."""
    form_data = {}
    if request.method == "POST":
        if done := form_once_done(request):
            return redirect(done)
        form_data, standard = _create_posted(request, StandardForm, services.standard_create)
        if standard:
            return _created(request, "已新增草稿标准", reverse("catalog:standard_detail", args=[standard.pk]))
    q = (request.GET.get("q") or "").strip()
    qs = selectors.standards_for_actor(actor=request.user, q=q or None)
    return render(request, "catalog/standard_list.html", {
        "page": _page(request, qs), "q": q, "form_data": form_data,
        "can_manage": _can_manage(request.user, request.user.agency_id),
    }, status=422 if request.method == "POST" else 200)


@role_required(*READERS)
def standard_detail(request, standard_id: int):
    """One standard version: edit a draft, publish it, or start a new version."""
    standard = get_or_404(selectors.standard_get_for_actor, actor=request.user, standard_id=standard_id)
    if request.method == "POST":
        action = request.POST.get("action")
        target = standard.pk
        try:
            if action == "publish":
                services.standard_publish(actor=request.user, standard_id=standard.pk)
            elif action == "new_version":
                target = services.standard_new_version(actor=request.user, standard_id=standard.pk).pk
            else:
                data = {k: v for k, v in form_values(StandardForm, request.POST).items() if k != "code"}
                services.standard_update(actor=request.user, standard_id=standard.pk, data=data)
            messages.success(request, "已保存")
        except DomainError as exc:
            error_message(request, exc)
        return redirect("catalog:standard_detail", standard_id=target)
    return render(request, "catalog/standard_detail.html",
                  {"standard": standard, "can_manage": _can_manage(request.user, standard.agency_id)})


# --- Checklists ------------------------------------------------------------------------------------


@role_required(*READERS)
def checklist_list(request):
    """Checklists of the actor's scope, with a create form."""
    form_data = {}
    if request.method == "POST":
        if done := form_once_done(request):
            return redirect(done)
        form_data, checklist = _create_posted(request, ChecklistForm, services.checklist_create)
        if checklist:
            return _created(request, "已新建检查表单草稿,请添加条目",
                            reverse("catalog:checklist_detail", args=[checklist.pk]))
    q = (request.GET.get("q") or "").strip()
    status = request.GET.get("status") or None
    qs = selectors.checklists_for_actor(actor=request.user, status=status, q=q or None)
    return render(request, "catalog/checklist_list.html", {
        "page": _page(request, qs), "q": q, "status": status or "", "statuses": VersionStatus.choices,
        "form_data": form_data, "can_manage": _can_manage(request.user, request.user.agency_id),
    }, status=422 if request.method == "POST" else 200)


@role_required(*READERS)
def checklist_detail(request, checklist_id: int):
    """A checklist version: entries, the add-entry form of a draft, publish and new-version actions."""
    checklist = get_or_404(selectors.checklist_get_for_actor, actor=request.user, checklist_id=checklist_id)
    can_manage = _can_manage(request.user, checklist.agency_id)
    editable = can_manage and checklist.status == VersionStatus.DRAFT
    return render(request, "catalog/checklist_detail.html", {
        "checklist": checklist, "entries": list(checklist.entries.all()),
        "agencies": selectors.checklist_agencies(checklist), "can_manage": can_manage, "editable": editable,
        "item_choices": selectors.items_published_for_entry_choice() if editable else [],
        "standard_choices": selectors.standards_published() if editable else [],
    })


@role_required(*READERS)
@require_POST
def checklist_entry_add(request, checklist_id: int):
    """Add an entry (R02: only published items)."""
    values = form_values(EntryForm, request.POST)
    if _attempt(request, services.checklist_entry_add, checklist_id=checklist_id,
                item_id=int_or_none(values.get("item")), content=values.get("content") or "",
                standard_id=int_or_none(values.get("standard")), standard_text=values.get("standard_text") or ""):
        messages.success(request, "已添加条目")
    return redirect("catalog:checklist_detail", checklist_id=checklist_id)


@role_required(*READERS)
@require_POST
def checklist_entry_remove(request, checklist_id: int, entry_id: int):
    """Remove an entry of a draft checklist."""
    if _attempt(request, services.checklist_entry_remove, checklist_id=checklist_id, entry_id=entry_id):
        messages.success(request, "已删除条目")
    return redirect("catalog:checklist_detail", checklist_id=checklist_id)


@role_required(*READERS)
@require_POST
def checklist_publish(request, checklist_id: int):
    """Publish a draft checklist (immutable afterwards, R04)."""
    if checklist := _attempt(request, services.checklist_publish, checklist_id=checklist_id):
        messages.success(request, f"已发布检查表单第 {checklist.version} 版")
    return redirect("catalog:checklist_detail", checklist_id=checklist_id)


@role_required(*READERS)
@require_POST
def checklist_new_version(request, checklist_id: int):
    """Start a new draft version from a published checklist."""
    if draft := _attempt(request, services.checklist_new_version, checklist_id=checklist_id):
        messages.success(request, f"已生成第 {draft.version} 版草稿")
        return redirect("catalog:checklist_detail", checklist_id=draft.pk)
    return redirect("catalog:checklist_detail", checklist_id=checklist_id)


# --- No-penalty lists ------------------------------------------------------------------------------


@role_required(*READERS)
def no_penalty_list(request):
    """The actor's no-penalty entries, with create and publish forms."""
    form_data = {}
    if request.method == "POST":
        if done := form_once_done(request):
            return redirect(done)
        form_data, entry = _create_posted(request, NoPenaltyForm, services.no_penalty_entry_create)
        if entry:
            return _created(request, "已新增草稿免罚事项", reverse("catalog:no_penalty_detail", args=[entry.pk]))
    status = request.GET.get("status") or None
    qs = selectors.no_penalty_entries_for_actor(actor=request.user, status=status)
    return render(request, "catalog/no_penalty_list.html", {
        "page": _page(request, qs), "status": status or "", "statuses": ItemStatus.choices,
        "kinds": NoPenaltyKind.choices, "form_data": form_data,
        "can_manage": _can_manage(request.user, request.user.agency_id),
    }, status=422 if request.method == "POST" else 200)


@role_required(*READERS)
@require_POST
def no_penalty_list_publish(request):
    """Publish the actor's agency's draft no-penalty entries as a new list version."""
    return _list_publish(request, NO_PENALTY_LIST, services.no_penalty_list_publish, "catalog:no_penalty_list")


@role_required(*READERS)
def no_penalty_detail(request, entry_id: int):
    """One no-penalty entry: edit a draft, or withdraw it."""
    entry = get_or_404(selectors.no_penalty_entry_get_for_actor, actor=request.user, entry_id=entry_id)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            if _attempt(request, services.no_penalty_entry_withdraw, entry_id=entry.pk,
                        reason=request.POST.get("reason", "")):
                messages.success(request, "已撤回该免罚事项")
                return redirect("catalog:no_penalty_list")
        elif _attempt(request, services.no_penalty_entry_update, entry_id=entry.pk,
                      data=form_values(NoPenaltyForm, request.POST)):
            messages.success(request, "已保存")
            return redirect("catalog:no_penalty_detail", entry_id=entry.pk)
    return render(request, "catalog/no_penalty_detail.html", {
        "entry": entry, "kinds": NoPenaltyKind.choices, "can_manage": _can_manage(request.user, entry.agency_id),
    })
