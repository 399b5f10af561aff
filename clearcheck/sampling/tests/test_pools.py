"""Pools (检查对象库 / 执法人员库) of double-random draws (R24, clause 五(十五)): who manages them, what
their filters admit (region and industry with everything below, entity type, tier with the ungraded
default, special sectors), the officer pool (R12 qualification), and what changed since the last draw.
"""

import datetime as dt

import pytest

from clearcheck.audit.models import AuditEvent
from clearcheck.core import blobs, clock
from clearcheck.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearcheck.sampling import algorithm
from clearcheck.sampling import services as svc
from clearcheck.sampling.models import Pool
from clearcheck.sampling.selectors import (
    pool_changes,
    pool_enterprises,
    pool_get,
    pool_officers,
    pools_for_actor,
    pseudonym_map,
)
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import grade

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reference_codes(db):
    """The full GB/T 2260 / 4754 tables (a transactional test elsewhere may have flushed them)."""
    from clearcheck.registry.reference import reference_codes_ensure

    reference_codes_ensure()


@pytest.fixture
def varied(draw_county, make_enterprise, officials):
    """Three more enterprises, ungraded (so tier B by default): a retailer in 冠县, an individual business
    retailer in 东阿县, and one whose registration was cancelled; plus the county's 26 pharmaceutical
    makers (GB/T 4754 class 2740, a special sector).
    """
    from clearcheck.registry.services import enterprise_update

    guan = make_enterprise("冠县百货商店", region="371525", industry="5211")
    shop = make_enterprise("东阿县个体百货店", industry="5211", entity_type="individual_business")
    closed = make_enterprise("东阿县已注销企业", industry="5211")
    enterprise_update(actor=officials("bureau"), enterprise_id=closed.pk, status="cancelled")
    return {"guan": guan, "shop": shop, "closed": closed}


def admitted(county, **filters) -> set[str]:
    pool = Pool(agency=county["agency"], filters=filters)
    return set(pool_enterprises([pool], year=clock.local_year(), stratify="none", cap_exclusion=False)
               .values_list("uscc", flat=True))


def usccs(rows) -> set[str]:
    return {e.uscc for e in rows}


# --- Filters -------------------------------------------------------------------------------------------


def test_r24_pool_without_filters_admits_every_operating_enterprise(draw_county, varied):
    county, v = draw_county, varied
    everyone = usccs(county["enterprises"] + county["tiers"]["A"] + [v["guan"], v["shop"]])
    assert admitted(county) == everyone
    assert v["closed"].uscc not in admitted(county)


def test_r24_region_filter_includes_every_region_below(draw_county, varied):
    county, v = draw_county, varied
    assert admitted(county, regions=["371525"]) == {v["guan"].uscc}
    assert admitted(county, regions=["371500"]) == admitted(county)  # 聊城市 holds both counties
    assert admitted(county, regions=["370000"]) == admitted(county)
    assert admitted(county, regions=["371524"]) == admitted(county) - {v["guan"].uscc}
    assert admitted(county, regions=["110000"]) == set()


def test_r24_industry_filter_includes_every_industry_below(draw_county, varied):
    county, v = draw_county, varied
    retail = {v["guan"].uscc, v["shop"].uscc}
    assert admitted(county, industries=["F"]) == retail  # section → division 52 → group 521 → class 5211
    assert admitted(county, industries=["52"]) == retail
    assert admitted(county, industries=["5211"]) == retail
    assert admitted(county, industries=["27"]) == admitted(county) - retail
    assert admitted(county, industries=["51"]) == set()


def test_r24_entity_type_filter(draw_county, varied):
    county, v = draw_county, varied
    assert admitted(county, entity_types=["individual_business"]) == {v["shop"].uscc}
    assert admitted(county, entity_types=["legal_person", "individual_business"]) == admitted(county)


def test_r24_special_sectors_are_excluded_on_request(draw_county, varied):
    """Pharmaceutical manufacturing (GB/T 4754 division 27) keeps full supervision: out of the pool."""
    county, v = draw_county, varied
    assert admitted(county, exclude_special_sectors=True) == {v["guan"].uscc, v["shop"].uscc}


def test_r24_tier_filter_counts_the_ungraded_as_the_default_tier(draw_county, varied):
    county, v = draw_county, varied
    assert admitted(county, tiers=["C"]) == usccs(county["tiers"]["C"])
    assert admitted(county, tiers=["C", "D"]) == usccs(county["tiers"]["C"] + county["tiers"]["D"])
    # The ungraded are tier B by default: a B filter admits them too.
    assert admitted(county, tiers=["B"]) == usccs(county["tiers"]["B"]) | {v["guan"].uscc, v["shop"].uscc}
    # … still under the pool's other filters.
    assert admitted(county, tiers=["B"], regions=["371525"]) == {v["guan"].uscc}
    assert admitted(county, tiers=["B"], entity_types=["individual_business"]) == {v["shop"].uscc}
    assert admitted(county, tiers=["C"], industries=["52"]) == set()
    # Grading one of them C moves it.
    grade(county, [v["shop"]], "C")
    assert v["shop"].uscc in admitted(county, tiers=["C"]) and v["shop"].uscc not in admitted(county, tiers=["B"])


