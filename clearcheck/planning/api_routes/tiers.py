"""``/api/tiers``, ``/api/enterprise-tiers``, ``/api/credit-ratings``: risk tiers (分级分类)."""

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from clearcheck.core.api import Page, keyset_page
from clearcheck.core.inputs import DbId, PageSize

from ..models import EnterpriseCredit, EnterpriseTier
from ..selectors import tiers as selectors
from ..services import tiers as services

router = Router(tags=["planning"])



class TierOut(Schema):
    """One tier of an agency's scheme."""

    id: int
    code: str
    name: str
    rank: int
    annual_cap: int
    sampling_ratio: Decimal


class SchemeOut(Schema):
    """An agency's tier scheme, lowest risk first."""

    agency_id: int
    agency_name: str
    tiers: list[TierOut]


class TierIn(Schema):
    """One tier as the scheme lists it (rank follows the order, lowest risk first)."""

    code: str
    name: str
    annual_cap: Annotated[int, Field(ge=0, le=32767)]  # a PositiveSmallIntegerField
    sampling_ratio: Decimal


class SchemeIn(Schema):
    """A new scheme for the caller's agency."""

    agency_id: DbId | None = None
    tiers: list[TierIn]


class SchemeFilter(Schema):
    """Which agency's scheme (county roles name one; agency users read their own)."""

    agency_id: DbId | None = None


class EnterpriseTierOut(Schema):
    """An agency's grade of an enterprise, with the reason or the score's explanation."""

    id: int
    agency_id: int
    enterprise_id: int
    enterprise_name: str
    tier_code: str
    tier_name: str
    method: str
    score: int | None
    explanation: dict | None
    reason: str
    assigned_by: str
    assigned_at: dt.datetime
    is_current: bool

    @staticmethod
    def resolve_enterprise_name(obj: EnterpriseTier) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_tier_code(obj: EnterpriseTier) -> str:
        return obj.tier.code

    @staticmethod
    def resolve_tier_name(obj: EnterpriseTier) -> str:
        return obj.tier.name

    @staticmethod
    def resolve_explanation(obj: EnterpriseTier) -> dict | None:
        return json.loads(obj.explanation) if obj.explanation else None


class EnterpriseTierPage(Page):
    """A page of grades."""

    items: list[EnterpriseTierOut]


class EnterpriseTierFilter(Schema):
    """Grade filters."""

    agency_id: DbId | None = None
    enterprise_id: DbId | None = None
    current: bool | None = None
    cursor: DbId | None = None
    limit: PageSize = 50


class TierAssignIn(Schema):
    """A manual grade with its reason."""

    agency_id: DbId | None = None
    enterprise_id: DbId
    tier_code: str
    reason: str


class TierScoreIn(Schema):
    """The inputs of the scoring function the platform does not hold itself."""

    agency_id: DbId | None = None
    enterprise_id: DbId
    violations: Annotated[int, Field(ge=0, le=1000)]
    complaints: Annotated[int, Field(ge=0, le=1000)]
    reason: str = ""


class CreditIn(Schema):
    """A platform-wide credit-risk rating."""

    enterprise_id: DbId
    rating: str
    source: str


class CreditOut(Schema):
    """The credit rating in force."""

    enterprise_id: DbId
    rating: str
    source: str
    rated_at: dt.datetime

    @staticmethod
    def resolve_enterprise_id(obj: EnterpriseCredit) -> int:
        return obj.enterprise_id


def _agency_id(request, agency_id: int | None) -> int | None:
    return agency_id or getattr(request.user, "agency_id", None)


@router.get("/tiers", response=SchemeOut, summary="An agency's tier scheme")
def tier_scheme(request, filters: Query[SchemeFilter]):
    """The caller's agency's tiers (county roles: ``agency_id``), with annual caps and sampling ratios."""
    agency, tiers = selectors.tier_scheme_for_actor(actor=request.user, agency_id=filters.agency_id)
    return {"agency_id": agency.pk, "agency_name": agency.name, "tiers": tiers}


@router.put("/tiers", response=SchemeOut, summary="Replace an agency's tier scheme")
def tier_scheme_update(request, payload: SchemeIn):
    """Agency admin or head: the tiers from the lowest risk up (the lowest has cap 0, R21)."""
    agency_id = _agency_id(request, payload.agency_id)
    tiers = services.tier_scheme_update(actor=request.user, agency=agency_id,
                                        tiers=[t.dict() for t in payload.tiers])
    agency, _ = selectors.tier_scheme_for_actor(actor=request.user, agency_id=agency_id)
    return {"agency_id": agency.pk, "agency_name": agency.name, "tiers": tiers}


@router.get("/enterprise-tiers", response=EnterpriseTierPage, summary="Grades and their history")
def enterprise_tier_list(request, filters: Query[EnterpriseTierFilter]):
    """Grades of the caller's scope (history included unless ``current=true``)."""
    qs = selectors.tier_history(actor=request.user, agency_id=filters.agency_id,
                                enterprise_id=filters.enterprise_id, current=filters.current)
    items, cursor = keyset_page(qs, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": cursor}


@router.post("/enterprise-tiers", response={201: EnterpriseTierOut}, summary="Grade an enterprise by hand")
def enterprise_tier_assign(request, payload: TierAssignIn):
    """The agency's grade with a reason; the previous grade stays in the history."""
    row = services.enterprise_tier_assign(actor=request.user, agency=_agency_id(request, payload.agency_id),
                                          enterprise=payload.enterprise_id, tier_code=payload.tier_code,
                                          reason=payload.reason)
    return Status(201, row)


@router.post("/enterprise-tiers/score", response={201: EnterpriseTierOut}, summary="Grade an enterprise by score")
def enterprise_tier_score(request, payload: TierScoreIn):
    """Score credit rating, past violations, complaints and industry risk; the explanation lists each factor."""
    row = services.enterprise_tier_score(actor=request.user, agency=_agency_id(request, payload.agency_id),
                                         enterprise=payload.enterprise_id, violations=payload.violations,
                                         complaints=payload.complaints, reason=payload.reason)
    return Status(201, row)


@router.post("/credit-ratings", response={201: CreditOut}, summary="Set an enterprise's credit rating")
def credit_rating_set(request, payload: CreditIn):
    """Judicial bureau: the platform-wide credit-risk rating, one input of every agency's grading."""
    credit = services.credit_rating_set(actor=request.user, enterprise=payload.enterprise_id, rating=payload.rating,
                                        source=payload.source)
    return Status(201, credit)
