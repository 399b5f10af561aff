"""R13 in registry.rules: who may decide a recusal request (the agency head, never a department head alone),
asked by ``recusals.recusal_request_decide``, and the granted-recusal readers of ``recusal_reads``.
"""

import pytest

from clearcheck.accounts.choices import Role
from clearcheck.core.errors import RuleViolation
from clearcheck.registry import recusal_reads, recusals
from clearcheck.registry.models import RecusalRequest
from clearcheck.registry.rules import recusal_decider_refusal, recusal_refusal

from .factories import enterprise_make, officer_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(agency, bureau):
    """A pending recusal request of an enterprise about an officer of ``agency``."""
    officer = officer_make(agency=agency, actor=bureau)
    enterprise = enterprise_make(actor=bureau)
    ent_user = user_make(Role.ENTERPRISE, enterprise=enterprise)
    record = recusals.recusal_request_file(actor=ent_user, officer_id=officer.pk, reason="法定代表人的近亲属")
    return {"record": record, "officer": officer, "enterprise": enterprise}


def test_r13_department_head_may_not_decide(agency):
    refusal = recusal_decider_refusal(user_make(Role.DEPARTMENT_HEAD, agency=agency))
    assert isinstance(refusal, RuleViolation)
    assert refusal.rule_id == "R13" and "内设机构负责人不能决定回避申请" in refusal.plain


def test_r13_agency_head_may_decide(agency_head):
    assert recusal_decider_refusal(agency_head) is None


def test_r13_decide_raises_the_rules_refusal_and_writes_nothing(agency, filed):
    head_of_department = user_make(Role.DEPARTMENT_HEAD, agency=agency)
    with pytest.raises(RuleViolation) as caught:
        recusals.recusal_request_decide(actor=head_of_department, request_id=filed["record"].pk, grant=True,
                                        reason="同意")
    assert (caught.value.rule_id, caught.value.plain) == ("R13", recusal_decider_refusal(head_of_department).plain)
    assert RecusalRequest.objects.get(pk=filed["record"].pk).status == "pending"


def test_r13_granted_recusal_read_once_bars_the_officer(agency_head, filed):
    officer, enterprise = filed["officer"], filed["enterprise"]
    assert recusal_refusal([officer], enterprise) is None
    recusals.recusal_request_decide(actor=agency_head, request_id=filed["record"].pk, grant=True, reason="同意")
    assert recusal_reads.recused_officer_ids(enterprise, [officer]) == {officer.pk}
    assert recusal_reads.recusal_pairs_by_id([officer.pk]) == {(officer.pk, enterprise.pk)}
    assert recusal_refusal([officer], enterprise).rule_id == "R13"
