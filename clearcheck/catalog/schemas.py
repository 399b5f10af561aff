"""Request and response schemas of the catalog API (no business logic: services decide)."""

import datetime as dt
from collections.abc import Collection
from typing import Literal

from ninja import Schema
from pydantic import create_model

from clearcheck.core.api import Page
from clearcheck.core.inputs import Cursor, DbId, PageSize, PositiveInt32

from . import selectors
from .choices import ItemCategory, ItemStatus, ListKind, NoPenaltyKind, SpecialSector, VersionStatus


def _patch_of(schema: type[Schema], name: str, doc: str, *, without: Collection[str] = ()) -> type[Schema]:
    """The changes to a draft (only the fields sent): ``schema``'s fields but ``without``, each optional and
    unset by default. A field added to the kind's input is changeable while a draft, as the services allow.
    """
    fields = {field: (info.annotation | None, None) for field, info in schema.model_fields.items()
              if field not in without}
    return create_model(name, __base__=Schema, __doc__=doc, __module__=__name__, **fields)


def _page_of(out: type[Schema], name: str, doc: str) -> type[Page]:
    """A keyset page (``core.api.Page``) whose ``items`` are ``out``."""
    return create_model(name, __base__=Page, __doc__=doc, __module__=__name__, items=(list[out], ...))


class ItemOut(Schema):
    """An inspection item (检查事项)."""

    id: int
    agency_id: int
    code: str
    name: str
    legal_basis: str
    object_scope: str
    method: str
    category: ItemCategory
    annual_cap: int | None
    licensing_onsite_allowed: bool
    licensing_onsite_basis: str
    single_officer_basis: str
    special_sector: str
    status: ItemStatus
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ItemPublicOut(Schema):
    """A published inspection item as the public sees it."""

    id: int
    code: str
    name: str
    legal_basis: str
    object_scope: str
    method: str
    category: ItemCategory
    annual_cap: int | None
    licensing_onsite_allowed: bool
    licensing_onsite_basis: str
    published_at: dt.datetime | None


class ItemIn(Schema):
    """A new draft item; R03: ``licensing_onsite_allowed`` needs ``licensing_onsite_basis``."""

    code: str
    name: str
    legal_basis: str
    object_scope: str
    method: str
    category: ItemCategory = ItemCategory.GENERAL
    annual_cap: PositiveInt32 | None = None
    licensing_onsite_allowed: bool = False
    licensing_onsite_basis: str = ""
    single_officer_basis: str = ""
    special_sector: SpecialSector | Literal[""] = ""
    agency_id: DbId | None = None


ItemPatch = _patch_of(ItemIn, "ItemPatch", "Changes to a draft item (only the fields sent).", without={"agency_id"})


ItemPage = _page_of(ItemOut, "ItemPage", "A page of items.")


ItemPublicPage = _page_of(ItemPublicOut, "ItemPublicPage", "A page of published items.")


class ItemFilter(Schema):
    """Item filters."""

    agency: DbId | None = None
    status: ItemStatus | None = None
    q: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class PublicItemFilter(Schema):
    """Search over a published item list."""

    q: str | None = None
    category: ItemCategory | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class ListReasonIn(Schema):
    """Why (kept in the list version and the audit trail)."""

    reason: str


class ListPublishIn(Schema):
    """Publish an agency's drafts as a new list version."""

    agency_id: DbId
    reason: str


class ListVersionOut(Schema):
    """A published list version (its snapshot is canonical JSON with this SHA-256)."""

    id: int
    agency_id: int
    kind: ListKind
    number: int
    sha256: str
    reason: str
    published_by: str
    published_at: dt.datetime


class ListVersionDetailOut(ListVersionOut):
    """A list version with its snapshot text (hash it to check ``sha256``)."""

    snapshot: str


ListVersionPage = _page_of(ListVersionOut, "ListVersionPage", "A page of list versions.")


class VersionFilter(Schema):
    """List-version filters."""

    agency: DbId | None = None
    kind: ListKind = ListKind.ITEMS
    cursor: Cursor | None = None
    limit: PageSize = 50


class CursorFilter(Schema):
    """Keyset paging."""

    cursor: Cursor | None = None
    limit: PageSize = 50


class StandardOut(Schema):
    """An inspection standard (检查标准) version."""

    id: int
    agency_id: int
    code: str
    version: int
    title: str
    content: str
    status: VersionStatus
    published_at: dt.datetime | None
    published_by: str


class StandardIn(Schema):
    """A new standard (version 1, draft)."""

    code: str
    title: str
    content: str


StandardPatch = _patch_of(StandardIn, "StandardPatch", "Changes to a draft standard.", without={"code"})


StandardPage = _page_of(StandardOut, "StandardPage", "A page of standards.")


class _VersionedFilter(Schema):
    """Filters of a versioned document (standards, checklists)."""

    agency: DbId | None = None
    status: VersionStatus | None = None
    q: str | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50


class StandardFilter(_VersionedFilter):
    """Standard filters."""


class ChecklistEntryOut(Schema):
    """A checklist entry."""

    id: int
    order: int
    item_id: int
    item_code: str
    item_name: str
    item_agency_id: int
    content: str
    standard_id: int | None
    standard_text: str

    @staticmethod
    def resolve_item_code(obj) -> str:
        return obj.item.code

    @staticmethod
    def resolve_item_name(obj) -> str:
        return obj.item.name

    @staticmethod
    def resolve_item_agency_id(obj) -> int:
        return obj.item.agency_id


class ChecklistOut(Schema):
    """A checklist version (without entries)."""

    id: int
    agency_id: int
    code: str
    version: int
    name: str
    object_type: str
    status: VersionStatus
    previous_id: int | None
    published_at: dt.datetime | None
    published_by: str


class ChecklistDetailOut(ChecklistOut):
    """A checklist version with its entries and every agency it covers (一表通查)."""

    entries: list[ChecklistEntryOut]
    agency_ids: list[int]

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(obj.entries.all())

    @staticmethod
    def resolve_agency_ids(obj) -> list[int]:
        return [a.pk for a in selectors.checklist_agencies(obj)]


class ChecklistIn(Schema):
    """A new checklist (version 1, draft)."""

    code: str
    name: str
    object_type: str


class ChecklistEntryIn(Schema):
    """A new entry; the item must be published (R02), of any agency."""

    item_id: DbId
    content: str
    standard_id: DbId | None = None
    standard_text: str = ""
    order: PositiveInt32 | None = None


ChecklistPage = _page_of(ChecklistOut, "ChecklistPage", "A page of checklists.")


class ChecklistFilter(_VersionedFilter):
    """Checklist filters."""


class NoPenaltyOut(Schema):
    """A no-penalty list entry (首违不罚 / 轻微不罚)."""

    id: int
    agency_id: int
    kind: NoPenaltyKind
    title: str
    legal_basis: str
    conditions: str
    status: ItemStatus
    published_at: dt.datetime | None


class NoPenaltyIn(Schema):
    """A new draft no-penalty entry."""

    kind: NoPenaltyKind
    title: str
    legal_basis: str
    conditions: str


NoPenaltyPatch = _patch_of(NoPenaltyIn, "NoPenaltyPatch", "Changes to a draft no-penalty entry.")


NoPenaltyPage = _page_of(NoPenaltyOut, "NoPenaltyPage", "A page of no-penalty entries.")


class NoPenaltyFilter(Schema):
    """No-penalty entry filters."""

    agency: DbId | None = None
    status: ItemStatus | None = None
    kind: NoPenaltyKind | None = None
    cursor: Cursor | None = None
    limit: PageSize = 50
