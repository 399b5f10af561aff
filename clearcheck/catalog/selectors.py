"""Catalog reads. Work selectors are scoped by actor (county roles read all, an agency its own);
public selectors return published data of listed agencies only.
"""

import json

from django.db.models import Prefetch, Q, QuerySet

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core.errors import NotFound
from clearcheck.registry.models import Agency

from .choices import ItemStatus, ListKind, VersionStatus
from .lists import ITEM_LIST, NO_PENALTY_LIST, ListSpec
from .models import Checklist, ChecklistEntry, InspectionItem, NoPenaltyEntry, PublishedList, Standard

# --- Scope -----------------------------------------------------------------------------------------


def search_text(q: str | None) -> str:
    """A search term as typed, without NUL (PostgreSQL text cannot hold it) and surrounding blanks."""
    return (q or "").replace("\x00", "").strip()


def _scope(actor, qs: QuerySet, agency_field: str = "agency_id") -> QuerySet:
    if actor_is_county(actor):
        return qs
    agency_id = actor_agency_id(actor)
    if agency_id is None:
        return qs.none()
    return qs.filter(**{agency_field: agency_id})


def agencies_for_actor(*, actor) -> QuerySet[Agency]:
    """Agencies whose catalog the actor may read (all for county roles, its own for an agency user)."""
    return _scope(actor, Agency.objects.all(), "pk").order_by("code")


# --- Members of a list kind (``lists.ListSpec``: items, no-penalty entries) -----------------------


def _members_for_actor(spec: ListSpec, *, actor, agency_id: int | None = None, status: str | None = None,
                       q: str | None = None, facet: str | None = None) -> QuerySet:
    """Members of ``spec``'s lists the actor may read, by agency, status, the spec's facet and search ``q``."""
    qs = _scope(actor, spec.model.objects.select_related("agency"))
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if status:
        qs = qs.filter(status=status)
    if facet:
        qs = qs.filter(**{spec.facet: facet})
    q = search_text(q)
    if q:
        qs = qs.filter(spec.search_q(q))
    return qs.order_by("agency_id", *spec.order)


def _member_get_for_actor(spec: ListSpec, *, actor, member_id: int):
    """One member the actor may read; missing and not-yours are both NotFound."""
    member = _members_for_actor(spec, actor=actor).filter(pk=member_id).first()
    if member is None:
        raise NotFound(f"{spec.noun}不存在")
    return member


# --- Inspection items ------------------------------------------------------------------------------


def items_for_actor(*, actor, agency_id: int | None = None, status: str | None = None,
                    q: str | None = None) -> QuerySet[InspectionItem]:
    """Items the actor may read, filtered by agency, status and a search over code/name/legal basis."""
    return _members_for_actor(ITEM_LIST, actor=actor, agency_id=agency_id, status=status, q=q)


def item_get_for_actor(*, actor, item_id: int) -> InspectionItem:
    """One item the actor may read; missing and not-yours are both NotFound."""
    return _member_get_for_actor(ITEM_LIST, actor=actor, member_id=item_id)


def items_published_for(agency) -> QuerySet[InspectionItem]:
    """The published items of ``agency`` (its current item list), by code."""
    return ITEM_LIST.published(agency)


def item_is_published(item: InspectionItem) -> bool:
    """Whether ``item`` is on its agency's current published list (R02)."""
    return item.status == ItemStatus.PUBLISHED


def items_published_for_entry_choice() -> QuerySet[InspectionItem]:
    """Published items of all listed agencies, grouped by agency (the choices of a checklist entry)."""
    return (
        InspectionItem.objects.filter(status=ItemStatus.PUBLISHED, agency__listed=True)
        .select_related("agency")
        .order_by("agency__code", "code", "id")
    )


# --- Published list versions -----------------------------------------------------------------------


def list_versions_for_actor(*, actor, kind: str = ListKind.ITEMS, agency_id: int | None = None
                            ) -> QuerySet[PublishedList]:
    """Published list versions the actor may read, newest first."""
    qs = _scope(actor, PublishedList.objects.select_related("agency")).filter(kind=kind)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("agency_id", "-number")


def list_version_get_for_actor(*, actor, version_id: int) -> PublishedList:
    """One published list version the actor may read."""
    version = _scope(actor, PublishedList.objects.select_related("agency")).filter(pk=version_id).first()
    if version is None:
        raise NotFound("清单版本不存在")
    return version


def list_version_latest(*, agency, kind: str) -> PublishedList | None:
    """The current version of an agency's list of ``kind`` (None before the first publication)."""
    return PublishedList.objects.filter(agency=agency, kind=kind).order_by("-number").first()


def list_version_data(version: PublishedList) -> dict:
    """The snapshot of a version as a dict."""
    return json.loads(version.snapshot)


# --- Standards -------------------------------------------------------------------------------------


def standards_for_actor(*, actor, agency_id: int | None = None, status: str | None = None,
                        q: str | None = None) -> QuerySet[Standard]:
    """Standards the actor may read."""
    qs = _scope(actor, Standard.objects.select_related("agency"))
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if status:
        qs = qs.filter(status=status)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return qs.order_by("agency_id", "code", "-version")


def standard_get_for_actor(*, actor, standard_id: int) -> Standard:
    """One standard the actor may read."""
    standard = standards_for_actor(actor=actor).filter(pk=standard_id).first()
    if standard is None:
        raise NotFound("检查标准不存在")
    return standard


