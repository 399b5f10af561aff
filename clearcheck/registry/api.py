"""Registry API: agencies and the agency list (R01), officers (R12), enterprises, reference codes,
and the public agency pages' data under ``/api/public``.
"""

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema, Status

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import Cursor, Day, DbId, PageSize

from . import api_codes, selectors, services
from .models import Agency, AgencyList, Officer
from .rules import officer_qualification_refusal

router = Router(tags=["registry"])


# --- Schemas --------------------------------------------------------------------------------------


class AgencyOut(Schema):
    """An inspection body."""

    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    legal_basis: str
    region: str
    region_name: str
    parent_id: int | None
    parent_name: str | None
    status: str
    listed: bool
    register_authorities: str
    version: int

    @staticmethod
    def resolve_kind_label(obj: Agency) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region(obj: Agency) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj: Agency) -> str:
        return obj.region.name

    @staticmethod
    def resolve_parent_name(obj: Agency) -> str | None:
        return obj.parent.name if obj.parent_id else None


class AgencyPage(Page):
    """A page of agencies."""

    items: list[AgencyOut]


class AgencyFilter(Schema):
    """Agency filters."""

    q: str | None = None
    kind: str | None = None
    status: str | None = None
    listed: bool | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class PublicAgencyFilter(Schema):
    """Public agency filters."""

    q: str | None = None
    kind: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class AgencyIn(Schema):
    """A new inspection body; ``reason`` is kept with its first version."""

    code: str
    name: str
    kind: str
    legal_basis: str
    region: str
    parent_id: DbId | None = None
    register_authorities: str = ""
    reason: str


class AgencyPatch(Schema):
    """Fields to change, and why (required)."""

    code: str | None = None
    name: str | None = None
    kind: str | None = None
    legal_basis: str | None = None
    region: str | None = None
    parent_id: DbId | None = None
    status: str | None = None
    register_authorities: str | None = None
    reason: str


class AgencyListEntry(Schema):
    """One agency as a list version records it."""

    code: str
    name: str
    kind: str
    legal_basis: str
    region: str
    parent: str | None


class AgencyListOut(Schema):
    """A version of the agency list."""

    id: int
    number: int
    status: str
    status_label: str
    sha256: str
    note: str
    drafted_by: str
    drafted_at: dt.datetime
    reviewed_at: dt.datetime | None
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    agencies: list[AgencyListEntry]

    @staticmethod
    def resolve_status_label(obj: AgencyList) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_agencies(obj: AgencyList) -> list[dict]:
        return services.agency_list_snapshot(obj)


class AgencyListPage(Page):
    """A page of agency list versions."""

    items: list[AgencyListOut]


class ListCursor(Schema):
    """Keyset cursor."""

    cursor: Cursor | None = None
    limit: PageSize = 50


class RegistryNoteIn(Schema):
    """A note for a workflow step."""

    note: str = ""


class Refusal(Schema):
    """Why an officer may not inspect: rule ID, clause and reason."""

    rule: str
    clause: str
    detail: str


class OfficerOut(Schema):
    """An officer, with the R12 qualification decided today."""

    id: int
    agency_id: int
    agency_name: str
    name: str
    credential_no: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    personnel_type: str
    is_qualified: bool
    qualification_refusal: Refusal | None

    @staticmethod
    def resolve_agency_name(obj: Officer) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_is_qualified(obj: Officer) -> bool:
        return officer_qualification_refusal(obj) is None

    @staticmethod
    def resolve_qualification_refusal(obj: Officer) -> dict | None:
        refusal = officer_qualification_refusal(obj)
        if refusal is None:
            return None
        return {"rule": refusal.rule.id, "clause": refusal.rule.clause, "detail": refusal.plain}


class OfficerPage(Page):
    """A page of officers."""

    items: list[OfficerOut]


class OfficerFilter(Schema):
    """Officer filters."""

    q: str | None = None
    agency: DbId | None = None
    status: str | None = None
    personnel_type: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class OfficerIn(Schema):
    """A new officer."""

    agency_id: DbId
    name: str
    credential_no: str
    valid_from: Day
    valid_to: Day
    status: str = "valid"
    personnel_type: str = "enforcement"


