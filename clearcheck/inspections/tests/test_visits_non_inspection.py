"""R26: non-inspection visits (督查, 调查, 巡查 …) scan to enter like inspections and leave a trace, but carry
no tasks, no cap and no inspection record, and are counted apart. R25: a third party never checks in.
"""

import pytest

from clearcheck.core.errors import RuleViolation, ValidationFailed
from clearcheck.inspections.models import OnSiteRecord, Visit, VisitOfficer, VisitTask
from clearcheck.inspections.selectors.visits import enterprise_year_summary
from clearcheck.inspections.services.visits import visit_confirm, visit_start_non_inspection
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.models import CapUsage
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def start(county, *, user=None, kind="patrol", purpose="安全生产巡查", officers=None, key="n1", **entry):
    if not entry:
        entry = {"token": codes.enterprise_code_token(county["code"])}
    return visit_start_non_inspection(actor=user or county["officer_users"][0], kind=kind, purpose=purpose,
                                      officer_ids=[o.pk for o in (officers or [])], idempotency_key=key, **entry)


def test_r26_non_inspection_visit_scans_and_opens_without_tasks_record_or_cap(onsite_county):
    county = onsite_county
    visit = start(county, officers=[county["officers"][1]])
    assert visit.kind == "patrol" and visit.status == "open" and visit.entry_method == "code"
    assert visit.purpose == "安全生产巡查" and not visit.cap_counted
    assert not VisitTask.objects.filter(visit=visit).exists()
    assert not OnSiteRecord.objects.filter(visit=visit).exists()
    assert not CapUsage.objects.filter(visited_count__gt=0).exists()
    team = VisitOfficer.objects.filter(visit=visit).order_by("id")
    assert [(vo.officer_id, vo.confirmed_at is not None) for vo in team] == [
        (county["officers"][0].pk, True), (county["officers"][1].pk, False)]
    # The colleague confirms on their own account: the trace shows who entered.
    visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert VisitOfficer.objects.filter(visit=visit, confirmed_at__isnull=False).count() == 2


def test_r26_counted_apart_from_inspections(onsite_county, open_visit):
    county = onsite_county
    open_visit()
    start(county, kind="investigation", purpose="核实群众反映的噪声问题")
    summary = enterprise_year_summary(county["enterprise_user"])
    assert (summary["inspections"], summary["non_inspections"]) == (1, 1)


def test_r26_kind_must_be_a_non_inspection_kind_and_purpose_is_required(onsite_county):
    county = onsite_county
    for kind in ("inspection", "party", ""):
        with pytest.raises(ValidationFailed) as caught:
            start(county, kind=kind)
        assert caught.value.errors[0].field == "kind"
    with pytest.raises(ValidationFailed) as caught:
        start(county, purpose="  ")
    assert caught.value.errors[0].field == "purpose"
    assert not Visit.objects.exists()


def test_r26_r11_geolocated_entry_must_be_within_the_radius(onsite_county):
    county = onsite_county
    lat, lng = point_north(301)  # noqa: F405
    with pytest.raises(RuleViolation) as caught:
        start(county, enterprise_id=county["enterprise"].pk, latitude=lat, longitude=lng)
    assert caught.value.rule_id == "R11"
    lat, lng = point_north(250)  # noqa: F405
    visit = start(county, enterprise_id=county["enterprise"].pk, latitude=lat, longitude=lng, key="n2")
    assert visit.entry_method == "geolocation" and visit.distance_m == 250


def test_r11_forged_code_is_refused_for_non_inspection_visits_too(onsite_county):
    with pytest.raises(RuleViolation) as caught:
        start(onsite_county, token="v1.ed25519.x.y.z")
    assert caught.value.rule_id == "R11"


def test_r25_a_third_party_never_checks_in_even_for_a_non_inspection_visit(onsite_county, make_officer,
                                                                          make_user_plain):
    county = onsite_county
    outsider = make_officer(county["agency"], "检测机构人员", personnel_type="third_party")
    with pytest.raises(RuleViolation) as caught:
        start(county, officers=[outsider])
    assert caught.value.rule_id == "R25"
    account = make_user_plain("officer", agency=county["agency"], officer=outsider)
    with pytest.raises(RuleViolation) as caught:
        start(county, user=account, key="n2")
    assert caught.value.rule_id == "R25"
    assert not Visit.objects.exists()


def test_r26_grid_worker_may_come_along_on_a_patrol(onsite_county, make_officer):
    """R12 bars auxiliary staff from inspections; a non-inspection patrol may include them (recorded)."""
    county = onsite_county
    grid = make_officer(county["agency"], "网格员刘", personnel_type="grid_worker")
    visit = start(county, officers=[grid])
    assert VisitOfficer.objects.filter(visit=visit, officer=grid).exists()


def test_r13_recused_officer_cannot_enter_for_a_non_inspection_visit(onsite_county):
    from clearcheck.registry.recusals import recusal_request_decide, recusal_request_file

    county = onsite_county
    request = recusal_request_file(actor=county["enterprise_user"], officer_id=county["officers"][1].pk,
                                   reason="利害关系")
    recusal_request_decide(actor=county["head"], request_id=request.pk, grant=True, reason="属实")
    with pytest.raises(RuleViolation) as caught:
        start(county, officers=[county["officers"][1]])
    assert caught.value.rule_id == "R13"


def test_team_must_be_of_the_initiators_agency(onsite_county, make_agency, make_officer):
    stranger = make_officer(make_agency(), "外单位人员")
    with pytest.raises(ValidationFailed) as caught:
        start(onsite_county, officers=[stranger])
    assert caught.value.errors[0].field == "officer_ids"


def test_r26_retry_with_the_same_key_returns_the_same_visit(onsite_county):
    county = onsite_county
    first = start(county, key="same")
    again = start(county, key="same")
    assert again.pk == first.pk and again.replayed and Visit.objects.count() == 1