def standards_published() -> QuerySet[Standard]:
    """Every published standard (shared standards enable result recognition across agencies)."""
    return Standard.objects.filter(status=VersionStatus.PUBLISHED).select_related("agency").order_by("code")


# --- Checklists ------------------------------------------------------------------------------------

_ENTRIES = Prefetch(
    "entries",
    queryset=ChecklistEntry.objects.select_related("item__agency", "standard").order_by("order"),
)


def checklists_for_actor(*, actor, agency_id: int | None = None, status: str | None = None,
                         q: str | None = None) -> QuerySet[Checklist]:
    """Checklists the actor may read: county roles all, an agency its own (published ones of others via detail)."""
    qs = _scope(actor, Checklist.objects.select_related("agency"))
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if status:
        qs = qs.filter(status=status)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(object_type__icontains=q))
    return qs.order_by("code", "-version")


def checklist_get_for_actor(*, actor, checklist_id: int) -> Checklist:
    """One checklist with its entries: own (or any, for county roles), or a published one of another agency."""
    qs = Checklist.objects.select_related("agency").prefetch_related(_ENTRIES)
    if not actor_is_county(actor):
        agency_id = actor_agency_id(actor)
        if agency_id is None:
            raise NotFound("检查表单不存在")
        qs = qs.filter(Q(agency_id=agency_id) | ~Q(status=VersionStatus.DRAFT))
    checklist = qs.filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound("检查表单不存在")
    return checklist


def checklist_agencies(checklist: Checklist) -> list[Agency]:
    """Every agency whose items the checklist uses, owner first (several: an integrated 一表通查 checklist)."""
    seen: dict[int, Agency] = {}
    for entry in checklist.entries.all():
        seen.setdefault(entry.item.agency_id, entry.item.agency)
    ordered = sorted(seen.values(), key=lambda a: (a.pk != checklist.agency_id, a.code))
    return ordered


def checklist_is_integrated(checklist: Checklist) -> bool:
    """Whether the checklist combines items of more than one agency (一表通查)."""
    return len(checklist_agencies(checklist)) > 1


# --- No-penalty lists ------------------------------------------------------------------------------


def no_penalty_entries_for_actor(*, actor, agency_id: int | None = None, status: str | None = None,
                                 kind: str | None = None) -> QuerySet[NoPenaltyEntry]:
    """No-penalty entries the actor may read."""
    return _members_for_actor(NO_PENALTY_LIST, actor=actor, agency_id=agency_id, status=status, facet=kind)


def no_penalty_entry_get_for_actor(*, actor, entry_id: int) -> NoPenaltyEntry:
    """One no-penalty entry the actor may read."""
    return _member_get_for_actor(NO_PENALTY_LIST, actor=actor, member_id=entry_id)


def no_penalty_published_for(agency) -> QuerySet[NoPenaltyEntry]:
    """The published no-penalty entries of ``agency`` (dispositions cite them)."""
    return NO_PENALTY_LIST.published(agency)


# --- Public (published data of listed agencies, no login) ------------------------------------------


def public_agency_get(*, agency_id: int) -> Agency:
    """A listed agency; NotFound for an unknown or unlisted one."""
    agency = Agency.objects.filter(pk=agency_id, listed=True).first()
    if agency is None:
        raise NotFound("检查主体不存在或未公布")
    return agency


def public_members(spec: ListSpec, *, agency: Agency, q: str | None = None, facet: str | None = None) -> QuerySet:
    """The current published list of ``spec``'s kind of a listed agency (``lists.ITEM_LIST``: its item list,
    清单之外无检查), narrowed by the spec's facet and a search ``q`` over the spec's search fields.
    """
    qs = spec.published(agency)
    if facet:
        qs = qs.filter(**{spec.facet: facet})
    q = search_text(q)
    if q:
        qs = qs.filter(spec.search_q(q))
    return qs


def public_list_versions(*, agency: Agency, kind: str = ListKind.ITEMS) -> QuerySet[PublishedList]:
    """Version history of a listed agency's list of ``kind``, newest first."""
    return PublishedList.objects.filter(agency=agency, kind=kind).order_by("-number")


def public_list_version_get(*, version_id: int) -> PublishedList:
    """One list version of a listed agency (old versions stay readable forever)."""
    version = PublishedList.objects.select_related("agency").filter(pk=version_id, agency__listed=True).first()
    if version is None:
        raise NotFound("清单版本不存在")
    return version


def public_checklists(*, agency: Agency, q: str | None = None) -> QuerySet[Checklist]:
    """The current (published) checklists of a listed agency."""
    qs = Checklist.objects.filter(agency=agency, status=VersionStatus.PUBLISHED)
    q = search_text(q)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(object_type__icontains=q))
    return qs.order_by("code")


def public_checklist_get(*, checklist_id: int) -> Checklist:
    """A published or superseded checklist version of a listed agency, with its entries."""
    checklist = (
        Checklist.objects.select_related("agency").prefetch_related(_ENTRIES)
        .filter(pk=checklist_id, agency__listed=True)
        .exclude(status=VersionStatus.DRAFT)
        .first()
    )
    if checklist is None:
        raise NotFound("检查表单不存在或未发布")
    return checklist
