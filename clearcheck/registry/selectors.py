"""Registry reads, scoped by actor. Agencies are public; officers stay inside their agency and the
county roles; the enterprise file is open to county and agency users (inspections need it) and to
the enterprise itself. Missing and not-yours are the same ``NotFound``.
"""

from django.conf import settings
from django.db.models import Q, QuerySet

from clearcheck.accounts.choices import AGENCY_ROLES, Role
from clearcheck.accounts.selectors import (
    actor_agency_id,
    actor_enterprise_id,
    actor_has_role,
    actor_is_county,
)
from clearcheck.core.errors import NotFound

from .choices import AgencyListStatus
from .models import Agency, AgencyList, AgencyVersion, Enterprise, EnterpriseNote, Industry, Officer, Region

PUBLISHED_LIST_STATES = (AgencyListStatus.PUBLISHED, AgencyListStatus.SUPERSEDED)


def _text(value: str | None) -> str | None:
    # Search terms arrive from URLs; NUL cannot reach PostgreSQL and never matches anyway.
    return value.replace("\x00", "").strip() or None if value else None


def _agencies() -> QuerySet[Agency]:
    return Agency.objects.select_related("region", "parent")


def _agency_filter(qs: QuerySet[Agency], *, q: str | None, kind: str | None, status: str | None) -> QuerySet[Agency]:
    q, kind, status = _text(q), _text(kind), _text(status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def agency_list_public(*, q: str | None = None, kind: str | None = None) -> QuerySet[Agency]:
    """Agencies the published agency list names (R01), for anyone."""
    return _agency_filter(_agencies().filter(listed=True), q=q, kind=kind, status=None).order_by("code")


def agency_get_public(*, agency_id: int) -> Agency:
    """One published agency."""
    agency = agency_list_public().filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("行政检查主体不存在或未公布")
    return agency


def agency_list_for_actor(
    *, actor, q: str | None = None, kind: str | None = None, status: str | None = None, listed: bool | None = None
) -> QuerySet[Agency]:
    """County roles see every agency; agency users the listed ones and their own; others the listed ones."""
    qs = _agencies()
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        qs = qs.filter(Q(listed=True) | Q(pk=own)) if own else qs.filter(listed=True)
    if listed is not None:
        qs = qs.filter(listed=listed)
    return _agency_filter(qs, q=q, kind=kind, status=status).order_by("code")


def agency_get_for_actor(*, actor, agency_id: int) -> Agency:
    """One agency the actor may read."""
    agency = agency_list_for_actor(actor=actor).filter(pk=agency_id).first()
    if agency is None:
        raise NotFound("行政检查主体不存在")
    return agency


def agency_versions(*, agency: Agency) -> QuerySet[AgencyVersion]:
    """The change history of an agency the caller may already read, newest first."""
    return AgencyVersion.objects.filter(agency=agency).order_by("-number")


def agency_lists_for_actor(*, actor) -> QuerySet[AgencyList]:
    """County roles see every version of the agency list (drafts included); others the published history."""
    qs = AgencyList.objects.all()
    if not actor_is_county(actor):
        qs = qs.filter(status__in=PUBLISHED_LIST_STATES)
    return qs.order_by("-number")


def agency_lists_published() -> QuerySet[AgencyList]:
    """Every published version of the agency list (the current one and those it superseded), newest first."""
    return AgencyList.objects.filter(status__in=PUBLISHED_LIST_STATES).order_by("-number")


def agency_list_current() -> AgencyList | None:
    """The agency list in force, or None before the first publication."""
    return AgencyList.objects.filter(status=AgencyListStatus.PUBLISHED).order_by("-number").first()


def officer_list_for_actor(
    *, actor, q: str | None = None, agency: int | None = None, status: str | None = None,
    personnel_type: str | None = None,
) -> QuerySet[Officer]:
    """County roles see all officers, agency users their agency's; enterprises and the public none."""
    qs = Officer.objects.select_related("agency")
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        if not own:
            return qs.none()
        qs = qs.filter(agency_id=own)
    q, status, personnel_type = _text(q), _text(status), _text(personnel_type)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credential_no__icontains=q))
    if agency:
        qs = qs.filter(agency_id=agency)
    if status:
        qs = qs.filter(status=status)
    if personnel_type:
        qs = qs.filter(personnel_type=personnel_type)
    return qs.order_by("id")