class OfficerPatch(Schema):
    """Officer fields to change (suspend or revoke by ``status``)."""

    name: str | None = None
    credential_no: str | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None
    status: str | None = None
    personnel_type: str | None = None


class EnterpriseOut(Schema):
    """An enterprise's registry data (coordinates WGS-84; ``coordinate_datum`` is the datum they arrived in)."""

    id: int
    uscc: str
    name: str
    entity_type: str
    legal_representative: str
    address: str
    region: str
    region_name: str
    industry: str
    industry_name: str
    latitude: Decimal | None
    longitude: Decimal | None
    coordinate_datum: str
    status: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_industry(obj) -> str:
        return obj.industry_id

    @staticmethod
    def resolve_industry_name(obj) -> str:
        return obj.industry.name


class EnterprisePage(Page):
    """A page of enterprises."""

    items: list[EnterpriseOut]


class EnterpriseNoteOut(Schema):
    """An agency's own note on an enterprise (ADR 0018)."""

    id: int
    enterprise_id: int
    agency_id: int
    agency_name: str
    text: str
    correction_requested: bool
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_agency_name(obj) -> str:
        return obj.agency.name


class EnterpriseNotePage(Page):
    """A page of an enterprise's notes the caller may read."""

    items: list[EnterpriseNoteOut]


class EnterpriseNoteIn(Schema):
    """A new note of the caller's agency."""

    text: str
    correction_requested: bool = False


class EnterpriseFilter(Schema):
    """Enterprise filters (``industry`` matches the code and its sub-codes)."""

    q: str | None = None
    region: str | None = None
    industry: str | None = None
    entity_type: str | None = None
    status: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class EnterpriseIn(Schema):
    """A new enterprise. Coordinates in ``coordinate_datum`` (wgs84, gcj02, bd09) are stored as WGS-84."""

    uscc: str
    name: str
    entity_type: str
    legal_representative: str = ""
    address: str = ""
    region: str
    industry: str
    latitude: float | None = None
    longitude: float | None = None
    coordinate_datum: str = "wgs84"
    status: str = "operating"


class EnterprisePatch(Schema):
    """Enterprise fields to change; new coordinates need latitude and longitude together."""

    uscc: str | None = None
    name: str | None = None
    entity_type: str | None = None
    legal_representative: str | None = None
    address: str | None = None
    region: str | None = None
    industry: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    coordinate_datum: str | None = None
    status: str | None = None


class CodeOut(Schema):
    """A reference code (GB/T 2260 region or GB/T 4754-2017 industry)."""

    code: str
    name: str
    level: str
    parent_id: str | None


class CodeFilter(Schema):
    """Reference code search."""

    q: str | None = None
    level: str | None = None
    limit: PageSize = 50


def _page(qs, filters) -> dict:
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


# --- Agencies and the agency list -----------------------------------------------------------------


@router.get("/agencies", response=AgencyPage, summary="Agencies visible to the caller")
def agency_list(request, filters: Query[AgencyFilter]):
    """County roles see all agencies; others the listed ones (and agency users their own)."""
    qs = selectors.agency_list_for_actor(actor=request.user, q=filters.q, kind=filters.kind, status=filters.status,
                                         listed=filters.listed)
    return _page(qs, filters)


@router.post("/agencies", response={201: AgencyOut}, summary="Confirm a new agency (bureau)")
def agency_create(request, payload: AgencyIn):
    """Create an agency with its first version (R01)."""
    data = payload.model_dump()
    agency = services.agency_create(actor=request.user, parent=data.pop("parent_id"), **data)
    return Status(201, selectors.agency_get_for_actor(actor=request.user, agency_id=agency.pk))


@router.get("/agencies/{agency_id}", response=AgencyOut, summary="One agency")
def agency_detail(request, agency_id: DbId):
    """One agency visible to the caller."""
    return selectors.agency_get_for_actor(actor=request.user, agency_id=agency_id)