def test_r24_tier_filter_uses_the_agencys_own_grades(draw_county, varied, make_agency, make_user_plain):
    """Another agency's grade of an enterprise does not move it in this agency's pool."""
    county, v = draw_county, varied
    other = {"agency": make_agency("东阿县卫生健康局")}
    other["admin"] = make_user_plain("agency_admin", agency=other["agency"])
    grade(other, [v["guan"]], "D")
    assert v["guan"].uscc in admitted(county, tiers=["B"])
    assert v["guan"].uscc not in admitted(county, tiers=["D"])


def test_r21_r24_pool_enterprises_excludes_low_risk_and_capped_by_default(draw_county):
    county = draw_county
    pool = county["pool"]
    year = clock.local_year()
    eligible = set(pool_enterprises([pool], year=year).values_list("uscc", flat=True))
    assert eligible == usccs(county["enterprises"])
    strata = dict(pool_enterprises([pool], year=year).values_list("uscc", "stratum"))
    assert {strata[e.uscc] for e in county["tiers"]["C"]} == {"C"}


def test_r24_the_frame_follows_the_pool_filters(draw_county, varied, make_draw):
    county, v = draw_county, varied
    svc.pool_update(actor=county["admin"], pool_id=county["pool"].pk,
                    data={"filters": {"industries": ["52"], "tiers": ["B"]}})
    draw, _ = svc.draw_commit(actor=county["admin"], draw_id=make_draw(sample={"B": 1}).pk)
    frame = algorithm.frame_parse(blobs.blob_read(draw.frame_sha256))[0]
    shop = pseudonym_map(draw)  # the individual business is in the frame under its pseudonym (ADR 0017)
    assert sorted(frame) == sorted([("B", v["guan"].uscc), ("B", next(iter(shop)))])
    assert shop == {next(iter(shop)): v["shop"].uscc}
    assert draw.parameters["filters"] == {county["agency"].code: {"industries": ["52"], "tiers": ["B"]}}


# --- Managing pools ------------------------------------------------------------------------------------


def test_r24_pool_filters_are_normalised_and_audited(draw_county):
    county = draw_county
    pool = svc.pool_create(actor=county["admin"], name=" 零售对象库 ",
                           filters={"regions": "371525,371524 ,371524", "industries": ["5211", "52"],
                                    "entity_types": [], "exclude_special_sectors": 1}, note=" 测试 ")
    assert pool.name == "零售对象库" and pool.note == "测试"
    assert pool.filters == {"regions": ["371524", "371525"], "industries": ["52", "5211"],
                            "exclude_special_sectors": True}
    event = AuditEvent.objects.get(action="pool.create", subject_id=str(pool.pk))
    assert "零售对象库" in event.body
    svc.pool_update(actor=county["head"], pool_id=pool.pk, data={"active": False, "filters": {}})
    pool.refresh_from_db()
    assert pool.active is False and pool.filters == {}
    assert AuditEvent.objects.filter(action="pool.update", subject_id=str(pool.pk)).count() == 1


@pytest.mark.parametrize("filters, field", [
    ({"regions": ["999999"]}, "filters.regions"),
    ({"industries": ["Z9"]}, "filters.industries"),
    ({"entity_types": ["company"]}, "filters.entity_types"),
    ({"tiers": ["E"]}, "filters.tiers"),
    ({"color": ["red"]}, "filters.color"),
])
def test_r24_unknown_filter_codes_are_named(draw_county, filters, field):
    with pytest.raises(ValidationFailed) as caught:
        svc.pool_create(actor=draw_county["admin"], name="坏对象库", filters=filters)
    assert field in [e.field for e in caught.value.errors]
    bad = next(iter(filters.values()))[0]
    assert bad in caught.value.detail or field == "filters.color"
    assert not Pool.objects.filter(name="坏对象库").exists()


def test_r24_pool_names_are_required_and_unique_per_agency(draw_county, make_agency, make_user_plain):
    county = draw_county
    with pytest.raises(ValidationFailed):
        svc.pool_create(actor=county["admin"], name=" ")
    with pytest.raises(ValidationFailed):
        svc.pool_create(actor=county["admin"], name=county["pool"].name)
    other_admin = make_user_plain("agency_admin", agency=make_agency())
    assert svc.pool_create(actor=other_admin, name=county["pool"].name).pk


@pytest.mark.parametrize("role", ["officer", "department_head"])
def test_r24_only_admin_or_head_manage_pools(draw_county, role):
    county = draw_county
    with pytest.raises(PermissionDenied):
        svc.pool_create(actor=county["users"][role], name="无权建立")
    with pytest.raises(PermissionDenied):
        svc.pool_update(actor=county["users"][role], pool_id=county["pool"].pk, data={"name": "改名"})