def officer_get_for_actor(*, actor, officer_id: int) -> Officer:
    """One officer the actor may read."""
    officer = officer_list_for_actor(actor=actor).filter(pk=officer_id).first()
    if officer is None:
        raise NotFound("执法人员不存在")
    return officer


def enterprise_list_for_actor(
    *, actor, q: str | None = None, region: str | None = None, industry: str | None = None,
    entity_type: str | None = None, status: str | None = None,
) -> QuerySet[Enterprise]:
    """County and agency users see every enterprise; an enterprise account only itself; others none.

    ``industry`` matches the code and everything under it (``"27"`` finds ``2740``).
    """
    qs = Enterprise.objects.select_related("region", "industry")
    if not (actor_is_county(actor) or actor_agency_id(actor)):
        own = actor_enterprise_id(actor)
        if not own:
            return qs.none()
        qs = qs.filter(pk=own)
    q, region, industry = _text(q), _text(region), _text(industry)
    entity_type, status = _text(entity_type), _text(status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.upper().replace(" ", "")))
    if region:
        qs = qs.filter(region_id=region)
    if industry:
        qs = qs.filter(industry__code__startswith=industry)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


def enterprise_get_for_actor(*, actor, enterprise_id: int) -> Enterprise:
    """One enterprise the actor may read."""
    enterprise = enterprise_list_for_actor(actor=actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound("企业不存在")
    return enterprise


def register_keeper(authority: str) -> Agency | None:
    """The agency that keeps the register of ``authority`` (a USCC's first character), if one is configured."""
    if not authority:
        return None
    return Agency.objects.filter(register_authorities__contains=authority).order_by("pk").first()


def enterprise_notes_for_actor(*, actor, enterprise: Enterprise) -> QuerySet[EnterpriseNote]:
    """Agencies' own notes on ``enterprise`` the actor may read: the bureau all of them, agency staff their own
    agency's, nobody else any (ADR 0018).
    """
    qs = EnterpriseNote.objects.filter(enterprise=enterprise).select_related("agency").order_by("-created_at", "-id")
    if actor_has_role(actor, Role.BUREAU):
        return qs
    agency_id = actor_agency_id(actor)
    if agency_id is None or not actor_has_role(actor, *AGENCY_ROLES):
        return qs.none()
    return qs.filter(agency_id=agency_id)


def region_search(*, q: str | None = None, level: str | None = None, parent: str | None = None) -> QuerySet[Region]:
    """GB/T 2260 codes by code prefix or name."""
    qs = Region.objects.all()
    q, level, parent = _text(q), _text(level), _text(parent)
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__icontains=q))
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    return qs.order_by("code")


def industry_search(*, q: str | None = None, level: str | None = None) -> QuerySet[Industry]:
    """GB/T 4754-2017 codes by code prefix or name."""
    qs = Industry.objects.all()
    q, level = _text(q), _text(level)
    if q:
        qs = qs.filter(Q(code__startswith=q.upper()) | Q(name__icontains=q))
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


# --- the deployment's jurisdiction as a hierarchy (issue 19: the dashboards' region filter) ----------------

def jurisdiction_root() -> Region | None:
    """The region the deployment serves (``CLEARCHECK["REGION_CODE"]``: a county today, a province later)."""
    return Region.objects.filter(code=settings.CLEARCHECK["REGION_CODE"]).first()


def region_children(code: str) -> QuerySet[Region]:
    """The regions directly below ``code``, by code (one level: what a lazy-loaded tree asks for)."""
    return Region.objects.filter(parent_id=code).order_by("code")


def region_path_in_jurisdiction(code: str) -> list[Region] | None:
    """The regions from the jurisdiction's root down to ``code`` (both included), or None when ``code`` is not
    the root or below it. At most one query per level (GB/T 2260 has three).
    """
    root = settings.CLEARCHECK["REGION_CODE"]
    path: list[Region] = []
    current = Region.objects.filter(code=code).first()
    while current is not None:
        path.append(current)
        if current.code == root:
            return path[::-1]
        current = Region.objects.filter(code=current.parent_id).first() if current.parent_id else None
    return None


def region_codes_under(code: str) -> list[str]:
    """``code`` and the codes of every region below it (one query per level)."""
    codes, level = [code], [code]
    while level:
        level = list(Region.objects.filter(parent_id__in=level).values_list("code", flat=True))
        codes += level
    return codes
