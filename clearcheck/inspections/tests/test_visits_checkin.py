"""Check-in refusals at the scan (扫码入企): R11 (code and position), R06/R10 (plan matching), R01, R02,
R12, R13, R25. Every refusal names its rule; nothing is written when one is raised.
"""

import datetime as dt

import prcoords
import pytest

from clearcheck.core.errors import Conflict, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.inspections.models import Visit, VisitOfficer, VisitTask
from clearcheck.inspections.services.visits import visit_start_by_code, visit_start_by_location
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


def token_of(county) -> str:
    return codes.enterprise_code_token(county["code"])


def scan(county, user=None, *, task=None, key="k1", token=None, **extra):
    user = user or county["officer_users"][0]
    return visit_start_by_code(actor=user, token=token or token_of(county), task_ids=[(task or county["task"]).pk],
                               idempotency_key=key, **extra)


def geo(county, lat, lng, *, user=None, key="g1", **extra):
    user = user or county["officer_users"][0]
    return visit_start_by_location(actor=user, enterprise_id=county["enterprise"].pk, task_ids=[county["task"].pk],
                                   latitude=lat, longitude=lng, idempotency_key=key, **extra)


def refused(rule: str, call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert caught.value.rule_id == rule, caught.value.detail
    assert not Visit.objects.exists()
    return caught.value


# --- R11: the code ----------------------------------------------------------------------------------


def test_r11_scan_of_the_current_code_starts_a_pending_visit_with_the_team(onsite_county):
    visit = scan(onsite_county)
    assert visit.status == "pending" and visit.entry_method == "code" and visit.code_version == 1
    assert visit.kind == "inspection" and visit.agency == onsite_county["agency"]
    team = {vo.officer_id: vo for vo in VisitOfficer.objects.filter(visit=visit)}
    first, second = onsite_county["officers"]
    assert team[first.pk].initiator and team[first.pk].confirmed_at is not None  # the scan is a confirmation
    assert not team[second.pk].initiator and team[second.pk].confirmed_at is None
    assert team[first.pk].credential_no == first.credential_no
    assert VisitTask.objects.get(visit=visit).active
    assert (visit.confirm_deadline - visit.started_at) == dt.timedelta(minutes=10)


def test_r11_forged_token_is_refused(onsite_county):
    version, suite, kid, payload, _ = token_of(onsite_county).split(".")
    forged = f"{version}.{suite}.{kid}.{payload}.{codes.b64url(b'x' * 64)}"
    error = refused("R11", scan, onsite_county, token=forged)
    assert "伪造" in error.plain


def test_r11_old_revoked_version_is_refused(onsite_county, officials):
    county = onsite_county
    old = token_of(county)
    codes.enterprise_code_issue(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, reason="海报损坏")
    codes.enterprise_code_revoke(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, version=1,
                                 reason="旧码作废")
    error = refused("R11", scan, county, token=old)
    assert "已作废" in error.plain


def test_r11_code_revoked_between_scan_and_confirmation_stops_the_opening(onsite_county, officials):
    from clearcheck.inspections.services.visits import visit_confirm

    county = onsite_county
    visit = scan(county)
    codes.enterprise_code_issue(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, reason="换新")
    codes.enterprise_code_revoke(actor=officials("bureau"), enterprise_id=county["enterprise"].pk, version=1,
                                 reason="作废")
    with pytest.raises(RuleViolation) as caught:
        visit_confirm(actor=county["officer_users"][1], visit_id=visit.pk)
    assert caught.value.rule_id == "R11"
    visit.refresh_from_db()
    assert visit.status == "pending"


def test_r11_a_position_sent_with_the_scan_is_kept_with_its_distance(onsite_county):
    lat, lng = point_north(120)  # noqa: F405
    visit = scan(onsite_county, latitude=lat, longitude=lng)
    assert visit.entry_method == "code" and abs(visit.distance_m - 120) <= 1


# --- R11: geolocated check-in -----------------------------------------------------------------------


def test_r11_geolocated_check_in_at_299_metres_is_accepted(onsite_county):
    lat, lng = point_north(299)  # noqa: F405
    visit = geo(onsite_county, lat, lng, accuracy_m=15)
    assert visit.entry_method == "geolocation" and visit.distance_m == 299 and visit.accuracy_m == 15
    assert visit.code_version is None and float(visit.latitude) == lat


def test_r11_geolocated_check_in_at_301_metres_is_refused(onsite_county):
    lat, lng = point_north(301)  # noqa: F405
    error = refused("R11", geo, onsite_county, lat, lng)
    assert "301 米" in error.plain and "300 米" in error.plain


def test_r11_radius_is_configurable(onsite_county, settings):
    settings.CLEARCHECK_CHECKIN_RADIUS_M = 500
    lat, lng = point_north(450)  # noqa: F405
    assert geo(onsite_county, lat, lng).distance_m == 450


def test_r11_gcj02_position_is_converted_to_wgs84_before_comparing(onsite_county):
    """高德/腾讯 (GCJ-02) put the site ~500 m away; converted first, the check-in is at the site."""
    gcj = prcoords.wgs_gcj(prcoords.Coords(*onsite_county["site"]))
    refused("R11", geo, onsite_county, gcj.lat, gcj.lon)  # the same numbers taken as WGS-84: ~500 m off
    visit = geo(onsite_county, gcj.lat, gcj.lon, datum="gcj02", key="g2")
    assert visit.distance_m <= 2
    assert abs(float(visit.latitude) - onsite_county["site"][0]) < 0.00002  # stored in WGS-84


def test_r11_bd09_position_is_converted_too(onsite_county):
    bd = prcoords.wgs_bd(prcoords.Coords(*onsite_county["site"]))
    assert geo(onsite_county, bd.lat, bd.lon, datum="bd09").distance_m <= 2


def test_r11_enterprise_without_registered_location_cannot_check_in_by_position(onsite_county):
    from clearcheck.registry.models import Enterprise

    Enterprise.objects.filter(pk=onsite_county["enterprise"].pk).update(latitude=None, longitude=None)
    error = refused("R11", geo, onsite_county, *onsite_county["site"])
    assert "没有登记经纬度" in error.plain and "企业码" in error.plain


def test_r11_missing_or_bad_position_is_a_validation_error(onsite_county):
    with pytest.raises(ValidationFailed):
        geo(onsite_county, None, None)
    with pytest.raises(ValidationFailed):
        geo(onsite_county, 120, 116, key="g2")
    with pytest.raises(ValidationFailed):
        geo(onsite_county, *onsite_county["site"], datum="mars", key="g3")


# --- R06 / R10: plan matching -----------------------------------------------------------------------


def test_r06_a_task_not_yet_approved_is_refused(onsite_county, make_task):
    error = refused("R06", scan, onsite_county, task=make_task(source="complaint", inspection_type="case"))
    assert "未经批准" in error.plain


def test_r06_a_task_outside_its_window_is_refused(onsite_county, approved_task, plan_county):
    from clearcheck.core import clock

    later = approved_task(source="complaint", inspection_type="case",
                          window_start=clock.local_today() + dt.timedelta(days=3),
                          window_end=clock.local_today() + dt.timedelta(days=9))
    error = refused("R06", scan, onsite_county, task=later)
    assert "不在其中" in error.plain


def test_r06_a_task_of_another_enterprise_does_not_match_the_scan(onsite_county, approved_task, plan_county):
    from clearcheck.core import clock

    elsewhere = approved_task(source="complaint", inspection_type="case", enterprise=plan_county["other_enterprise"],
                              window_start=clock.local_today())
    error = refused("R06", scan, onsite_county, task=elsewhere)
    assert "不匹配" in error.plain


def test_r06_no_task_is_refused(onsite_county):
    with pytest.raises(RuleViolation) as caught:
        visit_start_by_code(actor=onsite_county["officer_users"][0], token=token_of(onsite_county), task_ids=[],
                            idempotency_key="k")
    assert caught.value.rule_id == "R06"


def test_r06_an_officer_not_on_the_task_team_is_refused(onsite_county, make_officer, make_user_plain):
    county = onsite_county
    colleague = make_user_plain("officer", agency=county["agency"], officer=make_officer(county["agency"], "赵磊"))
    error = refused("R06", scan, county, colleague)
    assert "赵磊" in error.plain


def test_r10_urgent_task_records_source_and_reason_on_the_visit(onsite_county, make_task, plan_county):
    from clearcheck.core import clock
    from clearcheck.planning.services.tasks import task_start_urgent

    task = make_task(source="sudden_event", inspection_type="case", window_start=clock.local_today())
    task_start_urgent(actor=plan_county["admin"], task_id=task.pk, reason="群众举报车间起火隐患")
    visit = scan(onsite_county, task=task)
    assert visit.urgent and "突发情况" in visit.urgent_reason and "群众举报车间起火隐患" in visit.urgent_reason


# --- R01 / R02 ---------------------------------------------------------------------------------------


def test_r01_an_agency_no_longer_active_cannot_check_in(onsite_county, officials):
    from clearcheck.registry.services import agency_update

    agency_update(actor=officials("bureau"), agency_id=onsite_county["agency"].pk, reason="机构改革",
                  status="suspended")
    refused("R01", scan, onsite_county)


def test_r02_an_item_withdrawn_from_the_published_list_cannot_be_inspected(onsite_county):
    from clearcheck.catalog.services.items import item_withdraw

    item_withdraw(actor=onsite_county["admin"], item_id=onsite_county["items"]["food"].pk, reason="事项取消")
    refused("R02", scan, onsite_county)


# --- R12 / R25 / R13: the officers -------------------------------------------------------------------


def test_r12_an_auxiliary_cannot_check_in(onsite_county, make_officer, make_user_plain):
    county = onsite_county
    helper = make_user_plain("officer", agency=county["agency"],
                             officer=make_officer(county["agency"], "协管员", personnel_type="auxiliary"))
    error = refused("R12", scan, county, helper)
    assert "执法辅助人员" in error.plain


def test_r25_a_third_party_never_checks_in(onsite_county, make_officer, make_user_plain):
    county = onsite_county
    outsider = make_user_plain("officer", agency=county["agency"],
                               officer=make_officer(county["agency"], "评估公司员工", personnel_type="third_party"))
    error = refused("R25", scan, county, outsider)
    assert "第三方" in error.plain


def test_r12_a_credential_that_expired_yesterday_is_refused(onsite_county, officials):
    from clearcheck.core import clock
    from clearcheck.registry.models import Officer

    first = onsite_county["officers"][0]
    Officer.objects.filter(pk=first.pk).update(valid_to=clock.local_today() - dt.timedelta(days=1))
    error = refused("R12", scan, onsite_county)
    assert "不在有效期内" in error.plain


def test_r12_a_suspended_credential_is_refused(onsite_county, officials):
    from clearcheck.registry.services import officer_update

    officer_update(actor=officials("bureau"), officer_id=onsite_county["officers"][0].pk, status="suspended")
    refused("R12", scan, onsite_county)


def test_r13_a_recused_officer_cannot_check_in(onsite_county):
    from clearcheck.registry.recusals import recusal_request_decide, recusal_request_file

    county = onsite_county
    first = county["officers"][0]
    request = recusal_request_file(actor=county["enterprise_user"], officer_id=first.pk, reason="近亲属关系")
    recusal_request_decide(actor=county["head"], request_id=request.pk, grant=True, reason="属实")
    error = refused("R13", scan, county)
    assert first.name in error.plain


def test_only_an_officer_account_scans(onsite_county):
    with pytest.raises(PermissionDenied):
        scan(onsite_county, onsite_county["admin"])
    with pytest.raises(PermissionDenied):
        scan(onsite_county, onsite_county["enterprise_user"])


# --- one active visit per task -----------------------------------------------------------------------


def test_a_task_is_in_at_most_one_active_visit(onsite_county):
    county = onsite_county
    first = scan(county)
    with pytest.raises(Conflict) as caught:
        scan(county, county["officer_users"][1], key="other")
    assert f"#{first.pk}" in caught.value.detail
    assert Visit.objects.count() == 1


def test_a_pending_visit_past_its_deadline_frees_the_task_for_a_new_scan(onsite_county, frozen_now):
    county = onsite_county
    first = scan(county)
    frozen_now.advance(minutes=10, seconds=1)
    second = scan(county, county["officer_users"][1], key="other")
    first.refresh_from_db()
    assert first.status == "expired" and second.status == "pending"
    assert list(VisitTask.objects.filter(active=True).values_list("visit_id", flat=True)) == [second.pk]


# --- Cost --------------------------------------------------------------------------------------------


def test_a_start_reads_the_code_once_and_skips_the_opening_when_one_officer_cannot_open(onsite_county,
                                                                                         monkeypatch):
    """A two-officer start: the code's signature is opened once, what the rules need is read in a handful of
    statements (``checkin_reads``), nothing written is read back, and the opening's re-reads are skipped
    since the initiator alone cannot meet R14 (issue 4's benchmark, docs/performance.md §4).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clearcheck.inspections.services import visits
    from clearcheck.planning.selectors.tiers import tier_scheme

    tier_scheme(onsite_county["agency"].pk)  # created on first use: not part of a start's cost
    opened, opens = [], []
    code_open, open_if_ready = visits.enterprise_code_open, visits._open_if_ready
    monkeypatch.setattr(visits, "enterprise_code_open", lambda token: opened.append(token) or code_open(token))
    monkeypatch.setattr(visits, "_open_if_ready", lambda **kw: opens.append(kw) or open_if_ready(**kw))
    with CaptureQueriesContext(connection) as queries:
        visit = scan(onsite_county)
    assert visit.status == "pending" and len(opened) == 1 and not opens
    sql = [q["sql"] for q in queries]
    # savepoint, the scan, the busy tasks, the tasks with items and officers, the tier (this task's
    # source is exempt from the cap: three reads), 4 inserts (visit, tasks, team, audit), release.
    assert len(sql) <= 15, "\n".join(sql)
    assert not any(q.startswith("SELECT") and "inspections_visitofficer" in q.split("FROM")[1] for q in sql)
    assert scan(onsite_county).pk == visit.pk and len(opened) == 2  # a retry compares the code's enterprise
