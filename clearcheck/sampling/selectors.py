"""Reads of pools and draws, scoped by actor; the set-based pool queries a draw freezes.

The enterprise pool is one SQL query whatever its size: the registry filtered by region, industry
and entity type, left-joined to each participating agency's current tier and this year's cap usage,
so that enterprises already at an agency's cap (R21) never enter the frame.
"""


from django.db.models import BooleanField, ExpressionWrapper, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least

from clearcheck.accounts.selectors import actor_agency_id, actor_is_county
from clearcheck.core.errors import NotFound
from clearcheck.planning.selectors.tiers import tier_scheme
from clearcheck.planning.settings import planning_settings_for
from clearcheck.registry.choices import EnterpriseStatus
from clearcheck.registry.models import Enterprise, Industry, Officer, Region
from clearcheck.registry.rules import officer_is_qualified

from .choices import ALL_STRATUM, DrawStatus, Stratify
from .models import Draw, DrawPick, Pool

# Industries of the listed special sectors (R24: 直接涉及公共安全和人民群众生命健康), by GB/T 4754-2017
# division: excluded from a pool that asks for it, because such sectors keep full-coverage supervision.
SPECIAL_SECTOR_DIVISIONS = ("25", "26", "27", "06", "07", "08", "09", "10", "14", "15", "44", "45", "84")
PUBLIC_DRAW_STATUSES = (DrawStatus.COMMITTED, DrawStatus.SELECTED, DrawStatus.REVEALED)


def _descendants(model, codes) -> set[str]:
    """The codes and every code below them in the tree (regions, industries: small tables)."""
    parent_of = dict(model.objects.values_list("code", "parent_id"))
    wanted, result = set(codes), set()
    for code in parent_of:
        node = code
        while node is not None:
            if node in wanted:
                result.add(code)
                break
            node = parent_of.get(node)
    return result


def special_sector_industries() -> set[str]:
    """Industry codes of the listed special sectors (their divisions and everything below)."""
    return _descendants(Industry, SPECIAL_SECTOR_DIVISIONS)


def pool_enterprises(pools: list[Pool], *, year: int, item_caps: dict[int, int | None] | None = None,
                     stratify: str = Stratify.TIER, cap_exclusion: bool = True) -> QuerySet:
    """Operating enterprises that every pool's filters admit, annotated with ``stratum`` (the lead
    agency's tier code, or ``ALL``) and, per agency, its tier, rank, cap and this year's usage.

    With ``cap_exclusion`` the enterprises without room under some agency's cap (R21) are left out;
    without it they stay, and ``eligible`` says whether a proactive inspection fits every agency's cap.
    ``pools[0]`` is the lead agency's. ``item_caps`` maps agency id → the lowest item cap of its items.
    """
    qs = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING)
    for pool in pools:
        qs = qs.filter(_filters_q(pool))
    item_caps = item_caps or {}
    room = Q()
    for n, pool in enumerate(pools):
        agency_id = pool.agency_id
        tiers = tier_scheme(agency_id)
        by_code = {t.code: t for t in tiers}
        default = by_code.get(planning_settings_for(agency_id).ungraded_tier_code) or tiers[min(1, len(tiers) - 1)]
        qs = qs.annotate(**{
            f"t{n}": FilteredRelation("tiers", condition=Q(tiers__agency_id=agency_id, tiers__is_current=True)),
            f"u{n}": FilteredRelation("cap_usages", condition=Q(cap_usages__agency_id=agency_id,
                                                                 cap_usages__year=year)),
        }).annotate(**{
            f"tier{n}": Coalesce(F(f"t{n}__tier__code"), Value(default.code)),
            f"rank{n}": Coalesce(F(f"t{n}__tier__rank"), Value(default.rank)),
            f"cap{n}": Coalesce(F(f"t{n}__tier__annual_cap"), Value(default.annual_cap)),
            f"used{n}": Coalesce(F(f"u{n}__proactive_count"), Value(0)),
        })
        if item_caps.get(agency_id) is not None:
            qs = qs.annotate(**{f"cap{n}": Least(F(f"cap{n}"), Value(item_caps[agency_id]))})
        # R21: the lowest tier gets no proactive on-site inspection; others only below the cap.
        room &= ~Q(**{f"rank{n}": 1}) & Q(**{f"used{n}__lt": F(f"cap{n}")})
    qs = qs.filter(room) if cap_exclusion else qs.annotate(eligible=ExpressionWrapper(room, BooleanField()))
    if stratify == Stratify.TIER:
        return qs.annotate(stratum=F("tier0"))
    return qs.annotate(stratum=Value(ALL_STRATUM))


