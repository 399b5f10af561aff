"""Risk tiers (分级分类): default scheme, scheme updates, credit ratings, manual and scored grading with
explanations, history, and the enterprise file's summary (R21).
"""

import json

import pytest
from django.test import Client

from clearcheck.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearcheck.planning.models import Tier
from clearcheck.planning.selectors.tiers import tier_current, tier_history, tiers_current_for
from clearcheck.planning.services import tiers as svc

from .test_tasks_fixtures import *  # noqa: F403 (the shared fixtures)
from .test_tasks_fixtures import tier_set

pytestmark = pytest.mark.django_db


def test_default_scheme_a_to_d(plan_county):
    tiers = svc.tier_scheme_ensure(plan_county["agency"])
    assert [(t.code, t.rank, t.annual_cap, str(t.sampling_ratio)) for t in tiers] == [
        ("A", 1, 0, "0.0200"), ("B", 2, 1, "0.0500"), ("C", 3, 2, "0.1000"), ("D", 4, 4, "0.2000")]
    assert svc.tier_scheme_ensure(plan_county["agency"].pk) == tiers  # idempotent


def test_ungraded_enterprise_gets_the_settings_default_tier(plan_county):
    assert tier_current(plan_county["agency"].pk, plan_county["enterprise"].pk).code == "B"


def test_manual_assignment_needs_a_reason_and_keeps_history(plan_county):
    with pytest.raises(ValidationFailed) as exc:
        svc.enterprise_tier_assign(actor=plan_county["admin"], agency=plan_county["agency"],
                                   enterprise=plan_county["enterprise"], tier_code="C", reason=" ")
    assert [e.field for e in exc.value.errors] == ["reason"]
    first = tier_set(plan_county, "C")
    second = tier_set(plan_county, "D")
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert tier_current(plan_county["agency"].pk, plan_county["enterprise"].pk).code == "D"
    history = tier_history(actor=plan_county["admin"], enterprise_id=plan_county["enterprise"].pk)
    assert [r.tier.code for r in history] == ["D", "C"]


def test_unknown_tier_code_is_refused(plan_county):
    with pytest.raises(ValidationFailed):
        tier_set(plan_county, "Z")


def test_only_the_agency_admin_or_head_grades(plan_county, make_user_plain, make_agency):
    with pytest.raises(PermissionDenied):
        svc.enterprise_tier_assign(actor=plan_county["users"]["officer"], agency=plan_county["agency"],
                                   enterprise=plan_county["enterprise"], tier_code="C", reason="x")
    with pytest.raises(PermissionDenied):
        svc.enterprise_tier_assign(actor=plan_county["bureau"], agency=plan_county["agency"],
                                   enterprise=plan_county["enterprise"], tier_code="C", reason="x")
    stranger = make_user_plain("agency_admin", agency=make_agency())
    with pytest.raises(NotFound):
        svc.enterprise_tier_assign(actor=stranger, agency=plan_county["agency"],
                                   enterprise=plan_county["enterprise"], tier_code="C", reason="x")


def test_credit_rating_is_set_by_the_bureau(plan_county):
    with pytest.raises(PermissionDenied):
        svc.credit_rating_set(actor=plan_county["admin"], enterprise=plan_county["enterprise"], rating="C",
                              source="信用中国")
    with pytest.raises(ValidationFailed):
        svc.credit_rating_set(actor=plan_county["bureau"], enterprise=plan_county["enterprise"], rating="E",
                              source="信用中国")
    credit = svc.credit_rating_set(actor=plan_county["bureau"], enterprise=plan_county["enterprise"], rating="C",
                                   source="信用中国(山东)")
    assert credit.rating == "C"
    assert svc.credit_rating_set(actor=plan_county["bureau"], enterprise=plan_county["enterprise"], rating="A",
                                 source="修复").pk == credit.pk


def test_score_explains_each_factor():
    result = svc.tier_score_explain(credit_rating="C", violations=2, complaints=1, industry_code="2740",
                                    tier_codes=["A", "B", "C", "D"])
    points = {f["factor"]: f["points"] for f in result["factors"]}
    assert points == {"credit": 25, "violations": 20, "complaints": 5, "industry": 20}
    assert result["score"] == 70 and result["tier"] == "C"
    low = svc.tier_score_explain(credit_rating="A", violations=0, complaints=0, industry_code="5110",
                                 tier_codes=["A", "B", "C", "D"])
    assert (low["score"], low["tier"]) == (0, "A")
    high = svc.tier_score_explain(credit_rating="D", violations=9, complaints=9, industry_code="26",
                                  tier_codes=["A", "B", "C", "D"])
    assert (high["score"], high["tier"]) == (100, "D")
    assert svc.industry_risk("6210") == "medium" and svc.industry_risk(None) == "low"


