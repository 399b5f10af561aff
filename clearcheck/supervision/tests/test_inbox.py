"""Alert inboxes: assignment rules, filters and counts, scoping (agency A never sees agency B's alert: list,
detail, API), the alert's history on its page, reopen, and a bounded number of queries on the list.
"""

import pytest
from django.test import Client

from clearcheck.alerts import selectors, services
from clearcheck.alerts.selectors import AlertFilters
from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


@pytest.fixture
def alerts(county):
    raise_ = services.alert_raise
    return {
        "mine": raise_(rule_id="R05", subject=("x", 1), facts={"year": 2026}, agency=county["agency"],
                       subject_label="东阿县市场监督管理局 未备案"),
        "mine_high": raise_(rule_id="R29", subject=("x", 2), facts={}, agency=county["agency"], severity="high",
                            subject_label="阿胶企业拒绝未扫码检查"),
        "theirs": raise_(rule_id="R19", subject=("x", 3), facts={}, agency=county["other_agency"],
                         subject_label="应急局责令改正逾期"),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_bureau_assigns_to_the_alert_agencys_manager_or_bureau_but_not_elsewhere(county, alerts, make_user):
    users = county["users"]
    services.alert_assign(actor=users["bureau"], alert_id=alerts["mine"].pk, assignee_id=users["agency_head"].pk)
    assert selectors.alert_get_for_actor(actor=users["bureau"], alert_id=alerts["mine"].pk).assignee == \
        users["agency_head"]
    stranger = make_user("agency_admin", agency=county["other_agency"])
    for assignee in (stranger, users["officer"], users["discipline"], users["enterprise"]):
        with pytest.raises(ValidationFailed) as info:
            services.alert_assign(actor=users["bureau"], alert_id=alerts["mine"].pk, assignee_id=assignee.pk)
        assert info.value.errors[0].field == "assignee_id"
    event = AuditEvent.objects.get(action="alert.assign")
    assert event.subject_id == str(alerts["mine"].pk)


@pytest.mark.django_db
def test_agency_manager_assigns_within_own_agency_only(county, alerts):
    users = county["users"]
    services.alert_acknowledge(actor=users["agency_admin"], alert_id=alerts["mine"].pk)  # admin takes it
    services.alert_assign(actor=users["agency_admin"], alert_id=alerts["mine"].pk, assignee_id=users["agency_head"].pk)
    assert selectors.alert_get_for_actor(actor=users["bureau"], alert_id=alerts["mine"].pk).assignee == \
        users["agency_head"]
    with pytest.raises(ValidationFailed):  # the bureau is outside the agency's choice
        services.alert_assign(actor=users["agency_admin"], alert_id=alerts["mine"].pk, assignee_id=users["bureau"].pk)
    with pytest.raises(NotFound):  # another agency's alert is not even visible
        services.alert_assign(actor=users["agency_admin"], alert_id=alerts["theirs"].pk,
                              assignee_id=users["agency_head"].pk)
    with pytest.raises(PermissionDenied):  # discipline reads but never acts
        services.alert_assign(actor=users["discipline"], alert_id=alerts["mine"].pk, assignee_id=users["bureau"].pk)
    with pytest.raises(PermissionDenied):
        services.alert_acknowledge(actor=users["discipline"], alert_id=alerts["mine"].pk)


@pytest.mark.django_db
def test_resolve_without_note_is_refused_then_reopen_by_bureau_only(county, alerts):
    users, pk = county["users"], alerts["mine"].pk
    with pytest.raises(ValidationFailed):
        services.alert_resolve(actor=users["bureau"], alert_id=pk, note="")
    services.alert_resolve(actor=users["bureau"], alert_id=pk, note="已督促备案")
    with pytest.raises(Conflict):
        services.alert_resolve(actor=users["bureau"], alert_id=pk, note="again")
    with pytest.raises(ValidationFailed):
        services.alert_assign(actor=users["bureau"], alert_id=pk, assignee_id=users["bureau"].pk)
    with pytest.raises(PermissionDenied):
        services.alert_reopen(actor=users["agency_admin"], alert_id=pk, reason="未整改")
    with pytest.raises(ValidationFailed):
        services.alert_reopen(actor=users["bureau"], alert_id=pk, reason=" ")
    reopened = services.alert_reopen(actor=users["bureau"], alert_id=pk, reason="复核发现仍未备案")
    assert reopened.state == "open" and reopened.resolution_note == "" and reopened.resolved_at is None


@pytest.mark.django_db
def test_filters_counts_and_agency_filter_only_for_county_roles(county, alerts):
    users = county["users"]
    bureau, admin = users["bureau"], users["agency_admin"]
    services.alert_acknowledge(actor=admin, alert_id=alerts["mine"].pk)  # admin becomes the assignee
    assert selectors.alert_state_counts(actor=bureau) == {"open": 2, "acknowledged": 1, "resolved": 0}
    assert selectors.alert_state_counts(actor=admin) == {"open": 1, "acknowledged": 1, "resolved": 0}
    assert list(selectors.alert_list_for_actor(actor=bureau, filters=AlertFilters(severity="high"))) == \
        [alerts["mine_high"]]
    assert list(selectors.alert_list_for_actor(actor=bureau, filters=AlertFilters(q="应急局"))) == [alerts["theirs"]]
    assert list(selectors.alert_list_for_actor(actor=bureau, filters=AlertFilters(rule_id="r19"))) == \
        [alerts["theirs"]]
    assert list(selectors.alert_list_for_actor(actor=admin, filters=AlertFilters(assigned_to_me=True))) == \
        [alerts["mine"]]
    other = county["other_agency"].pk
    assert list(selectors.alert_list_for_actor(actor=bureau, filters=AlertFilters(agency_id=other))) == \
        [alerts["theirs"]]
    # An agency cannot widen its scope with the agency filter.
    assert not selectors.alert_list_for_actor(actor=admin, filters=AlertFilters(agency_id=other)).filter(
        pk=alerts["theirs"].pk).exists()


@pytest.mark.django_db
def test_agency_never_sees_another_agencys_alert_on_pages_or_api(county, alerts):
    client = client_for(county["users"]["agency_head"])
    page = client.get("/work/alerts/").content.decode()
    assert "东阿县市场监督管理局 未备案" in page and "应急局责令改正逾期" not in page
    assert client.get(f"/work/alerts/{alerts['theirs'].pk}/").status_code == 404
    assert client.get(f"/api/alerts/{alerts['theirs'].pk}").status_code == 404
    ids = {a["id"] for a in client.get("/api/alerts").json()["items"]}
    assert ids == {alerts["mine"].pk, alerts["mine_high"].pk}
    assert client.get("/api/alerts/counts").json() == {"open": 2, "acknowledged": 0, "resolved": 0}
    assert client.post(f"/api/alerts/{alerts['theirs'].pk}/acknowledge").status_code in (403, 404)


@pytest.mark.django_db
def test_detail_page_shows_history_and_refuses_resolve_without_note(county, alerts):
    client = client_for(county["users"]["bureau"])
    url = f"/work/alerts/{alerts['mine'].pk}/"
    response = client.post(url, {"action": "resolve", "note": ""}, follow=True)
    assert "请填写办结说明" in response.content.decode()
    client.post(url, {"action": "assign", "assignee": county["users"]["agency_admin"].pk})
    client.post(url, {"action": "resolve", "note": "已督促补报"})
    html = client.get(url).content.decode()
    assert "发出预警" in html and "分派预警承办人" in html and "办结预警" in html and "已督促补报" in html
    assert "alert.raise" not in html  # issue 19: the history says what people did, not the event code


@pytest.mark.django_db
def test_api_assign_resolve_and_runs(county, alerts):
    bureau = client_for(county["users"]["bureau"])
    pk = alerts["mine"].pk
    assert bureau.post(f"/api/alerts/{pk}/resolve", {"note": ""}, content_type="application/json").status_code == 422
    body = bureau.post(f"/api/alerts/{pk}/assign", {"assignee_id": county["users"]["agency_head"].pk},
                       content_type="application/json").json()
    assert body["assignee_id"] == county["users"]["agency_head"].pk
    assert bureau.get("/api/alert-runs").json() == []
    assert client_for(county["users"]["agency_admin"]).get("/api/alert-runs").json() == []


@pytest.mark.django_db
def test_bureau_run_now_button_runs_the_engine(county):
    client = client_for(county["users"]["bureau"])
    response = client.post("/work/alerts/run/", follow=True)
    assert response.status_code == 200 and "预警巡检完成" in response.content.decode()
    assert client_for(county["users"]["agency_admin"]).post("/work/alerts/run/").status_code == 404


@pytest.mark.django_db
def test_alert_list_page_query_count_does_not_grow_with_alerts(county, django_assert_max_num_queries):
    users = county["users"]
    for n in range(40):
        alert = services.alert_raise(rule_id="R19", subject=("x.d", n), facts={}, agency=county["agency"])
        services.alert_acknowledge(actor=users["agency_admin"], alert_id=alert.pk)
    client = client_for(users["bureau"])
    client.get("/work/alerts/")  # warm the session
    with django_assert_max_num_queries(12):
        assert client.get("/work/alerts/").status_code == 200
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/alerts?limit=50").json()["items"]) == 40
