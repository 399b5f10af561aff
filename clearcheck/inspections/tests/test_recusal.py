"""Recusal requests (R13): the enterprise files, the officer's agency head decides with reasons, the
enterprise is notified, and a recused officer cannot be assigned to a task at that enterprise.
"""

import pytest
from django.test import Client

from clearcheck.audit.models import AuditEvent
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403 (planning's task fixtures)
from clearcheck.registry import recusal_reads, recusals
from clearcheck.registry.rules import recusal_refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def recusal(plan_county, make_user_plain):
    """``plan_county`` plus an enterprise account of its enterprise and one of the other enterprise."""
    return {
        **plan_county,
        "ent_user": make_user_plain("enterprise", enterprise=plan_county["enterprise"]),
        "other_ent_user": make_user_plain("enterprise", enterprise=plan_county["other_enterprise"]),
        "zhang": plan_county["officers"][0],
    }


def _file(c, reason="张明系本企业法定代表人的近亲属"):
    return recusals.recusal_request_file(actor=c["ent_user"], officer_id=c["zhang"].pk, reason=reason)


def _events(record) -> list[str]:
    return list(AuditEvent.objects.filter(subject_type="inspections.recusalrequest", subject_id=str(record.pk))
                .order_by("id").values_list("action", flat=True))


def test_r13_enterprise_files_and_the_head_grants_with_reasons(recusal):
    record = _file(recusal)
    assert (record.status, record.enterprise_id, record.agency_id) == ("pending", recusal["enterprise"].pk,
                                                                         recusal["agency"].pk)
    assert record.filed_by == recusal["ent_user"].username and record.notified_at is None
    record = recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True,
                                             reason="经核实存在近亲属关系,同意回避")
    assert record.status == "granted" and record.decision_reason == "经核实存在近亲属关系,同意回避"
    assert record.decided_by == recusal["head"].username and record.decided_at and record.notified_at
    assert _events(record) == ["recusal_request.file", "recusal_request.decide"]
    assert recusal_reads.recused_officer_ids(recusal["enterprise"].pk, [recusal["zhang"].pk]) == {recusal["zhang"].pk}
    assert not recusal_reads.recused_officer_ids(recusal["other_enterprise"].pk, [recusal["zhang"].pk])


def test_r13_head_refuses_with_reasons_and_the_officer_is_not_recused(recusal):
    record = recusals.recusal_request_decide(actor=recusal["head"], request_id=_file(recusal).pk, grant=False,
                                             reason="申请理由不成立")
    assert record.status == "refused" and record.notified_at is not None
    assert recusal_reads.recused_officer_ids(recusal["enterprise"], recusal["officers"]) == set()
    assert _events(record) == ["recusal_request.file", "recusal_request.decide"]


def test_r13_decision_needs_a_reason_and_is_taken_once(recusal):
    record = _file(recusal)
    with pytest.raises(ValidationFailed):
        recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="  ")
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="同意")
    with pytest.raises(Conflict):
        recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=False, reason="改为不同意")


def test_r13_filing_needs_a_reason_and_an_enterprise_account(recusal):
    with pytest.raises(ValidationFailed):
        _file(recusal, reason="")
    with pytest.raises(PermissionDenied):
        recusals.recusal_request_file(actor=recusal["admin"], officer_id=recusal["zhang"].pk, reason="理由")
    with pytest.raises(NotFound):
        recusals.recusal_request_file(actor=recusal["ent_user"], officer_id=999_999, reason="理由")
    assert not AuditEvent.objects.filter(action="recusal_request.file").exists()


def test_r13_department_head_alone_cannot_decide(recusal):
    record = _file(recusal)
    with pytest.raises(RuleViolation) as caught:
        recusals.recusal_request_decide(actor=recusal["department_head"], request_id=record.pk, grant=True,
                                        reason="同意")
    assert caught.value.rule_id == "R13"
    record.refresh_from_db()
    assert record.status == "pending"


def test_r13_admin_of_the_agency_may_read_but_not_decide(recusal):
    record = _file(recusal)
    assert recusals.recusal_request_get_for_actor(actor=recusal["admin"], request_id=record.pk) == record
    with pytest.raises(PermissionDenied):
        recusals.recusal_request_decide(actor=recusal["admin"], request_id=record.pk, grant=True, reason="同意")


def test_r13_another_agencys_head_gets_404(recusal, make_agency, make_user_plain):
    record = _file(recusal)
    stranger = make_user_plain("agency_head", agency=make_agency())
    with pytest.raises(NotFound):
        recusals.recusal_request_decide(actor=stranger, request_id=record.pk, grant=True, reason="同意")
    client = Client()
    client.force_login(stranger)
    response = client.post(f"/api/recusal-requests/{record.pk}/decide", {"grant": True, "reason": "同意"},
                           content_type="application/json")
    assert response.status_code == 404
    assert client.get(f"/work/inspections/recusals/{record.pk}/").status_code == 404


def test_r13_duplicate_open_request_is_refused_but_a_refused_one_may_be_filed_again(recusal):
    record = _file(recusal)
    with pytest.raises(Conflict):
        _file(recusal, reason="再次申请")
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=False, reason="不成立")
    again = _file(recusal, reason="补充新的理由")
    recusals.recusal_request_decide(actor=recusal["head"], request_id=again.pk, grant=True, reason="同意")
    with pytest.raises(Conflict):
        _file(recusal, reason="已回避仍申请")