@router.patch("/agencies/{agency_id}", response=AgencyOut, summary="Change an agency (bureau, with a reason)")
def agency_update(request, agency_id: DbId, payload: AgencyPatch):
    """Change an agency; a new version keeps who, when and why (R01)."""
    data = payload.model_dump(exclude_unset=True)
    reason = data.pop("reason")
    if "parent_id" in data:
        data["parent"] = data.pop("parent_id")
    services.agency_update(actor=request.user, agency_id=agency_id, reason=reason, **data)
    return selectors.agency_get_for_actor(actor=request.user, agency_id=agency_id)


@router.get("/agency-lists", response=AgencyListPage, summary="Versions of the agency list")
def agency_list_versions(request, filters: Query[ListCursor]):
    """County roles see every version; others the published history."""
    return _page(selectors.agency_lists_for_actor(actor=request.user), filters)


@router.post("/agency-lists", response={201: AgencyListOut}, summary="Draft a new agency list (bureau)")
def agency_list_draft(request, payload: RegistryNoteIn):
    """Snapshot the active agencies as a new draft version (R01)."""
    return Status(201, services.agency_list_draft(actor=request.user, note=payload.note))


@router.post("/agency-lists/{list_id}/review", response=AgencyListOut, summary="Review a draft (bureau)")
def agency_list_review(request, list_id: DbId, payload: RegistryNoteIn):
    """The bureau's review."""
    return services.agency_list_review(actor=request.user, list_id=list_id, note=payload.note)


@router.post("/agency-lists/{list_id}/approve", response=AgencyListOut, summary="Approve (county government)")
def agency_list_approve(request, list_id: DbId, payload: RegistryNoteIn):
    """The county government's approval (报县政府审定)."""
    return services.agency_list_approve(actor=request.user, list_id=list_id, note=payload.note)


@router.post("/agency-lists/{list_id}/reject", response=AgencyListOut, summary="Send back (county government)")
def agency_list_reject(request, list_id: DbId, payload: RegistryNoteIn):
    """The county government sends the list back with a reason."""
    return services.agency_list_reject(actor=request.user, list_id=list_id, note=payload.note)


@router.post("/agency-lists/{list_id}/publish", response=AgencyListOut, summary="Publish (bureau)")
def agency_list_publish(request, list_id: DbId):
    """Publish an approved list; it decides which agencies may inspect (R01)."""
    return services.agency_list_publish(actor=request.user, list_id=list_id)


# --- Officers -------------------------------------------------------------------------------------


@router.get("/officers", response=OfficerPage, summary="Officers visible to the caller")
def officer_list(request, filters: Query[OfficerFilter]):
    """County roles see all officers; agency users their agency's."""
    qs = selectors.officer_list_for_actor(actor=request.user, q=filters.q, agency=filters.agency,
                                          status=filters.status, personnel_type=filters.personnel_type)
    return _page(qs, filters)


@router.post("/officers", response={201: OfficerOut}, summary="Register an officer")
def officer_create(request, payload: OfficerIn):
    """Bureau, or the agency's admin."""
    data = payload.model_dump()
    officer = services.officer_create(actor=request.user, agency=data.pop("agency_id"), **data)
    return Status(201, selectors.officer_get_for_actor(actor=request.user, officer_id=officer.pk))


@router.get("/officers/{officer_id}", response=OfficerOut, summary="One officer")
def officer_detail(request, officer_id: DbId):
    """One officer visible to the caller, with the R12 qualification."""
    return selectors.officer_get_for_actor(actor=request.user, officer_id=officer_id)


@router.patch("/officers/{officer_id}", response=OfficerOut, summary="Change an officer")
def officer_update(request, officer_id: DbId, payload: OfficerPatch):
    """Change an officer; suspend or revoke by ``status``."""
    services.officer_update(actor=request.user, officer_id=officer_id, **payload.model_dump(exclude_unset=True))
    return selectors.officer_get_for_actor(actor=request.user, officer_id=officer_id)


