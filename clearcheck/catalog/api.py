"""``/api/items``, ``/api/item-lists``, ``/api/standards``, ``/api/checklists``, ``/api/no-penalty-*`` and
the public ``/api/public/...`` reads of published lists (清单之外无检查).
"""

from ninja import Query, Router, Schema, Status

from clearcheck.core.api import keyset_page
from clearcheck.core.inputs import DbId

from . import selectors, services
from .choices import ListKind
from .lists import ITEM_LIST, NO_PENALTY_LIST
from .schemas import (
    ChecklistDetailOut,
    ChecklistEntryIn,
    ChecklistEntryOut,
    ChecklistFilter,
    ChecklistIn,
    ChecklistPage,
    CursorFilter,
    ItemFilter,
    ItemIn,
    ItemOut,
    ItemPage,
    ItemPatch,
    ItemPublicPage,
    ListPublishIn,
    ListReasonIn,
    ListVersionDetailOut,
    ListVersionPage,
    NoPenaltyFilter,
    NoPenaltyIn,
    NoPenaltyOut,
    NoPenaltyPage,
    NoPenaltyPatch,
    PublicItemFilter,
    StandardFilter,
    StandardIn,
    StandardOut,
    StandardPage,
    StandardPatch,
    VersionFilter,
)

router = Router(tags=["catalog"])


def _page(qs, filters) -> dict:
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


def _changes(payload: Schema) -> dict:
    return payload.dict(exclude_unset=True)


# --- Items and item lists --------------------------------------------------------------------------


@router.get("/items", response=ItemPage, summary="Inspection items visible to the caller")
def item_list(request, filters: Query[ItemFilter]):
    """Items of the caller's scope, filtered by agency, status and a search over code, name and basis."""
    qs = selectors.items_for_actor(actor=request.user, agency_id=filters.agency, status=filters.status,
                                   q=filters.q)
    return _page(qs, filters)


@router.post("/items", response={201: ItemOut}, summary="Add a draft inspection item")
def item_create(request, payload: ItemIn):
    """Add a draft item to the caller's agency (R03)."""
    data = payload.dict()
    agency_id = data.pop("agency_id")
    return Status(201, services.item_create(actor=request.user, agency=agency_id, **data))


@router.get("/items/{item_id}", response=ItemOut, summary="One inspection item")
def item_detail(request, item_id: DbId):
    """One item of the caller's scope."""
    return selectors.item_get_for_actor(actor=request.user, item_id=item_id)


@router.patch("/items/{item_id}", response=ItemOut, summary="Change a draft inspection item")
def item_update(request, item_id: DbId, payload: ItemPatch):
    """Change a draft item; a published item answers 409 (withdraw it and add a new one)."""
    return services.item_update(actor=request.user, item_id=item_id, data=_changes(payload))


@router.post("/items/{item_id}/withdraw", response=ItemOut, summary="Withdraw an inspection item")
def item_withdraw(request, item_id: DbId, payload: ListReasonIn):
    """Withdraw an item; a published one leaves the list in a new list version."""
    return services.item_withdraw(actor=request.user, item_id=item_id, reason=payload.reason)


@router.post("/item-lists/publish", response={201: ListVersionDetailOut}, summary="Publish an item list")
def item_list_publish(request, payload: ListPublishIn):
    """Publish the agency's draft items as a new immutable list version."""
    version = services.item_list_publish(actor=request.user, agency=payload.agency_id, reason=payload.reason)
    return Status(201, version)


@router.get("/item-lists", response=ListVersionPage, summary="Published list versions")
def item_list_versions(request, filters: Query[VersionFilter]):
    """Versions of item lists (or no-penalty lists with ``kind=no_penalty``) in the caller's scope."""
    qs = selectors.list_versions_for_actor(actor=request.user, kind=filters.kind, agency_id=filters.agency)
    return _page(qs, filters)


@router.get("/item-lists/{version_id}", response=ListVersionDetailOut, summary="One list version")
def item_list_version(request, version_id: DbId):
    """One published list version with its snapshot."""
    return selectors.list_version_get_for_actor(actor=request.user, version_id=version_id)


# --- Standards -------------------------------------------------------------------------------------


@router.get("/standards", response=StandardPage, summary="Inspection standards")
def standard_list(request, filters: Query[StandardFilter]):
    """Standards of the caller's scope."""
    qs = selectors.standards_for_actor(actor=request.user, agency_id=filters.agency, status=filters.status,
                                       q=filters.q)
    return _page(qs, filters)


