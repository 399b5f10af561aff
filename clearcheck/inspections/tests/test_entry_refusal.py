"""Entry refusals (R29, 四(八)): an enterprise records that it refused an entry that did not scan, with its
feedback; the record is audited and raises an R29 alert in the same transaction.
"""

import datetime as dt

import pytest
from django.test import Client

from clearcheck.alerts.models import Alert
from clearcheck.alerts.services import alert_facts
from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearcheck.inspections import selectors, services
from clearcheck.inspections.models import EntryRefusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal_county(county, make_user_plain):
    """``county`` plus an enterprise account of the other enterprise and the other agency's head."""
    return {
        **county,
        "ent_user": county["users"]["enterprise"],
        "other_ent_user": make_user_plain("enterprise", enterprise=county["other_enterprise"]),
        "other_head": make_user_plain("agency_head", agency=county["other_agency"]),
    }


def _record(c, actor=None, **overrides):
    values = {
        "agency_id": c["agency"].pk, "people": "张某,执法证号 37150000001",
        "occurred_at": clock.now() - dt.timedelta(hours=1), "place": "厂区东门",
        "feedback": "两人未扫码即要求进入车间检查,已拒绝",
    }
    values.update(overrides)
    return services.entry_refusal_record(actor=actor or c["ent_user"], **values)


def test_r29_refusal_is_recorded_audited_and_raises_an_alert(refusal_county):
    c = refusal_county
    record = _record(c)
    assert (record.enterprise_id, record.agency_id, record.place) == (c["enterprise"].pk, c["agency"].pk, "厂区东门")
    assert record.filed_by == c["ent_user"].username and record.filed_at
    events = AuditEvent.objects.filter(subject_type="inspections.entryrefusal", subject_id=str(record.pk))
    assert list(events.values_list("action", flat=True)) == ["entry_refusal.record"]
    alert = Alert.objects.get(rule_id="R29")
    assert (alert.subject_type, alert.subject_id) == ("inspections.entryrefusal", str(record.pk))
    assert alert.agency_id == c["agency"].pk and alert.severity == "high" and alert.clause == "四(八)"
    facts = alert_facts(alert)
    assert facts["refusal"] == record.pk and facts["enterprise"] == c["enterprise"].pk
    assert facts["agency"] == c["agency"].pk and facts["people"] == "张某,执法证号 37150000001"
    assert facts["feedback"] == "两人未扫码即要求进入车间检查,已拒绝" and facts["place"] == "厂区东门"
    assert AuditEvent.objects.filter(action="alert.raise", subject_id=str(alert.pk)).exists()


def test_r29_agency_is_optional_and_the_alert_then_goes_to_the_county(refusal_county):
    record = _record(refusal_county, agency_id=None, place="")
    assert record.agency_id is None
    alert = Alert.objects.get(rule_id="R29")
    assert alert.agency_id is None and alert_facts(alert)["agency"] is None


def test_r29_only_enterprise_accounts_may_record(refusal_county):
    c = refusal_county
    for role in ("agency_admin", "agency_head", "officer", "bureau", "government", "discipline"):
        with pytest.raises(PermissionDenied):
            _record(c, actor=c["users"][role])
    assert not EntryRefusal.objects.exists() and not Alert.objects.filter(rule_id="R29").exists()


def test_r29_future_time_is_refused(refusal_county):
    with pytest.raises(ValidationFailed) as caught:
        _record(refusal_county, occurred_at=clock.now() + dt.timedelta(hours=2))
    assert [e.field for e in caught.value.errors] == ["occurred_at"]
    assert not EntryRefusal.objects.exists() and not Alert.objects.filter(rule_id="R29").exists()


def test_r29_missing_feedback_and_people_are_field_errors(refusal_county):
    with pytest.raises(ValidationFailed) as caught:
        _record(refusal_county, feedback="  ", people="")
    assert {e.field for e in caught.value.errors} == {"feedback", "people"}
    with pytest.raises(ValidationFailed) as caught:
        _record(refusal_county, agency_id=999_999)
    assert [e.field for e in caught.value.errors] == ["agency_id"]
    assert not EntryRefusal.objects.exists()
    assert not AuditEvent.objects.filter(action="entry_refusal.record").exists()


def test_r29_scoping(refusal_county, make_user_plain):
    c = refusal_county
    record = _record(c)
    sees = {"enterprise": c["ent_user"], "head": c["users"]["agency_head"], "admin": c["users"]["agency_admin"],
            "bureau": c["users"]["bureau"], "discipline": c["users"]["discipline"]}
    for label, actor in sees.items():
        assert list(selectors.entry_refusals_for_actor(actor=actor)) == [record], label
        assert selectors.entry_refusal_get_for_actor(actor=actor, refusal_id=record.pk) == record, label
    blind = {"other enterprise": c["other_ent_user"], "other agency head": c["other_head"],
             "department head": c["users"]["department_head"], "officer": c["users"]["officer"],
             "government": c["users"]["government"]}
    for label, actor in blind.items():
        assert list(selectors.entry_refusals_for_actor(actor=actor)) == [], label
        with pytest.raises(NotFound):
            selectors.entry_refusal_get_for_actor(actor=actor, refusal_id=record.pk)
    for actor in (c["other_ent_user"], c["other_head"]):
        client = Client()
        client.force_login(actor)
        assert client.get(f"/api/entry-refusals/{record.pk}").status_code == 404
        assert client.get(f"/work/inspections/refusals/{record.pk}/").status_code == 404
        assert client.get("/api/entry-refusals").json()["items"] == []


