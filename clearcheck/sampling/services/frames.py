"""A draw's frame (R24, R21): the pool frozen as canonical bytes, with the counts published beside it.

One scan of the registry (``selectors.pool_enterprises``) gives every enterprise the pool admits, its
stratum, and whether a proactive inspection fits every participating agency's cap (R21). On PostgreSQL
the server also joins each stratum's USCCs (``string_agg``), so a million enterprises come back as a
few strings instead of a million rows, and Python sorts and prefixes the lines; on SQLite the rows
come back and ``algorithm.frame_block`` sorts and joins them. Both give the same bytes
(``sampling/tests/test_frames.py``).

The frame is ``clearcheck-draw-frame/2``: an individual business (个体工商户, a natural person) is written under
its pseudonym in this draw, never under its USCC (ADR 0017). The pseudonym → USCC map is kept apart, private.
"""

from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper

from clearcheck.inspections.selectors.exclusions import last_inspector_pairs
from clearcheck.registry.recusal_reads import recusal_pairs

from .. import algorithm
from ..models import Draw, Pool
from ..pseudonyms import Pseudonymiser, map_bytes, masked_q
from ..selectors import pool_enterprises, pool_officers


class Frame(NamedTuple):
    """A built frame: its bytes, the counts published with it, the sizes the pre-check needs, and the private
    pseudonym map (USCC → pseudonym of each individual business in it) with the draw key's fingerprint.
    """

    data: bytes
    counts: dict
    strata: dict[str, int]
    officers_by_agency: dict[str, int]
    pseudonyms: dict[str, str]
    fingerprint: str

    @property
    def pseudonym_map(self) -> bytes:
        """The private map's bytes (stored content-addressed beside the frame, never published)."""
        return map_bytes(self.pseudonyms)


class _Scan(NamedTuple):
    block: str  # the E lines, sorted and checked
    strata: dict[str, int]
    at_cap: int
    unstaffed: int  # eligible, but no team could be staffed: left out
    paired: set[str]  # the enterprises in the frame that have exclusion pairs (by USCC)
    pseudonyms: dict[str, str]  # USCC → pseudonym of each individual business in the frame


def frame_build(draw: Draw, pools: list[Pool], items) -> Frame:
    """The frame's bytes and counts: eligible enterprises (below every agency's cap, R21), officers
    qualified for the whole window, and the recusal and rotation pairs among them. Set-based: one scan.
    """
    item_caps = {}
    for pool in pools:
        caps = [i.annual_cap for i in items if i.agency_id == pool.agency_id and i.annual_cap is not None]
        item_caps[pool.agency_id] = min(caps) if caps else None
    qs = pool_enterprises(pools, year=draw.year, item_caps=item_caps, stratify=draw.stratify, cap_exclusion=False)
    qs = qs.annotate(masked=ExpressionWrapper(masked_q(), BooleanField()))
    officers = [(p.agency.code, o.credential_no)
                for p in pools for o in pool_officers(p, window_start=draw.window_start, window_end=draw.window_end)]
    by_agency: dict[str, set[str]] = {}
    for code, credential in officers:
        by_agency.setdefault(code, set()).add(credential)
    agency_ids = [p.agency_id for p in pools]
    credentials = {c for _, c in officers}
    pairs = [(credential, uscc, reason)
             for reason, found in (("recused", recusal_pairs(agency_ids)), ("rotation", last_inspector_pairs(agency_ids)))
             for credential, uscc in found if credential in credentials]
    barred: dict[str, set[str]] = {}
    for credential, uscc, _reason in pairs:
        barred.setdefault(uscc, set()).add(credential)
    # An enterprise that some agency cannot staff with team_size officers free of its exclusions could
    # never be assigned a team (algorithm.team_extra): it stays out of the frame, counted, so that a
    # committed draw never fails at selection.
    unstaffed = {uscc for uscc, names in barred.items()
                 if any(len(pool - names) < draw.team_size for pool in by_agency.values())}
    scan = _scan_server if connection.vendor == "postgresql" else _scan_rows
    # One statement decides who is eligible, who is unstaffed and which paired enterprises are in the
    # frame, so the exclusion lines always match the enterprise lines (one snapshot).
    pseudonymiser = Pseudonymiser(draw.pk)
    enterprises = scan(qs.values_list("stratum", "uscc", "eligible", "masked").order_by(), paired=set(barred),
                       unstaffed=unstaffed, pseudonymiser=pseudonymiser)
    # A recused officer may also be the last inspector: the frame keeps one line per reason.
    entry = enterprises.pseudonyms
    exclusions = [(credential, entry.get(uscc, uscc), reason) for credential, uscc, reason in pairs
                  if uscc in enterprises.paired]
    frame = algorithm.frame_join(enterprises.block, algorithm.frame_block("O", officers, 2),
                                 algorithm.frame_block("X", exclusions, 3), version=2)
    counts = {"enterprises": sum(enterprises.strata.values()), "officers": len(officers),
              "exclusions": len(exclusions), "at_cap": enterprises.at_cap, "unstaffed": enterprises.unstaffed,
              "pseudonyms": len(entry)}
    return Frame(frame, counts, enterprises.strata, {code: len(names) for code, names in by_agency.items()},
                 entry, pseudonymiser.fingerprint if entry else "")