@router.post("/standards", response={201: StandardOut}, summary="Add a draft standard")
def standard_create(request, payload: StandardIn):
    """Create version 1 of a standard as a draft."""
    return Status(201, services.standard_create(actor=request.user, **payload.dict()))


@router.get("/standards/{standard_id}", response=StandardOut, summary="One standard version")
def standard_detail(request, standard_id: DbId):
    """One standard of the caller's scope."""
    return selectors.standard_get_for_actor(actor=request.user, standard_id=standard_id)


@router.patch("/standards/{standard_id}", response=StandardOut, summary="Change a draft standard")
def standard_update(request, standard_id: DbId, payload: StandardPatch):
    """Change a draft standard; a published version answers 409."""
    return services.standard_update(actor=request.user, standard_id=standard_id, data=_changes(payload))


@router.post("/standards/{standard_id}/publish", response=StandardOut, summary="Publish a standard")
def standard_publish(request, standard_id: DbId):
    """Publish the draft; the earlier published version is superseded."""
    return services.standard_publish(actor=request.user, standard_id=standard_id)


@router.post("/standards/{standard_id}/new-version", response={201: StandardOut}, summary="New standard version")
def standard_new_version(request, standard_id: DbId):
    """Copy a published standard into a new draft version."""
    return Status(201, services.standard_new_version(actor=request.user, standard_id=standard_id))


# --- Checklists ------------------------------------------------------------------------------------


@router.get("/checklists", response=ChecklistPage, summary="Checklists")
def checklist_list(request, filters: Query[ChecklistFilter]):
    """Checklists of the caller's scope."""
    qs = selectors.checklists_for_actor(actor=request.user, agency_id=filters.agency, status=filters.status,
                                        q=filters.q)
    return _page(qs, filters)


@router.post("/checklists", response={201: ChecklistDetailOut}, summary="Add a draft checklist")
def checklist_create(request, payload: ChecklistIn):
    """Create version 1 of a checklist as an empty draft."""
    checklist = services.checklist_create(actor=request.user, **payload.dict())
    return Status(201, selectors.checklist_get_for_actor(actor=request.user, checklist_id=checklist.pk))


@router.get("/checklists/{checklist_id}", response=ChecklistDetailOut, summary="One checklist version")
def checklist_detail(request, checklist_id: DbId):
    """One checklist with its entries and the agencies it covers."""
    return selectors.checklist_get_for_actor(actor=request.user, checklist_id=checklist_id)


@router.post("/checklists/{checklist_id}/entries", response={201: ChecklistEntryOut}, summary="Add a checklist entry")
def checklist_entry_add(request, checklist_id: DbId, payload: ChecklistEntryIn):
    """Add an entry to a draft checklist (R02: the item must be published)."""
    entry = services.checklist_entry_add(actor=request.user, checklist_id=checklist_id, **payload.dict())
    return Status(201, entry)


@router.delete("/checklists/{checklist_id}/entries/{entry_id}", response={204: None},
               summary="Remove a checklist entry")
def checklist_entry_remove(request, checklist_id: DbId, entry_id: DbId):
    """Remove an entry of a draft checklist."""
    services.checklist_entry_remove(actor=request.user, checklist_id=checklist_id, entry_id=entry_id)
    return Status(204, None)


@router.post("/checklists/{checklist_id}/publish", response=ChecklistDetailOut, summary="Publish a checklist")
def checklist_publish(request, checklist_id: DbId):
    """Publish a draft checklist; it becomes immutable (R04) and supersedes the previous version."""
    services.checklist_publish(actor=request.user, checklist_id=checklist_id)
    return selectors.checklist_get_for_actor(actor=request.user, checklist_id=checklist_id)


@router.post("/checklists/{checklist_id}/new-version", response={201: ChecklistDetailOut},
             summary="New checklist version")
def checklist_new_version(request, checklist_id: DbId):
    """Copy a published checklist into a new draft version (the published one stays intact, R04)."""
    draft = services.checklist_new_version(actor=request.user, checklist_id=checklist_id)
    return Status(201, selectors.checklist_get_for_actor(actor=request.user, checklist_id=draft.pk))


# --- No-penalty lists ------------------------------------------------------------------------------


@router.get("/no-penalty-entries", response=NoPenaltyPage, summary="No-penalty list entries")
def no_penalty_entry_list(request, filters: Query[NoPenaltyFilter]):
    """No-penalty entries of the caller's scope."""
    qs = selectors.no_penalty_entries_for_actor(actor=request.user, agency_id=filters.agency,
                                                status=filters.status, kind=filters.kind)
    return _page(qs, filters)