def _filters_q(pool: Pool) -> Q:
    filters = pool.filters or {}
    q = Q()
    if filters.get("regions"):
        q &= Q(region_id__in=sorted(_descendants(Region, filters["regions"])))
    if filters.get("industries"):
        q &= Q(industry_id__in=sorted(_descendants(Industry, filters["industries"])))
    if filters.get("entity_types"):
        q &= Q(entity_type__in=list(filters["entity_types"]))
    if filters.get("exclude_special_sectors"):
        q &= ~Q(industry_id__in=sorted(special_sector_industries()))
    if filters.get("tiers"):
        # A tier filter reads the agency's current grade; the ungraded count as the scheme's default tier.
        agency_id = pool.agency_id
        default = planning_settings_for(agency_id).ungraded_tier_code
        graded = Q(tiers__agency_id=agency_id, tiers__is_current=True)
        in_tiers = Enterprise.objects.filter(graded, tiers__tier__code__in=list(filters["tiers"])).values("pk")
        q &= Q(pk__in=in_tiers)
        if default in filters["tiers"]:
            q |= ~Q(pk__in=Enterprise.objects.filter(graded).values("pk")) & _filters_q(
                Pool(agency_id=agency_id, filters={k: v for k, v in filters.items() if k != "tiers"}))
    return q


def pool_officers(pool: Pool, *, window_start, window_end) -> list[Officer]:
    """The officer pool: the agency's officers (or those listed) qualified for the whole window (R12, R25)."""
    listed = list(pool.officers.all()) if pool.pk else []
    officers = listed or list(Officer.objects.filter(agency_id=pool.agency_id).order_by("credential_no"))
    return [o for o in officers if o.agency_id == pool.agency_id
            and officer_is_qualified(o, on=window_start) and officer_is_qualified(o, on=window_end)]


def pools_for_actor(*, actor) -> QuerySet:
    """Pools the actor may see: the agency's own; county readers see all."""
    qs = Pool.objects.select_related("agency")
    if actor_is_county(actor):
        return qs
    agency_id = actor_agency_id(actor)
    return qs.filter(agency_id=agency_id) if agency_id else qs.none()


def pool_get(*, actor, pool_id: int) -> Pool:
    """One pool visible to the actor (NotFound otherwise)."""
    pool = pools_for_actor(actor=actor).filter(pk=pool_id).first()
    if pool is None:
        raise NotFound("抽查对象库不存在")
    return pool


def draws_for_actor(*, actor) -> QuerySet:
    """Draws the actor may see: its agency's (lead or joint), or all for county readers."""
    qs = Draw.objects.select_related("agency")
    if actor_is_county(actor):
        return qs
    agency_id = actor_agency_id(actor)
    if not agency_id:
        return qs.none()
    return qs.filter(Q(agency_id=agency_id) | Q(pools__agency_id=agency_id)).distinct()


def draw_get(*, actor, draw_id: int) -> Draw:
    """One draw visible to the actor (NotFound otherwise)."""
    draw = draws_for_actor(actor=actor).filter(pk=draw_id).first()
    if draw is None:
        raise NotFound("抽取不存在")
    return draw


def draws_public() -> QuerySet:
    """Draws the public sees: committed or later (the commitment is public from the start), and draws
    cancelled after their commitment was published, so that a re-roll (cancel, commit again) shows.
    """
    return Draw.objects.select_related("agency").filter(
        Q(status__in=PUBLIC_DRAW_STATUSES) | Q(status=DrawStatus.CANCELLED, committed_at__isnull=False))


