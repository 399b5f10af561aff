"""The rollup dimensions of visits (ADR 0014), computed the same way by the fold and by the live tail.

A visit counts as an inspection as ``inspections.selectors.visits`` defines it (of kind ``inspection``
and opened: open or closed). It counts once, under its initiating agency; its source is the source of its lowest-id task and it is drawn
when any of its tasks came from a draw; its tier is the initiating agency's tier of the enterprise when
the visit started (all three kept on the visit at check-in); its month and year are those of ``opened_at``
in Asia/Shanghai.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from clearcheck.core import clock
from clearcheck.inspections.choices import VisitStatus
from clearcheck.inspections.models import Visit
from clearcheck.inspections.selectors.visits import counted_visits_q, visit_counts
from clearcheck.planning.models import EnterpriseTier, Tier
from clearcheck.planning.selectors.tiers import tiers_ungraded
from clearcheck.registry.models import Enterprise, Industry

# Fields read per visit (one query per batch; enterprise fields by join).
VISIT_FIELDS = ("id", "kind", "status", "agency_id", "enterprise_id", "joint_inspection_id", "entry_method",
                "source", "drawn", "tier", "started_at", "opened_at", "closed_at")

FINAL_STATUSES = frozenset({VisitStatus.CLOSED, VisitStatus.EXPIRED, VisitStatus.CANCELLED})
COUNTED = counted_visits_q()


@dataclass(frozen=True)
class VisitFacts:
    """One counted visit with its dimensions."""

    visit_id: int
    enterprise_id: int
    agency_id: int
    month: dt.date
    year: int
    source: str
    joint: bool
    drawn: bool
    entry_method: str
    region: str
    industry: str
    tier: str
    seconds: int


_SECTIONS: dict[str, str] = {}


def industry_section(code: str | None) -> str:
    """The GB/T 4754 section (门类) of an industry code (the table is static: cached per process)."""
    if not code:
        return ""
    if code not in _SECTIONS:
        parents = dict(Industry.objects.values_list("code", "parent_id"))
        for start in parents:
            top = start
            while parents.get(top):
                top = parents[top]
            _SECTIONS[start] = top
    return _SECTIONS.get(code, code)


def industry_codes(section: str) -> list[str]:
    """The industry codes whose GB/T 4754 section is ``section`` (``section`` itself included)."""
    industry_section(section)  # fills the section map
    return sorted({section} | {code for code, top in _SECTIONS.items() if top == section})


def local_month(moment: dt.datetime) -> dt.date:
    """The first day of ``moment``'s month in Asia/Shanghai."""
    local = moment.astimezone(clock.LOCAL_TZ)
    return dt.date(local.year, local.month, 1)


def counts(row: dict) -> bool:
    """Whether a visit row counts as an inspection (see the module docstring)."""
    return visit_counts(kind=row["kind"], status=row["status"], opened_at=row["opened_at"])


def tiers_for_pairs(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """The current tier of each (agency, enterprise): the graded ones in one query, the ungraded by their
    agency's tier for the ungraded (``tiers_ungraded``: three queries whatever the number of agencies).
    """
    result: dict[tuple[int, int], object] = {}
    graded: dict[tuple[int, int], int] = {}
    for chunk in _chunks(sorted({e for _a, e in pairs})):  # tuples, not model objects: hundreds of rows
        rows = (EnterpriseTier.objects.filter(ids_in("enterprise_id", chunk), is_current=True)
                .values_list("agency_id", "enterprise_id", "tier_id"))
        graded.update(((a, e), t) for a, e, t in rows if (a, e) in pairs)
    tiers = Tier.objects.in_bulk(set(graded.values()))
    result.update({pair: tiers[tier_id] for pair, tier_id in graded.items()})
    missing = {a for a, e in pairs if (a, e) not in result}
    if missing:
        ungraded = tiers_ungraded(sorted(missing))
        result.update({(a, e): ungraded[a] for a, e in pairs if (a, e) not in result})
    return result


def ids_in(field: str, ids) -> Q:
    """``field IN ids`` without thousands of bound parameters on PostgreSQL (one array, ``unnest``: the
    planner then looks each id up in the index instead of hashing a whole table); a plain list on SQLite.
    """
    ids = sorted(set(ids))
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def visit_rows(qs) -> list[dict]:
    """The visit rows of ``qs`` with the fields the dimensions need (the enterprise's region and industry
    looked up by id, not joined: a join may make the planner scan every enterprise).
    """
    rows = list(qs.values(*VISIT_FIELDS))
    places: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(sorted({r["enterprise_id"] for r in rows})):
        places.update((pk, (region, industry)) for pk, region, industry in Enterprise.objects.filter(
            ids_in("id", chunk)).values_list("id", "region_id", "industry_id"))
    for r in rows:
        r["enterprise__region_id"], r["enterprise__industry_id"] = places.get(r["enterprise_id"], ("", ""))
    return rows


def _chunks(ids: list, size: int = 20000):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def facts_of(rows: list[dict]) -> list[VisitFacts]:
    """The facts of the counted visits among ``rows`` (no query)."""
    counted = [r for r in rows if counts(r)]
    facts = []
    for r in counted:
        opened, closed = r["opened_at"], r["closed_at"]
        seconds = int((closed - opened).total_seconds()) if closed and r["status"] == VisitStatus.CLOSED else 0
        month = local_month(opened)
        facts.append(VisitFacts(
            visit_id=r["id"], enterprise_id=r["enterprise_id"], agency_id=r["agency_id"], month=month,
            year=month.year, source=r["source"] or "", joint=r["joint_inspection_id"] is not None,
            drawn=bool(r["drawn"]), entry_method=r["entry_method"] or "",
            region=r["enterprise__region_id"] or "", industry=industry_section(r["enterprise__industry_id"]),
            tier=r["tier"] or "", seconds=max(seconds, 0),
        ))
    return facts


def all_visit_facts() -> list[VisitFacts]:
    """Every counted visit, from scratch (tests compare the panels with this; never on a request)."""
    return facts_of(visit_rows(Visit.objects.filter(COUNTED).order_by("id")))