@router.post("/no-penalty-entries", response={201: NoPenaltyOut}, summary="Add a draft no-penalty entry")
def no_penalty_entry_create(request, payload: NoPenaltyIn):
    """Add a draft 首违不罚 / 轻微不罚 entry to the caller's agency."""
    return Status(201, services.no_penalty_entry_create(actor=request.user, **payload.dict()))


@router.get("/no-penalty-entries/{entry_id}", response=NoPenaltyOut, summary="One no-penalty entry")
def no_penalty_entry_detail(request, entry_id: DbId):
    """One no-penalty entry of the caller's scope."""
    return selectors.no_penalty_entry_get_for_actor(actor=request.user, entry_id=entry_id)


@router.patch("/no-penalty-entries/{entry_id}", response=NoPenaltyOut, summary="Change a draft no-penalty entry")
def no_penalty_entry_update(request, entry_id: DbId, payload: NoPenaltyPatch):
    """Change a draft entry; a published one answers 409."""
    return services.no_penalty_entry_update(actor=request.user, entry_id=entry_id, data=_changes(payload))


@router.post("/no-penalty-entries/{entry_id}/withdraw", response=NoPenaltyOut, summary="Withdraw a no-penalty entry")
def no_penalty_entry_withdraw(request, entry_id: DbId, payload: ListReasonIn):
    """Withdraw an entry; a published one leaves the list in a new list version."""
    return services.no_penalty_entry_withdraw(actor=request.user, entry_id=entry_id, reason=payload.reason)


@router.post("/no-penalty-lists/publish", response={201: ListVersionDetailOut}, summary="Publish a no-penalty list")
def no_penalty_list_publish(request, payload: ListPublishIn):
    """Publish the agency's draft no-penalty entries as a new list version."""
    version = services.no_penalty_list_publish(actor=request.user, agency=payload.agency_id, reason=payload.reason)
    return Status(201, version)


# --- Public (no login) -----------------------------------------------------------------------------


@router.get("/public/agencies/{agency_id}/items", response=ItemPublicPage, auth=None,
            summary="Public: an agency's current item list")
def public_item_list(request, agency_id: DbId, filters: Query[PublicItemFilter]):
    """The current published item list of a listed agency, searchable (清单之外无检查)."""
    agency = selectors.public_agency_get(agency_id=agency_id)
    return _page(selectors.public_members(ITEM_LIST, agency=agency, q=filters.q, facet=filters.category), filters)


@router.get("/public/agencies/{agency_id}/item-lists", response=ListVersionPage, auth=None,
            summary="Public: item list versions of an agency")
def public_item_list_versions(request, agency_id: DbId, filters: Query[CursorFilter]):
    """Every published version of the agency's item list."""
    agency = selectors.public_agency_get(agency_id=agency_id)
    return _page(selectors.public_list_versions(agency=agency, kind=ListKind.ITEMS), filters)


@router.get("/public/item-lists/{version_id}", response=ListVersionDetailOut, auth=None,
            summary="Public: one list version with its snapshot")
def public_item_list_version(request, version_id: DbId):
    """One published list version (old versions stay readable forever)."""
    return selectors.public_list_version_get(version_id=version_id)


@router.get("/public/agencies/{agency_id}/checklists", response=ChecklistPage, auth=None,
            summary="Public: an agency's published checklists")
def public_checklist_list(request, agency_id: DbId, filters: Query[CursorFilter]):
    """The published checklists of a listed agency."""
    agency = selectors.public_agency_get(agency_id=agency_id)
    return _page(selectors.public_checklists(agency=agency), filters)


@router.get("/public/checklists/{checklist_id}", response=ChecklistDetailOut, auth=None,
            summary="Public: one checklist version")
def public_checklist_detail(request, checklist_id: DbId):
    """A published (or superseded) checklist version with its entries."""
    return selectors.public_checklist_get(checklist_id=checklist_id)


@router.get("/public/agencies/{agency_id}/no-penalty", response=NoPenaltyPage, auth=None,
            summary="Public: an agency's no-penalty list")
def public_no_penalty_list(request, agency_id: DbId, filters: Query[CursorFilter]):
    """The published no-penalty list (首违不罚、轻微不罚) of a listed agency."""
    agency = selectors.public_agency_get(agency_id=agency_id)
    return _page(selectors.public_members(NO_PENALTY_LIST, agency=agency), filters)
