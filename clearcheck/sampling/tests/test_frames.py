"""The frame a commit freezes (R24, R21, R13): what enters it, what stays out and is counted, and the
same bytes whichever way the enterprises' lines are built (by PostgreSQL, or from the rows in Python).
"""

import datetime as dt

import pytest

from clearcheck.core import clock
from clearcheck.sampling import algorithm
from clearcheck.sampling.models import Draw
from clearcheck.sampling.services import frames
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import agency_kit
from clearcheck.sampling.tests.draw_helpers import (  # noqa: F401  (the autouse fixture and shared helpers)
    _reference_codes,
    closed_visit,
    commit,
    frame_of,
    recusal_grant,
    select,
)

pytestmark = pytest.mark.django_db


def _recuse(county, make_user_plain, enterprise, officers):
    for officer in officers:
        recusal_grant(county, make_user_plain, enterprise, officer)


@pytest.fixture
def barred_county(draw_county, make_user_plain):
    """The county with one enterprise no team of two can staff (5 of its 6 officers recused there), one
    that a team still can (4 recused, 2 free), and one whose last inspectors rotate out.
    """
    county = draw_county
    officers = county["officers"]
    unstaffed, staffed, rotated = county["tiers"]["B"][0], county["tiers"]["C"][0], county["tiers"]["D"][0]
    _recuse(county, make_user_plain, unstaffed, officers[:5])
    _recuse(county, make_user_plain, staffed, officers[:4])
    closed_visit(county["agency"], rotated, officers[4:6], clock.now() - dt.timedelta(days=30))
    county.update({"unstaffed": unstaffed, "staffed": staffed, "rotated": rotated})
    return county


def test_r24_r13_an_enterprise_no_team_can_staff_stays_out_of_the_frame_and_is_counted(barred_county, make_draw):
    county = barred_county
    draw, secret = commit(county, make_draw(sample={"B": 7, "C": 8, "D": 8}, max_per_team=10))
    enterprises, _officers, exclusions = frame_of(draw)
    usccs = {u for _, u in enterprises}
    assert county["unstaffed"].uscc not in usccs and {county["staffed"].uscc, county["rotated"].uscc} <= usccs
    assert draw.excluded_unstaffed == 1 and draw.frame_enterprises == 23 == len(usccs)
    # Its five recusals are not frame lines: only the lines of enterprises in the frame are.
    assert {u for _, u, _ in exclusions} == {county["staffed"].uscc, county["rotated"].uscc}
    assert draw.frame_exclusions == len(exclusions) == 4 + 2
    # Every enterprise in the frame gets a team free of its exclusions.
    draw = select(county, draw, secret)
    assert draw.picks.count() == 23
    barred = {c for c, u, _ in exclusions if u == county["staffed"].uscc}
    team = draw.picks.get(uscc=county["staffed"].uscc).team
    assert not barred & set(team.members.values_list("officer__credential_no", flat=True))


def test_r21_r24_an_enterprise_at_its_cap_with_exclusions_is_counted_at_cap_only(barred_county, make_draw,
                                                                                  make_user_plain):
    """An at-cap enterprise (tier A, cap 0) that would also be unstaffed counts once, as at its cap, and
    no enterprise outside the frame leaves exclusion lines in it.
    """
    county = barred_county
    low = county["tiers"]["A"]
    _recuse(county, make_user_plain, low[0], county["officers"][:5])  # would be unstaffed
    _recuse(county, make_user_plain, low[1], county["officers"][:1])  # could be staffed
    draw, _ = commit(county, make_draw(sample={"B": 1, "C": 1, "D": 1}))
    assert draw.excluded_at_cap == 2 and draw.excluded_unstaffed == 1
    assert draw.frame_enterprises + draw.excluded_at_cap + draw.excluded_unstaffed == 26
    enterprises, _officers, exclusions = frame_of(draw)
    assert {u for _, u, _ in exclusions} == {county["staffed"].uscc, county["rotated"].uscc}
    assert {u for _, u, _ in exclusions} <= {u for _, u in enterprises}


@pytest.mark.parametrize("stratify", ["tier", "none"])
def test_r24_the_servers_lines_are_the_rows_lines_byte_for_byte(barred_county, make_draw, monkeypatch, stratify,
                                                                officials):
    """On PostgreSQL the server sorts and joins the E lines; the frame must be the one Python builds from
    the rows (on SQLite both runs take the rows' path, and must still agree). Individual businesses, one of
    them with exclusions and one unstaffed, are pseudonymised either way (ADR 0017).
    """
    from clearcheck.registry.services import enterprise_update
    from clearcheck.sampling.pseudonyms import Pseudonymiser

    county = barred_county
    individuals = [county["staffed"], county["unstaffed"], county["tiers"]["B"][3], county["tiers"]["D"][5]]
    for enterprise in individuals:
        enterprise_update(actor=officials("bureau"), enterprise_id=enterprise.pk, entity_type="individual_business")
    sample = {"B": 1, "C": 1, "D": 1} if stratify == "tier" else {"ALL": 3}
    draw = make_draw(stratify=stratify, sample=sample)
    pools, items = [county["pool"]], [county["routine"]]
    built = frames.frame_build(draw, pools, items)
    monkeypatch.setattr(frames, "_scan_server", frames._scan_rows)
    assert frames.frame_build(draw, pools, items) == built
    assert built.counts == {"enterprises": 23, "officers": 6, "exclusions": 6, "at_cap": 2, "unstaffed": 1,
                            "pseudonyms": 3}
    assert built.strata == ({"B": 7, "C": 8, "D": 8} if stratify == "tier" else {"ALL": 23})
    enterprises, officers, exclusions = algorithm.frame_parse(built.data)
    assert built.data == algorithm.frame_bytes(enterprises, officers, exclusions, version=2)  # canonical, checked
    pseudonymiser = Pseudonymiser(draw.pk)
    assert built.pseudonyms == {e.uscc: pseudonymiser.of(e.uscc) for e in individuals if e != county["unstaffed"]}
    entries = {e for _, e in enterprises} | {e for _, e, _ in exclusions}
    assert not entries & {e.uscc for e in individuals} and set(built.pseudonyms.values()) <= entries
    assert {e for _, e, _ in exclusions} == {built.pseudonyms[county["staffed"].uscc], county["rotated"].uscc}


def test_r24_joint_frame_is_the_same_either_way(draw_county, make_agency, make_user_plain, make_officer, make_draw,
                                                 monkeypatch):
    from clearcheck.sampling import services as svc
    from clearcheck.sampling.tests.draw_fixtures import grade

    county = draw_county
    partner = agency_kit(make_agency("东阿县应急管理局"), make_user_plain, make_officer, officers=4, prefix="YJ")
    partner_pool = svc.pool_create(actor=partner["admin"], name="应急全县对象库", filters={})
    grade(partner, county["tiers"]["C"][:3], "A")  # the partner's lowest tier: out of the joint frame (R21)
    draw = make_draw(pool_ids=[county["pool"].pk, partner_pool.pk],
                     item_ids=[county["routine"].pk, partner["routine"].pk])
    draw = Draw.objects.get(pk=draw.pk)
    pools = sorted(draw.pools.select_related("agency"), key=lambda p: p.agency_id != draw.agency_id)
    items = list(draw.items.all())
    built = frames.frame_build(draw, pools, items)
    monkeypatch.setattr(frames, "_scan_server", frames._scan_rows)
    assert frames.frame_build(draw, pools, items) == built
    assert built.counts["at_cap"] == 2 + 3 and built.counts["enterprises"] == 21
    assert built.officers_by_agency == {county["agency"].code: 6, partner["agency"].code: 4}