def draw_public_get(draw_id: int) -> Draw:
    """One public draw (NotFound for drafts and draws cancelled before their commit)."""
    draw = draws_public().filter(pk=draw_id).first()
    if draw is None:
        raise NotFound("抽取不存在")
    return draw


def pool_changes(pool: Pool, *, year: int, limit: int = 50) -> dict | None:
    """What changed in the pool since its last committed draw: enterprises and officers that entered or
    left (the current pool under the same filters, cap exclusion included, against the frozen frame).
    None when the pool has never been drawn from. Lists are cut at ``limit``; counts are exact.
    """
    from clearcheck.core import blobs

    from . import algorithm

    last = (Draw.objects.filter(pools=pool, status__in=PUBLIC_DRAW_STATUSES).exclude(frame_sha256="")
            .order_by("-committed_at", "-id").first())
    if last is None:
        return None
    enterprises, officers, _ = algorithm.frame_parse(blobs.blob_read(last.frame_sha256))
    code = pool.agency.code
    usccs = pseudonym_map(last)  # an individual business's frame entry is its pseudonym in that draw
    then_e = ({usccs.get(u, u) for _, u in enterprises} if len(last.parameters.get("agencies", [])) == 1
              else None)
    then_o = {c for a, c in officers if a == code}
    now_e = set(pool_enterprises([pool], year=year, stratify=Stratify.NONE).values_list("uscc", flat=True))
    today = last.window_start
    now_o = {o.credential_no for o in pool_officers(pool, window_start=today, window_end=last.window_end)}
    result = {"draw": last, "officers_added": sorted(now_o - then_o)[:limit],
              "officers_removed": sorted(then_o - now_o)[:limit]}
    if then_e is not None:
        added, removed = now_e - then_e, then_e - now_e
        result.update({"enterprises_added": sorted(added)[:limit], "enterprises_removed": sorted(removed)[:limit],
                       "enterprises_added_count": len(added), "enterprises_removed_count": len(removed)})
    result.update({"officers_added_count": len(now_o - then_o), "officers_removed_count": len(then_o - now_o),
                   "enterprises_now": len(now_e)})
    return result


def pseudonym_map(draw: Draw) -> dict[str, str]:
    """Pseudonym → USCC of a committed draw's individual businesses (empty for a frame without any)."""
    from clearcheck.core import blobs

    from .pseudonyms import map_parse

    return map_parse(blobs.blob_read(draw.pseudonyms_sha256)) if draw.pseudonyms_sha256 else {}


def pick_public(pick, draw: Draw) -> dict:
    """What the public sees of one pick: the enterprise's name and frame entry, or, for an individual business,
    the mask and its pseudonym (``/2``) or nothing that identifies it (``/1``, where the entry is its USCC).
    """
    from .pseudonyms import MASKED_LABEL, is_masked

    enterprise = pick.enterprise
    if not is_masked(enterprise.entity_type, enterprise.uscc):
        return {"name": enterprise.name, "entry": pick.entry, "masked": False}
    return {"name": str(MASKED_LABEL), "entry": "" if pick.entry == enterprise.uscc else pick.entry, "masked": True}


def pools_for_joint_draw(*, actor) -> QuerySet:
    """Other agencies' active pools a joint draw (联合抽查) of the actor's agency may include."""
    agency_id = actor_agency_id(actor)
    if not agency_id:
        return Pool.objects.none()
    return (Pool.objects.filter(active=True, agency__listed=True).exclude(agency_id=agency_id)
            .select_related("agency").order_by("agency__code", "name"))


VERIFY_CACHE_SECONDS = 600