def test_r13_enterprise_sees_the_result_on_its_page_and_another_enterprise_gets_404(recusal):
    record = _file(recusal)
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="存在利害关系")
    client = Client()
    client.force_login(recusal["ent_user"])
    page = client.get(f"/work/inspections/recusals/{record.pk}/").content.decode()
    assert "已同意回避" in page and "存在利害关系" in page
    body = client.get(f"/api/recusal-requests/{record.pk}").json()
    assert body["status"] == "granted" and body["notified_at"] and body["decision_reason"] == "存在利害关系"
    other = Client()
    other.force_login(recusal["other_ent_user"])
    assert other.get(f"/work/inspections/recusals/{record.pk}/").status_code == 404
    assert other.get(f"/api/recusal-requests/{record.pk}").status_code == 404
    assert other.get("/api/recusal-requests").json()["items"] == []
    with pytest.raises(NotFound):
        recusals.recusal_request_get_for_actor(actor=recusal["other_ent_user"], request_id=record.pk)


def test_r13_granted_recusal_refuses_task_assignment_naming_the_officer(recusal, make_task):
    record = _file(recusal)
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="同意")
    with pytest.raises(RuleViolation) as caught:
        make_task()
    assert caught.value.rule_id == "R13" and recusal["zhang"].name in caught.value.plain
    assert caught.value.field == "officers"
    # The same officer may still be assigned at another enterprise.
    assert make_task(enterprise=recusal["other_enterprise"]).pk


def test_r13_refused_or_pending_request_does_not_block_assignment(recusal, make_task):
    record = _file(recusal)
    assert make_task().pk  # pending: not (yet) a recusal
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=False, reason="不成立")
    assert make_task().pk


def test_r13_recusal_granted_after_drafting_stops_the_submission(recusal, make_task):
    from clearcheck.planning.services.tasks import task_submit

    task = make_task()
    record = _file(recusal)
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="同意")
    with pytest.raises(RuleViolation) as caught:
        task_submit(actor=recusal["admin"], task_id=task.pk)
    assert caught.value.rule_id == "R13"


def test_r13_recusal_refusal_names_the_first_recused_officer(recusal):
    record = _file(recusal)
    assert recusal_refusal(recusal["officers"], recusal["enterprise"]) is None
    recusals.recusal_request_decide(actor=recusal["head"], request_id=record.pk, grant=True, reason="同意")
    refusal = recusal_refusal(recusal["officers"], recusal["enterprise"])
    assert refusal.rule_id == "R13" and "张明" in refusal.plain and recusal["zhang"].credential_no in refusal.plain


def test_r13_scoping_of_the_list(recusal, make_user_plain, make_agency):
    record = _file(recusal)
    sees = {
        "enterprise": recusal["ent_user"], "head": recusal["head"], "admin": recusal["admin"],
        "bureau": recusal["bureau"], "discipline": make_user_plain("discipline"),
    }
    for label, actor in sees.items():
        assert list(recusals.recusal_requests_for_actor(actor=actor)) == [record], label
    blind = {
        "other enterprise": recusal["other_ent_user"], "department head": recusal["department_head"],
        "officer": recusal["users"]["officer"], "government": make_user_plain("government"),
        "other agency head": make_user_plain("agency_head", agency=make_agency()),
    }
    for label, actor in blind.items():
        assert list(recusals.recusal_requests_for_actor(actor=actor)) == [], label


def test_r13_api_files_by_credential_number_and_decides(recusal):
    ent = Client()
    ent.force_login(recusal["ent_user"])
    response = ent.post("/api/recusal-requests", {"credential_no": recusal["zhang"].credential_no,
                                                  "reason": "与本企业存在经济往来"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["officer_id"] == recusal["zhang"].pk and body["status"] == "pending"
    again = ent.post("/api/recusal-requests", {"officer_id": recusal["zhang"].pk, "reason": "重复"},
                     content_type="application/json")
    assert again.status_code == 409
    head = Client()
    head.force_login(recusal["head"])
    decided = head.post(f"/api/recusal-requests/{body['id']}/decide", {"grant": False, "reason": "理由不成立"},
                        content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "refused"
    dept = Client()
    dept.force_login(recusal["department_head"])
    refused = dept.post(f"/api/recusal-requests/{body['id']}/decide", {"grant": True, "reason": "同意"},
                        content_type="application/json")
    assert refused.status_code == 409 and refused.json()["rule"] == "R13"


def test_r13_web_file_and_decide(recusal):
    ent = Client()
    ent.force_login(recusal["ent_user"])
    response = ent.post("/work/inspections/recusals/", {"credential_no": recusal["zhang"].credential_no,
                                                        "reason": "曾与本企业发生纠纷"})
    assert response.status_code == 302
    record = recusals.recusal_requests_for_actor(actor=recusal["ent_user"]).get()
    head = Client()
    head.force_login(recusal["head"])
    assert "曾与本企业发生纠纷" in head.get("/work/inspections/recusals/").content.decode()
    head.post(f"/work/inspections/recusals/{record.pk}/", {"action": "grant", "reason": "同意回避"})
    record.refresh_from_db()
    assert record.status == "granted"
    unknown = ent.post("/work/inspections/recusals/", {"credential_no": "NOSUCH", "reason": "理由"}, follow=True)
    assert "未找到该执法证号" in unknown.content.decode()


def test_r13_list_queries_do_not_grow_with_the_requests(recusal, make_officer, django_assert_max_num_queries):
    for n in range(5):
        officer = make_officer(recusal["agency"], f"执法员乙{n}")
        recusals.recusal_request_file(actor=recusal["ent_user"], officer_id=officer.pk, reason="利害关系")
    head = Client()
    head.force_login(recusal["head"])
    with django_assert_max_num_queries(6):
        assert len(head.get("/api/recusal-requests").json()["items"]) == 5
    with django_assert_max_num_queries(8):
        assert head.get("/work/inspections/recusals/").status_code == 200