# --- Enterprises ----------------------------------------------------------------------------------


@router.get("/enterprises", response=EnterprisePage, summary="Enterprises visible to the caller")
def enterprise_list(request, filters: Query[EnterpriseFilter]):
    """County and agency users see all; an enterprise account itself."""
    qs = selectors.enterprise_list_for_actor(actor=request.user, q=filters.q, region=filters.region,
                                             industry=filters.industry, entity_type=filters.entity_type,
                                             status=filters.status)
    return _page(qs, filters)


@router.post("/enterprises", response={201: EnterpriseOut}, summary="Register an enterprise")
def enterprise_create(request, payload: EnterpriseIn):
    """Bureau or an agency admin; the USCC is checked (GB 32100-2015)."""
    enterprise = services.enterprise_create(actor=request.user, **payload.model_dump())
    return Status(201, selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise.pk))


@router.get("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="One enterprise")
def enterprise_detail(request, enterprise_id: DbId):
    """One enterprise visible to the caller."""
    return selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)


@router.patch("/enterprises/{enterprise_id}", response=EnterpriseOut, summary="Change an enterprise")
def enterprise_update(request, enterprise_id: DbId, payload: EnterprisePatch):
    """Bureau or an agency admin."""
    services.enterprise_update(actor=request.user, enterprise_id=enterprise_id,
                               **payload.model_dump(exclude_unset=True))
    return selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)


@router.get("/enterprises/{enterprise_id}/notes", response=EnterpriseNotePage,
            summary="Agencies' own notes on an enterprise (own agency's; the bureau all)")
def enterprise_note_list(request, enterprise_id: DbId, filters: Query[ListCursor]):
    """Notes are never shown to the enterprise or the public."""
    enterprise = selectors.enterprise_get_for_actor(actor=request.user, enterprise_id=enterprise_id)
    return _page(selectors.enterprise_notes_for_actor(actor=request.user, enterprise=enterprise), filters)


@router.post("/enterprises/{enterprise_id}/notes", response={201: EnterpriseNoteOut},
             summary="Record a note of the caller's agency on an enterprise (agency staff)")
def enterprise_note_add(request, enterprise_id: DbId, payload: EnterpriseNoteIn):
    """An agency that does not keep the enterprise's register records what it knows here, or asks for a
    correction of the registered data (``correction_requested``).
    """
    return Status(201, services.enterprise_note_add(actor=request.user, enterprise_id=enterprise_id,
                                                    **payload.model_dump()))


# --- Reference codes ------------------------------------------------------------------------------


@router.get("/regions", response=list[CodeOut], summary="GB/T 2260 region codes")
def region_list(request, filters: Query[CodeFilter]):
    """Search by code prefix or name."""
    return list(selectors.region_search(q=filters.q, level=filters.level)[: max(1, min(filters.limit, 200))])


@router.get("/industries", response=list[CodeOut], summary="GB/T 4754-2017 industry codes")
def industry_list(request, filters: Query[CodeFilter]):
    """Search by code prefix or name."""
    return list(selectors.industry_search(q=filters.q, level=filters.level)[: max(1, min(filters.limit, 200))])


# --- Public ---------------------------------------------------------------------------------------


@router.get("/public/agencies", response=AgencyPage, auth=None, summary="Published agencies")
def public_agency_list(request, filters: Query[PublicAgencyFilter]):
    """Agencies the published agency list names."""
    return _page(selectors.agency_list_public(q=filters.q, kind=filters.kind), filters)


@router.get("/public/agencies/{agency_id}", response=AgencyOut, auth=None, summary="One published agency")
def public_agency_detail(request, agency_id: DbId):
    """One published agency."""
    return selectors.agency_get_public(agency_id=agency_id)


@router.get("/public/agency-lists", response=AgencyListPage, auth=None, summary="Published agency list history")
def public_agency_list_history(request, filters: Query[ListCursor]):
    """Every published version of the agency list, newest first."""
    return _page(selectors.agency_lists_published(), filters)


router.add_router("", api_codes.router)
