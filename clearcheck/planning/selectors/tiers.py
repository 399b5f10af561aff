"""Tier reads: the tier in force for one or many enterprises of an agency, the history and the scoring
explanation (the enterprise file's summary of tiers and counts is ``selectors.limits``).
"""

import json

from django.db.models import QuerySet

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core.errors import NotFound
from clearcheck.core.rows import Columns, prepared_cursor, table
from clearcheck.registry.models import Agency

from ..models import CapUsage, EnterpriseTier, Tier
from ..models.settings import AgencyPlanningSettings
from ..settings import DEFAULT_UNGRADED_TIER, planning_settings_for


def _ungraded(tiers: list[Tier], code: str) -> Tier:
    by_code = {t.code: t for t in tiers}
    if code in by_code:
        return by_code[code]
    return tiers[1] if len(tiers) > 1 else tiers[0]


def tier_scheme(agency_id: int) -> list[Tier]:
    """The agency's tiers by rank (the default scheme is created on first use)."""
    from ..services.tiers import tier_scheme_ensure

    return tier_scheme_ensure(agency_id)


def tier_current(agency_id: int, enterprise_id: int) -> Tier:
    """The agency's tier of the enterprise: its current grade, or the scheme's tier for the ungraded."""
    row = (EnterpriseTier.objects.select_related("tier")
           .filter(agency_id=agency_id, enterprise_id=enterprise_id, is_current=True).first())
    if row is not None:
        return row.tier
    return _ungraded(tier_scheme(agency_id), planning_settings_for(agency_id).ungraded_tier_code)


_TIER_COLUMNS = Columns(Tier, "t")


def tier_and_usage(agency_id: int, enterprise_id: int, year: int) -> tuple[Tier, int]:
    """``tier_current`` and the visits already counted this year (``CapUsage.visited_count``) in one
    statement: the scheme's tiers, each row carrying the current grade, the ungraded code and the count
    (a check-in start reads these for R21; docs/performance.md §4). The tier is chosen exactly as
    ``tier_current`` chooses it; an agency without a scheme yet goes through ``tier_current``.
    """
    sql = (f"SELECT {_TIER_COLUMNS.sql}, "  # noqa: S608 — tables from _meta; values bound
           f"(SELECT g.tier_id FROM {table(EnterpriseTier)} g WHERE g.agency_id = %s AND g.enterprise_id = %s "
           "AND g.is_current = %s), "
           f"(SELECT s.ungraded_tier_code FROM {table(AgencyPlanningSettings)} s WHERE s.agency_id = %s), "
           f"(SELECT u.visited_count FROM {table(CapUsage)} u WHERE u.agency_id = %s AND u.enterprise_id = %s "
           "AND u.year = %s) "
           f"FROM {table(Tier)} t WHERE t.agency_id = %s ORDER BY t.rank")
    with prepared_cursor() as cursor:
        cursor.execute(sql, [agency_id, enterprise_id, True, agency_id, agency_id, enterprise_id, year, agency_id])
        rows = cursor.fetchall()
    if not rows:
        return tier_current(agency_id, enterprise_id), 0
    width = len(_TIER_COLUMNS)
    tiers = [_TIER_COLUMNS.build(row) for row in rows]
    graded, code, used = rows[0][width:width + 3]
    if graded is not None:
        tier = next(t for t in tiers if t.pk == graded)
    else:
        tier = _ungraded(tiers, DEFAULT_UNGRADED_TIER if code is None else code)
    return tier, used or 0


def tiers_current_for(agency_id: int, enterprise_ids) -> dict[int, Tier]:
    """The tier of every enterprise in ``enterprise_ids`` (set-based: a constant number of queries)."""
    ids = list(dict.fromkeys(enterprise_ids))
    tiers = tier_scheme(agency_id)
    by_id = {t.pk: t for t in tiers}
    default = _ungraded(tiers, planning_settings_for(agency_id).ungraded_tier_code)
    result = dict.fromkeys(ids, default)
    for chunk in _chunks(ids):
        rows = EnterpriseTier.objects.filter(agency_id=agency_id, is_current=True, enterprise_id__in=chunk)
        for enterprise_id, tier_id in rows.values_list("enterprise_id", "tier_id"):
            result[enterprise_id] = by_id[tier_id]
    return result


def _chunks(ids: list, size: int = 20000):
    # SQLite binds at most 32766 parameters per statement; one chunk covers any realistic batch.
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def tier_history(*, actor, agency_id: int | None = None, enterprise_id: int | None = None,
                 current: bool | None = None) -> QuerySet[EnterpriseTier]:
    """Grades the actor may read (county roles all, an agency its own), newest first."""
    qs = EnterpriseTier.objects.select_related("tier", "agency", "enterprise")
    if not actor_is_county(actor):
        own = actor_agency_id(actor)
        if own is None:
            return qs.none()
        qs = qs.filter(agency_id=own)
    if agency_id:
        qs = qs.filter(agency_id=agency_id)
    if enterprise_id:
        qs = qs.filter(enterprise_id=enterprise_id)
    if current is not None:
        qs = qs.filter(is_current=current)
    return qs.order_by("-assigned_at", "-id")


def tier_scheme_for_actor(*, actor, agency_id: int | None = None) -> tuple[Agency, list[Tier]]:
    """An agency's scheme: an agency user reads its own, county roles any (``agency_id``)."""
    own = actor_agency_id(actor)
    if own is not None and agency_id in (None, own):
        wanted = own
    elif actor_is_county(actor) and agency_id:
        wanted = agency_id
    else:
        raise NotFound("检查主体不存在")
    agency = Agency.objects.filter(pk=wanted).first()
    if agency is None:
        raise NotFound("检查主体不存在")
    return agency, tier_scheme(agency.pk)


def explanation_of(row: EnterpriseTier) -> dict | None:
    """The scoring explanation of a grade (None for a manual one)."""
    return json.loads(row.explanation) if row.explanation else None


def tiers_ungraded(agency_ids=None) -> dict[int, Tier]:
    """Agency id → the tier its ungraded enterprises count in, for ``agency_ids`` (default: every agency).

    Read-only and set-based (three queries): an agency without a scheme gets the tier of the default
    scheme it would be given (unsaved ``Tier`` objects then).
    """
    from ..services.tiers import DEFAULT_TIERS

    ids = list(Agency.objects.values_list("pk", flat=True)) if agency_ids is None else list(agency_ids)
    schemes: dict[int, list[Tier]] = {}
    for tier in Tier.objects.filter(agency_id__in=ids).order_by("agency_id", "rank"):
        schemes.setdefault(tier.agency_id, []).append(tier)
    codes = dict(AgencyPlanningSettings.objects.filter(agency_id__in=ids).values_list("agency_id", "ungraded_tier_code"))
    default_scheme = [Tier(code=c, name=n, rank=r, annual_cap=cap, sampling_ratio=s) for c, n, r, cap, s in DEFAULT_TIERS]
    return {pk: _ungraded(schemes.get(pk) or default_scheme, codes.get(pk, DEFAULT_UNGRADED_TIER)) for pk in ids}
