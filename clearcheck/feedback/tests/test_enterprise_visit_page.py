"""Issue 19, part 1: the enterprise sees everything about its own visit on one page (/enterprise/visits/<id>/):
the findings, each disposition with its deadline and days left, the referral and how it was handled, the
documents issued to it, and its own evaluation — never less than the public outcome pages say of it.
"""

import datetime as dt
import html
import re

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _page(user, visit_id) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/enterprise/visits/{visit_id}/")
    assert response.status_code == 200
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_issue19_the_outcome_waits_for_the_closed_record_then_shows_everything(inspected):
    county, visit = inspected["county"], inspected["visit"]
    owner = county["enterprise_user"]
    text = _page(owner, visit.pk)
    assert "笔录尚在填写" in text and "未能出示有效的食品生产许可证" not in text  # a record being written may change

    inspected["finish"]()
    text = _page(owner, visit.pk)
    deadline = inspected["deadline"]
    assert "未能出示有效的食品生产许可证" in text and "《食品安全法》第三十五条第一款" in text
    assert "限期改正" in text and "补办并公示食品生产许可证" in text
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    assert f"还剩 {(deadline - clock.local_today()).days} 天" in text
    assert "去评价" in text  # a closed visit invites its evaluation (R27)


def test_issue19_every_document_linked_opens_for_the_enterprise(inspected):
    county = inspected["county"]
    visit = inspected["finish"]()
    owner = county["enterprise_user"]
    client = Client()
    client.force_login(owner)
    body = client.get(f"/enterprise/visits/{visit.pk}/").content.decode()
    links = re.findall(r'href="(/work/inspections/[^"]*(?:notice|record|correction)[^"]*)"', body)
    assert len(links) >= 3, links  # the notice of its task, the on-site record, the correction order
    for link in links:
        response = client.get(link)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), link


def test_issue19_the_referral_and_how_the_receiving_agency_handled_it(inspected):
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create
    from clearcheck.inspections.services.outcomes_loop import referral_accept, referral_handle
    from clearcheck.inspections.services.records_fill import record_entry_set

    county = inspected["county"]
    first = inspected["first"]
    visit = inspected["visit"]
    second_entry = list(visit.record.entries.order_by("order"))[1]
    record_entry_set(actor=first, visit_id=visit.pk, entry_id=second_entry.pk, result="non_compliant",
                     note="从业人员无健康证明")
    finding = finding_create(actor=first, visit_id=visit.pk, entry_ids=[second_entry.pk],
                             description="从业人员未取得健康证明", legal_basis="《食品安全法》第四十五条")
    referral = disposition_add(actor=first, finding_id=finding.pk, kind="refer", referred_to=county["receiver"].pk,
                               note="移送卫生健康部门处理")
    inspected["finish"]()
    referral_accept(actor=county["receiver_admin"], disposition_id=referral.pk)
    referral_handle(actor=county["receiver_admin"], disposition_id=referral.pk, note="已责令补办健康证明,不予立案")
    text = _page(county["enterprise_user"], visit.pk)
    assert "东阿县卫生健康局" in text and "已责令补办健康证明,不予立案" in text


def test_issue19_the_enterprise_sees_its_evaluation_once_given(inspected):
    from clearcheck.feedback.services import evaluation_submit

    county = inspected["county"]
    visit = inspected["finish"]()
    owner = county["enterprise_user"]
    evaluation_submit(actor=owner, visit_id=visit.pk, score=5, conduct_yes=[], duration_minutes=60,
                      comment="检查规范")
    text = _page(owner, visit.pk)
    assert "5 分" in text and "查看评价" in text and "去评价" not in text


def test_issue19_another_enterprise_and_the_officers_do_not_reach_the_page(inspected, make_user_plain):
    county = inspected["county"]
    visit = inspected["finish"]()
    stranger = make_user_plain("enterprise", enterprise=county["other_enterprise"])
    for user in (stranger, county["officer_users"][0]):
        client = Client()
        client.force_login(user)
        assert client.get(f"/enterprise/visits/{visit.pk}/").status_code in (403, 404), user.role
    old = Client()
    old.force_login(county["enterprise_user"])
    assert old.get(f"/work/inspections/enterprise/visits/{visit.pk}/")["Location"] == f"/enterprise/visits/{visit.pk}/"


def test_issue19_days_left_counts_in_local_days(inspected, monkeypatch):
    """The deadline's day still counts: on the deadline itself 0 days are left, the next day it is overdue."""
    from clearcheck.inspections.selectors.outcomes import enterprise_visit_outcome

    county, visit = inspected["county"], inspected["finish"]()
    deadline = inspected["deadline"]
    monkeypatch.setattr(clock, "local_today", lambda: deadline)
    outcome = enterprise_visit_outcome(actor=county["enterprise_user"], visit=visit)
    assert [d.days_left for d in outcome.correction_orders] == [0]
    monkeypatch.setattr(clock, "local_today", lambda: deadline + dt.timedelta(days=1))
    outcome = enterprise_visit_outcome(actor=county["enterprise_user"], visit=visit)
    assert [d.days_left for d in outcome.correction_orders] == [-1]