def test_scored_grade_is_stored_with_its_explanation(plan_county):
    svc.credit_rating_set(actor=plan_county["bureau"], enterprise=plan_county["enterprise"], rating="B",
                          source="信用中国")
    row = svc.enterprise_tier_score(actor=plan_county["admin"], agency=plan_county["agency"],
                                    enterprise=plan_county["enterprise"], violations=1, complaints=0)
    explanation = json.loads(row.explanation)
    assert row.method == "scored" and row.score == 40 and row.tier.code == "B"  # 10 + 10 + 0 + 20 (医药)
    assert [f["factor"] for f in explanation["factors"]] == ["credit", "violations", "complaints", "industry"]
    assert row.explanation == json.dumps(explanation, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with pytest.raises(ValidationFailed):
        svc.enterprise_tier_score(actor=plan_county["admin"], agency=plan_county["agency"],
                                  enterprise=plan_county["enterprise"], violations=-1, complaints=0)


def test_scheme_update_validates_and_keeps_used_tiers(plan_county):
    agency = plan_county["agency"]
    rows = [{"code": "A", "name": "低", "annual_cap": 0, "sampling_ratio": "0.01"},
            {"code": "B", "name": "中", "annual_cap": 2, "sampling_ratio": "0.05"},
            {"code": "C", "name": "高", "annual_cap": 3, "sampling_ratio": "0.3"}]
    tiers = svc.tier_scheme_update(actor=plan_county["head"], agency=agency, tiers=rows)
    assert [(t.code, t.rank, t.annual_cap) for t in tiers] == [("A", 1, 0), ("B", 2, 2), ("C", 3, 3)]
    tier_set(plan_county, "C")
    with pytest.raises(ValidationFailed):  # C is in use
        svc.tier_scheme_update(actor=plan_county["head"], agency=agency, tiers=rows[:2])
    with pytest.raises(ValidationFailed):  # the lowest tier has no proactive inspections (R21)
        svc.tier_scheme_update(actor=plan_county["head"], agency=agency,
                               tiers=[{**rows[0], "annual_cap": 1}, rows[1], rows[2]])
    with pytest.raises(ValidationFailed):  # caps rise with risk
        svc.tier_scheme_update(actor=plan_county["head"], agency=agency, tiers=[rows[0], rows[2], rows[1]])
    with pytest.raises(ValidationFailed):  # the ungraded default B must stay
        svc.tier_scheme_update(actor=plan_county["head"], agency=agency,
                               tiers=[rows[0], {**rows[1], "code": "X"}, rows[2]])
    swapped = svc.tier_scheme_update(actor=plan_county["admin"], agency=agency,
                                     tiers=[rows[0], {**rows[1], "annual_cap": 3}, rows[2]])
    assert [t.annual_cap for t in swapped] == [0, 3, 3]
    assert Tier.objects.filter(agency=agency).count() == 3


def test_tiers_current_for_is_one_batch(plan_county, make_enterprise, django_assert_max_num_queries):
    graded = plan_county["enterprise"]
    tier_set(plan_county, "D")
    others = [make_enterprise() for _ in range(3)]
    svc.tier_scheme_ensure(plan_county["agency"])
    with django_assert_max_num_queries(3):
        result = tiers_current_for(plan_county["agency"].pk, [graded.pk, *[o.pk for o in others]])
    assert result[graded.pk].code == "D" and {result[o.pk].code for o in others} == {"B"}


def test_enterprise_file_shows_each_agencys_tier_and_count(plan_county, approved_task, make_user_plain):
    """R21: the enterprise file shows each agency's current tier, why, and this year's count against the cap."""
    tier_set(plan_county, "C")
    approved_task()
    client = Client()
    client.force_login(plan_county["bureau"])
    html = client.get(f"/work/registry/enterprises/{plan_county['enterprise'].pk}/").content.decode()
    block = html[html.index('id="enterprise-planning"'):]
    assert plan_county["agency"].name in block and "测试评定" in block
    assert "C 级年度上限 2 次</strong>:本年度计入上限的检查已安排 1 次" in block
    owner = Client()
    owner.force_login(make_user_plain("enterprise", enterprise=plan_county["enterprise"]))
    html = owner.get(f"/work/registry/enterprises/{plan_county['enterprise'].pk}/").content.decode()
    assert "本年度计入上限的检查已安排 1 次" in html and "测试评定" not in html  # counts, not the agency's reasons