def _scan_rows(rows_qs, *, paired: set[str], unstaffed: set[str], pseudonymiser: Pseudonymiser) -> _Scan:
    """The E block from the rows themselves: (stratum, uscc, eligible, masked) through a plain cursor."""
    enterprises, at_cap, left_out, in_frame, pseudonyms = [], 0, 0, set(), {}
    for stratum, uscc, eligible, masked in _rows(rows_qs):
        if not eligible:
            at_cap += 1
        elif uscc in unstaffed:
            left_out += 1
        else:
            if masked:
                pseudonyms[uscc] = pseudonymiser.of(uscc)
            enterprises.append((stratum, pseudonyms.get(uscc, uscc)))
            if uscc in paired:
                in_frame.add(uscc)
    strata: dict[str, int] = {}
    for stratum, _entry in enterprises:
        strata[stratum] = strata.get(stratum, 0) + 1
    algorithm.entries_check(entry for _, entry in enterprises)
    return _Scan(algorithm.frame_block("E", enterprises, 2), strata, at_cap, left_out, in_frame, pseudonyms)


def _scan_server(rows_qs, *, paired: set[str], unstaffed: set[str], pseudonymiser: Pseudonymiser) -> _Scan:
    """PostgreSQL: each stratum's USCCs joined by the server into one string, with the stratum's size, the
    at-cap and unstaffed counts and the paired enterprises in the frame from the same scan; Python sorts
    each stratum's lines. Individual businesses come in a string of their own, and Python pseudonymises them.
    """
    sql, params = rows_qs.query.sql_with_params()
    # No ORDER BY in the aggregate, and the stock work_mem, on purpose. An ordered aggregate sorts in the
    # one leader process (+1.6 s for a million enterprises here), while Python sorts the same strings in
    # 0.6 s; and with 64 MB the planner chose a bitmap heap scan and a one-batch hash that ran slower.
    # Without exclusion pairs (the usual case) the unstaffed and paired tests are left out of the
    # statement: they would cost four array tests per enterprise in the one leader process.
    kept = "q.eligible AND NOT q.uscc = ANY(%s)" if unstaffed else "q.eligible"
    counted = "count(*) FILTER (WHERE q.eligible AND q.uscc = ANY(%s))" if unstaffed else "0"
    pairs_in = f"array_agg(q.uscc) FILTER (WHERE {kept} AND q.uscc = ANY(%s))" if paired else "NULL"
    # "kept" is tested five times (one ANY(%s) each when there are unstaffed enterprises), "paired" once.
    lists = [sorted(unstaffed)] * 5 if unstaffed else []
    lists += [sorted(paired)] if paired else []
    with connection.cursor() as cur:
        # The inner query is the ORM's own SQL with its parameters kept apart.
        source = f"FROM ({sql}) AS q (stratum, uscc, eligible, masked) GROUP BY q.stratum"
        aggregate = (f"SELECT q.stratum, count(*) FILTER (WHERE {kept}), count(*) FILTER (WHERE NOT q.eligible), "
                     f"{counted}, string_agg(q.uscc, E'\\n') FILTER (WHERE {kept} AND NOT q.masked), "
                     f"string_agg(q.uscc, E'\\n') FILTER (WHERE {kept} AND q.masked), {pairs_in} " + source)
        cur.execute(aggregate, [*lists, *params])
        rows = cur.fetchall()
    # Sorting each group by "stratum<TAB>" sorts the lines: no stratum holds a tab (block_check).
    rows.sort(key=lambda row: (row[0] + "\t").encode("utf-8"))
    parts, strata, at_cap, left_out, in_frame, pseudonyms = [], {}, 0, 0, set(), {}
    for stratum, size, capped, unstaffed_here, usccs, masked, paired_here in rows:
        at_cap += capped
        left_out += unstaffed_here
        in_frame.update(paired_here or ())
        if size:
            lines = usccs.split("\n") if usccs else []
            for uscc in masked.split("\n") if masked else ():
                pseudonyms[uscc] = pseudonymiser.of(uscc)
                lines.append(pseudonyms[uscc])
            algorithm.entries_check(lines)
            lines.sort()  # code-point order is UTF-8 byte order, as in algorithm.frame_block
            prefix = f"E\t{stratum}\t"
            parts.append(prefix + ("\n" + prefix).join(lines) + "\n")
            strata[stratum] = size
    block = "".join(parts)
    # The same checks frame_block makes; a USCC appears once because the registry keeps it unique and the
    # pool query joins at most one current tier and one cap usage per agency (their unique constraints).
    algorithm.block_check("E", block, sum(strata.values()), 2)
    return _Scan(block, strata, at_cap, left_out, in_frame, pseudonyms)


def _rows(qs, chunk_size: int = 20000):
    """The rows of ``qs`` through a plain cursor: a million rows come back ~2× faster than through the
    ORM's iterator (a server-side cursor planned for its first rows, and per-value converters).
    """
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while batch := cur.fetchmany(chunk_size):
            yield from batch