def test_r24_pools_are_scoped_to_their_agency(draw_county, make_agency, make_user_plain):
    county = draw_county
    stranger = make_user_plain("agency_admin", agency=make_agency())
    with pytest.raises(NotFound):
        svc.pool_update(actor=stranger, pool_id=county["pool"].pk, data={"name": "别人的库"})
    with pytest.raises(NotFound):
        pool_get(actor=stranger, pool_id=county["pool"].pk)
    assert list(pools_for_actor(actor=stranger)) == []
    # County readers see every pool and change none.
    assert pool_get(actor=county["bureau"], pool_id=county["pool"].pk) == county["pool"]
    with pytest.raises(PermissionDenied):
        svc.pool_update(actor=county["bureau"], pool_id=county["pool"].pk, data={"name": "局里改名"})
    with pytest.raises(PermissionDenied):
        svc.pool_create(actor=county["bureau"], name="局里的库")
    county["pool"].refresh_from_db()
    assert county["pool"].name == "全县市场主体"


def test_r24_pool_update_refuses_unknown_fields(draw_county):
    with pytest.raises(ValidationFailed) as caught:
        svc.pool_update(actor=draw_county["admin"], pool_id=draw_county["pool"].pk, data={"agency": 1})
    assert caught.value.errors[0].field == "agency"


# --- The officer pool ----------------------------------------------------------------------------------


def test_r12_officer_pool_holds_qualified_officers_only(draw_county, make_officer, make_agency):
    county = draw_county
    today = clock.local_today()
    start, end = today + dt.timedelta(days=3), today + dt.timedelta(days=30)
    lapsing = make_officer(county["agency"], "证件将到期", valid_to=(today + dt.timedelta(days=10)).isoformat())
    future = make_officer(county["agency"], "证件未生效", valid_from=(today + dt.timedelta(days=5)).isoformat())
    officers = pool_officers(county["pool"], window_start=start, window_end=end)
    assert {o.pk for o in officers} == {o.pk for o in county["officers"]}
    assert lapsing not in officers and future not in officers
    # Listing officers narrows the pool to them; an officer of another agency cannot be listed.
    svc.pool_update(actor=county["admin"], pool_id=county["pool"].pk,
                    data={"officer_ids": [o.pk for o in county["officers"][:3]] + [lapsing.pk]})
    listed = pool_officers(county["pool"], window_start=start, window_end=end)
    assert {o.pk for o in listed} == {o.pk for o in county["officers"][:3]}
    stranger = make_officer(make_agency())
    with pytest.raises(ValidationFailed) as caught:
        svc.pool_update(actor=county["admin"], pool_id=county["pool"].pk, data={"officer_ids": [stranger.pk]})
    assert caught.value.errors[0].field == "officers"


# --- What changed since the last draw ------------------------------------------------------------------


def test_r24_pool_changes_since_the_last_draw(draw_county, make_draw, make_enterprise, make_officer, officials):
    from clearcheck.registry.services import enterprise_update, officer_update

    county = draw_county
    year = clock.local_year()
    assert pool_changes(county["pool"], year=year) is None
    svc.draw_commit(actor=county["admin"], draw_id=make_draw().pk)
    unchanged = pool_changes(county["pool"], year=year)
    assert unchanged["enterprises_added"] == [] and unchanged["enterprises_removed"] == []
    assert unchanged["officers_added"] == [] and unchanged["officers_removed"] == []
    assert unchanged["enterprises_now"] == 24

    newcomer = make_enterprise("东阿县新设企业")
    leaver = county["tiers"]["C"][0]
    enterprise_update(actor=officials("bureau"), enterprise_id=leaver.pk, status="revoked")
    recruit = make_officer(county["agency"], "新任执法员")
    officer_update(actor=officials("bureau"), officer_id=county["officers"][0].pk, status="suspended")

    changes = pool_changes(county["pool"], year=year)
    assert changes["enterprises_added"] == [newcomer.uscc] and changes["enterprises_added_count"] == 1
    assert changes["enterprises_removed"] == [leaver.uscc] and changes["enterprises_removed_count"] == 1
    assert changes["officers_added"] == [recruit.credential_no]
    assert changes["officers_removed"] == [county["officers"][0].credential_no]
    assert changes["enterprises_now"] == 24


def test_r24_pool_changes_counts_stay_exact_beyond_the_list_limit(draw_county, make_draw, make_enterprise):
    county = draw_county
    svc.draw_commit(actor=county["admin"], draw_id=make_draw().pk)
    for _ in range(4):
        make_enterprise()
    changes = pool_changes(county["pool"], year=clock.local_year(), limit=2)
    assert len(changes["enterprises_added"]) == 2 and changes["enterprises_added_count"] == 4