def draw_verification(draw: Draw) -> dict:
    """平台重算校验: the published document re-computed by the standalone algorithm. A revealed draw never
    changes, so the verdict is cached for ten minutes: the public endpoint cannot be used to make the server
    re-compute a million-enterprise draw on every request.
    """
    from django.core.cache import cache

    from clearcheck.core import clock

    from . import algorithm
    from .documents import draw_document
    from .services.draws import selection_hash, stored_outcome

    # Keyed by everything the document is made of (the frame by its hash, the selection by its hash), so
    # a stored value changed since the last check is never answered from the cache.
    parts = (draw.pk, draw.frame_sha256, draw.parameters_sha256, draw.commitment, draw.secret, draw.seed,
             draw.public_value, selection_hash(stored_outcome(draw)))
    key = "sampling:verify:" + algorithm.sha256_hex("|".join(map(str, parts)).encode("utf-8"))
    verdict = cache.get(key)
    if verdict is None:
        # The whole document, a /1 draw's individual businesses included; a difference it names is told with
        # their USCCs masked (ADR 0017).
        document = draw_document(draw, public=False)
        problems = algorithm.verify_document(document)
        problem = problems[0] if problems else ""
        if problem:
            from .documents import masked_usccs
            from .pseudonyms import MASKED_LABEL

            for uscc in masked_usccs(draw, [e for _, e in document["frame"]["enterprises"]]):
                problem = problem.replace(uscc, str(MASKED_LABEL))
        verdict = {"match": not problems, "problem": problem, "at": clock.local_now()}
        cache.set(key, verdict, VERIFY_CACHE_SECONDS)
    return verdict


# --- the enterprise portal: its own place in the draws (ADR 0017) ------------------------------------


def draws_for_enterprise(*, actor) -> QuerySet:
    """The public draws, newest first, for an enterprise account (nobody else: empty)."""
    from clearcheck.accounts.selectors import actor_enterprise_id

    if actor_enterprise_id(actor) is None:
        return Draw.objects.none()
    return draws_public().order_by("-committed_at", "-id")


def enterprise_draw_rows(*, actor, draws) -> list[dict]:
    """For each of ``draws``: the enterprise's own frame entry (its pseudonym in that draw when it is an
    individual business, else its USCC); after reveal, whether the published frame holds it (and in which
    stratum), its rank hash, the largest rank selected in its stratum, and whether it was selected. Before
    reveal nothing but the entry: the selection stays unannounced (R24).
    """
    import hashlib
    import re

    from clearcheck.accounts.selectors import actor_enterprise_id
    from clearcheck.core import blobs
    from clearcheck.registry.models import Enterprise

    from . import algorithm
    from .pseudonyms import draw_key, is_masked, pseudonym_key_load, pseudonym_of

    enterprise = Enterprise.objects.filter(pk=actor_enterprise_id(actor)).first()
    if enterprise is None:
        return []
    masked = is_masked(enterprise.entity_type, enterprise.uscc)
    key = pseudonym_key_load() if masked and draws else None
    picks = {p.draw_id: p for p in DrawPick.objects.filter(enterprise=enterprise, draw__in=[d.pk for d in draws])
             .select_related("team")}
    rows = []
    for draw in draws:
        legacy = (draw.parameters or {}).get("algorithm") == algorithm.ALGORITHM_V1
        entry = pseudonym_of(draw_key(key, draw.pk), enterprise.uscc) if masked and not legacy else enterprise.uscc
        row = {"draw": draw, "entry": entry, "pseudonym": masked and not legacy, "legacy_masked": masked and legacy,
               "revealed": draw.status == DrawStatus.REVEALED}
        if row["revealed"]:
            found = re.search(rb"^E\t([^\t\n]+)\t" + re.escape(entry.encode("utf-8")) + rb"$",
                              blobs.blob_read(draw.frame_sha256), re.M)
            pick = picks.get(draw.pk)
            row.update(in_frame=found is not None, stratum=found.group(1).decode("utf-8") if found else "",
                       pick=pick, rank=hashlib.sha256(bytes.fromhex(draw.seed) + entry.encode("utf-8")).hexdigest())
            if found:
                row["cutoff"] = (draw.picks.filter(stratum=row["stratum"]).order_by("-rank")
                                 .values_list("rank", flat=True).first() or "")
        rows.append(row)
    return rows
