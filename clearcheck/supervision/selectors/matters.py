"""Special supervision reads, scoped by actor.

- The bureau sees everything; discipline reads every matter and notice (read-only) and receives referrals.
- An agency's admin and head see the matters concerning their agency (the matter's agency, or a directive
  to it), the directives and interviews of their own agency, and published notices.
- Referrals to discipline are visible to the bureau and discipline only: they name officers suspected of
  misconduct, and telling the officers' agency before the discipline organ acts could tip them off and let
  evidence be changed; discipline decides what the agency is told.
- The public sees published notices.
"""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from clearcheck.accounts.choices import Role
from clearcheck.core.errors import NotFound

from ..models import Directive, Interview, Notice, Referral, SupervisionMatter

MATTER_READERS = (Role.BUREAU, Role.DISCIPLINE, Role.AGENCY_ADMIN, Role.AGENCY_HEAD)

# How a matter's generic source is named on its page: source_type → "module:function", a function
# ``(*, actor, source_id: str) -> str`` of the source's app (a selector, so it scopes by actor). Adding a
# source (e.g. "feedback.complaint") is one line; an unknown type shows as "type #id".
SOURCE_LABELS: dict[str, str] = {}
COUNTY_READERS = (Role.BUREAU, Role.DISCIPLINE)


def _is_agency_manager(actor) -> bool:
    return actor.is_authenticated and actor.role in (Role.AGENCY_ADMIN, Role.AGENCY_HEAD) and bool(actor.agency_id)


def matter_list_for_actor(*, actor, status: str | None = None) -> QuerySet[SupervisionMatter]:
    """Matters the actor may read, newest first."""
    qs = SupervisionMatter.objects.select_related("agency", "alert")
    if not actor.is_authenticated:
        return qs.none()
    if actor.role not in COUNTY_READERS:
        if not _is_agency_manager(actor):
            return qs.none()
        directed = Directive.objects.filter(matter_id=OuterRef("pk"), agency_id=actor.agency_id)
        qs = qs.filter(Q(agency_id=actor.agency_id) | Exists(directed))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opened_at", "-id")


def matter_get_for_actor(*, actor, matter_id: int) -> SupervisionMatter:
    """One matter the actor may read; missing and not-yours are both NotFound."""
    matter = matter_list_for_actor(actor=actor).filter(pk=matter_id).first()
    if matter is None:
        raise NotFound("督办事项不存在")
    return matter


def matter_source_label(*, actor, matter: SupervisionMatter) -> str:
    """A readable name of the matter's generic source (e.g. a complaint), through the source app's selector."""
    if not matter.source_type:
        return ""
    target = SOURCE_LABELS.get(matter.source_type)
    if target:
        import importlib

        module, _, function = target.partition(":")
        try:
            return getattr(importlib.import_module(module), function)(actor=actor, source_id=matter.source_id)
        except NotFound:
            pass
    return f"{matter.source_type} #{matter.source_id}"


def matter_directives(*, actor, matter: SupervisionMatter) -> QuerySet[Directive]:
    """The matter's directives the actor may read (an agency: those to it)."""
    qs = matter.directives.select_related("agency").order_by("issued_at", "id")
    return qs if actor.role in COUNTY_READERS else qs.filter(agency_id=actor.agency_id)


def matter_interviews(*, actor, matter: SupervisionMatter) -> QuerySet[Interview]:
    """The matter's interviews the actor may read (an agency: those of its own people)."""
    qs = matter.interviews.select_related("agency", "officer").order_by("held_at", "id")
    return qs if actor.role in COUNTY_READERS else qs.filter(agency_id=actor.agency_id)


def matter_notices(*, actor, matter: SupervisionMatter) -> QuerySet[Notice]:
    """The matter's notices: all for the bureau, the published ones for everyone else."""
    qs = matter.notices.order_by("-id")
    return qs if actor.role == Role.BUREAU else qs.filter(published=True)


def matter_referrals(*, actor, matter: SupervisionMatter) -> QuerySet[Referral]:
    """The matter's referrals (bureau and discipline only)."""
    if actor.role not in COUNTY_READERS:
        return Referral.objects.none()
    return matter.referrals.prefetch_related("officers").order_by("-referred_at", "-id")


def directive_list_for_actor(*, actor, pending_only: bool = False) -> QuerySet[Directive]:
    """Directives the actor may read: all for county readers, its own for an agency; oldest deadline first."""
    qs = Directive.objects.select_related("matter", "agency")
    if not actor.is_authenticated:
        return qs.none()
    if actor.role not in COUNTY_READERS:
        if not _is_agency_manager(actor):
            return qs.none()
        qs = qs.filter(agency_id=actor.agency_id)
    if pending_only:
        qs = qs.filter(replied_at__isnull=True)
    return qs.order_by("deadline", "id")