def test_r29_api_records_and_reads(refusal_county):
    c = refusal_county
    ent = Client()
    ent.force_login(c["ent_user"])
    when = (clock.now() - dt.timedelta(minutes=30)).isoformat()
    response = ent.post("/api/entry-refusals", {"agency_id": c["agency"].pk, "people": "王某", "occurred_at": when,
                                               "feedback": "未出示检查码"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agency_name"] == c["agency"].name and body["feedback"] == "未出示检查码"
    missing = ent.post("/api/entry-refusals", {"people": "王某", "occurred_at": when, "feedback": " "},
                       content_type="application/json")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "feedback"
    head = Client()
    head.force_login(c["users"]["agency_head"])
    assert [r["id"] for r in head.get("/api/entry-refusals").json()["items"]] == [body["id"]]
    officer = Client()
    officer.force_login(c["users"]["agency_admin"])
    refused = officer.post("/api/entry-refusals", {"people": "王某", "occurred_at": when, "feedback": "x"},
                           content_type="application/json")
    assert refused.status_code == 403


def test_r29_web_records_and_lists(refusal_county):
    c = refusal_county
    ent = Client()
    ent.force_login(c["ent_user"])
    page = ent.get("/work/inspections/refusals/").content.decode()
    assert 'name="feedback"' in page and c["agency"].name in page
    local = clock.local_now() - dt.timedelta(hours=1)
    response = ent.post("/work/inspections/refusals/", {
        "agency_id": c["agency"].pk, "people": "李某", "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
        "place": "仓库", "feedback": "未扫码,拒绝进入",
    })
    assert response.status_code == 302, response.content
    record = EntryRefusal.objects.get()
    assert abs(record.occurred_at - local.replace(second=0, microsecond=0)) < dt.timedelta(seconds=1)
    assert "未扫码,拒绝进入" in ent.get("/work/inspections/refusals/").content.decode()
    head = Client()
    head.force_login(c["users"]["agency_head"])
    listing = head.get("/work/inspections/refusals/").content.decode()
    assert "李某" in listing and 'name="feedback"' not in listing
    bad = ent.post("/work/inspections/refusals/", {"people": "李某", "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
                                                   "feedback": ""})
    assert bad.status_code == 422 and EntryRefusal.objects.count() == 1  # shown again, with what was typed


def test_issue19_the_enterprise_learns_what_became_of_its_refusal_report(refusal_county):
    """The R29 alert its report raised is shown on its record: pending, then resolved with the bureau's note."""
    from clearcheck.alerts.services import alert_resolve

    c = refusal_county
    record = _record(c)
    client = Client()
    client.force_login(c["ent_user"])
    url = f"/work/inspections/refusals/{record.pk}/"
    page = client.get(url).content.decode()
    assert "待处理" in page and "县司法局正在处理" in page
    alert = Alert.objects.get(rule_id="R29")
    alert_resolve(actor=c["users"]["bureau"], alert_id=alert.pk, note="已约谈该机关,责令整改并通报")
    page = client.get(url).content.decode()
    assert "已办结" in page and "已约谈该机关,责令整改并通报" in page
    other = Client()
    other.force_login(c["other_ent_user"])
    assert other.get(url).status_code == 404  # another enterprise reads neither the record nor its handling


def test_issue19_a_refused_form_comes_back_with_what_was_typed_and_chinese_labels(refusal_county):
    c = refusal_county
    client = Client()
    client.force_login(c["ent_user"])
    future = (clock.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/work/inspections/refusals/", {
        "agency_id": str(c["agency"].pk), "people": "李某,自称执法人员", "occurred_at": future, "place": "厂区西门",
        "feedback": "未出示执法证件,未扫码,已拒绝其进入",
    })
    body = response.content.decode()
    assert response.status_code == 422 and EntryRefusal.objects.count() == 0
    assert "发生时间" in body and "occurred_at:" not in body
    for typed in ("李某,自称执法人员", "厂区西门", "未出示执法证件,未扫码,已拒绝其进入", future):
        assert typed in body, typed
    assert f'<option value="{c["agency"].pk}" selected>' in body


def test_issue19_a_refused_recusal_keeps_its_grounds(refusal_county):
    c = refusal_county
    client = Client()
    client.force_login(c["ent_user"])
    response = client.post("/work/inspections/recusals/", {"credential_no": "NO-SUCH-0001",
                                                            "reason": "该执法人员系本企业股东的近亲属"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "该执法人员系本企业股东的近亲属" in body and "NO-SUCH-0001" in body and "credential_no:" not in body


def test_issue19_a_refusal_report_sent_twice_is_recorded_once(refusal_county):
    c = refusal_county
    client = Client()
    client.force_login(c["ent_user"])
    local = clock.local_now() - dt.timedelta(hours=1)
    data = {"people": "李某", "occurred_at": local.strftime("%Y-%m-%dT%H:%M"), "feedback": "未扫码,拒绝进入"}
    first = client.post("/work/inspections/refusals/", data)
    again = client.post("/work/inspections/refusals/", data)
    assert again["Location"] == first["Location"] and EntryRefusal.objects.count() == 1
    assert Alert.objects.filter(rule_id="R29").get().occurrences == 1