def directive_get_for_actor(*, actor, directive_id: int) -> Directive:
    """One directive the actor may read."""
    directive = directive_list_for_actor(actor=actor).filter(pk=directive_id).first()
    if directive is None:
        raise NotFound("督办不存在")
    return directive


def notice_list_for_actor(*, actor) -> QuerySet[Notice]:
    """Notices: the bureau sees drafts too; everyone else the published ones."""
    qs = Notice.objects.select_related("agency", "corrects")
    if not (actor.is_authenticated and actor.role == Role.BUREAU):
        qs = qs.filter(published=True)
    return qs.order_by("-published_at", "-id")


def notice_get_for_actor(*, actor, notice_id: int) -> Notice:
    """One notice the actor may read."""
    notice = notice_list_for_actor(actor=actor).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound("通报不存在")
    return notice


def notice_list_public() -> QuerySet[Notice]:
    """Published notices, newest first (the public site)."""
    return (Notice.objects.filter(published=True).select_related("agency", "corrects")
            .order_by("-published_at", "-id"))


def notice_get_public(*, notice_id: int) -> Notice:
    """One published notice, with the corrections that were published for it."""
    notice = notice_list_public().filter(pk=notice_id).prefetch_related(
        Prefetch("corrections", queryset=Notice.objects.filter(published=True).order_by("published_at"),
                 to_attr="published_corrections")).first()
    if notice is None:
        raise NotFound("通报不存在")
    return notice


def referral_list_for_actor(*, actor, pending_only: bool = False) -> QuerySet[Referral]:
    """Referrals to discipline (bureau and discipline only), newest first."""
    qs = Referral.objects.select_related("matter", "agency").prefetch_related("officers")
    if not actor.is_authenticated or actor.role not in COUNTY_READERS:
        return qs.none()
    if pending_only:
        qs = qs.filter(received_at__isnull=True)
    return qs.order_by("-referred_at", "-id")


def referral_get_for_actor(*, actor, referral_id: int) -> Referral:
    """One referral with its evidence (bureau and discipline only)."""
    referral = (referral_list_for_actor(actor=actor).prefetch_related("alerts").filter(pk=referral_id).first())
    if referral is None:
        raise NotFound("移送不存在")
    return referral


# --- individual businesses in a notice's text (ADR 0017) -----------------------------------------------

_USCC_SHAPED = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
INDIVIDUAL_USCC_PREFIX = "92"  # GB 32100-2015: registration authority 9, entity type 2 (个体工商户)
# A name is a run of these (Chinese, letters, digits, brackets, ·); punctuation and blanks end it.
_NAME_RUN = re.compile(r"[\w（）()·]+")
NAME_LENGTHS = (4, 60)  # registered names of individual businesses fall in this range of characters
_IN_CHUNK = 900  # SQLite's historic limit of bound variables is 999


def individual_businesses_named(text: str) -> list[str]:
    """The registered names and USCCs of individual businesses (个体工商户) that ``text`` contains, which a
    published notice may not (they identify a natural person). USCC-shaped tokens are looked up (a code of type
    92 always counts); names by exact look-up of every piece of each run of name characters, on the names'
    index: a few queries per kilobyte of text, whatever the size of the registry.
    """
    from clearcheck.registry.choices import EntityType
    from clearcheck.registry.models import Enterprise

    # The predicate of ``sampling.pseudonyms.is_masked``, written out: sampling already imports supervision
    # (alerts), and the two apps must not import each other.
    masked = Q(entity_type=EntityType.INDIVIDUAL_BUSINESS) | Q(uscc__startswith=INDIVIDUAL_USCC_PREFIX)
    found: list[str] = []
    codes = set(_USCC_SHAPED.findall(text.upper()))
    found += sorted(c for c in codes if c.startswith(INDIVIDUAL_USCC_PREFIX))
    rest = sorted(c for c in codes if not c.startswith(INDIVIDUAL_USCC_PREFIX))
    if rest:
        found += sorted(Enterprise.objects.filter(masked, uscc__in=rest).values_list("uscc", flat=True))
    low, high = NAME_LENGTHS
    pieces = sorted({run[i:j] for run in _NAME_RUN.findall(text) for i in range(len(run))
                     for j in range(i + low, min(len(run), i + high) + 1)})
    names: set[str] = set()
    for start in range(0, len(pieces), _IN_CHUNK):
        names.update(Enterprise.objects.filter(masked, name__in=pieces[start:start + _IN_CHUNK])
                     .values_list("name", flat=True))
    return found + sorted(names)
