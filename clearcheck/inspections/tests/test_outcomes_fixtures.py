"""Shared fixtures of the outcome tests (R19); no tests here.

Import with::

    from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
    from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
    from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

``outcomes_county`` extends ``onsite_county``: a two-entry checklist with a task on both items (so a
re-check can be seen to carry only the failed entry), no-penalty entries (published, draft, withdrawn, and
another agency's), and a second listed agency with an admin and a head that receives referrals (plus a
third whose admin must not see them). ``failed_visit`` opens a visit and records results; ``visit_finish``
fills the record, signs and closes the visit through the records services. ``inspected`` is a visit with a
finding ordered corrected by a deadline, and ``finish()`` to close it.
"""

import datetime as dt

import pytest

from clearcheck.core import clock

__all__ = ["failed_visit", "inspected", "outcomes_county", "visit_finish", "visit_entries"]


@pytest.fixture
def outcomes_county(onsite_county, make_agency, make_user_plain, make_officer):
    """``onsite_county`` plus ``task2`` (two checklist entries), no-penalty entries and receiving agencies."""
    from clearcheck.catalog import services as catalog
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit

    county = onsite_county
    admin, items = county["admin"], county["items"]
    checklist = catalog.checklist_create(actor=admin, code="BD-OUT-1", name="食品与特种设备检查表",
                                         object_type="食品生产企业")
    catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=items["food"].pk,
                                content="查看食品生产许可证")
    catalog.checklist_entry_add(actor=admin, checklist_id=checklist.pk, item_id=items["boiler"].pk,
                                content="查看锅炉定期检验报告")
    catalog.checklist_publish(actor=admin, checklist_id=checklist.pk)
    today = clock.local_today()
    task2 = task_create(
        actor=admin, agency=county["agency"], enterprise=county["enterprise"], inspection_type="case",
        source="complaint", items=[items["food"], items["boiler"]], officers=county["officers"],
        window_start=today, window_end=today + dt.timedelta(days=10), checklist=checklist, notice="请备好许可证和检验报告",
    )
    task_submit(actor=admin, task_id=task2.pk)
    county["task2"] = task_approve(actor=county["head"], task_id=task2.pk)

    published = catalog.no_penalty_entry_create(actor=admin, kind="first_violation", title="未按规定公示食品生产许可证",
                                                legal_basis="《行政处罚法》第三十三条第一款",
                                                conditions="首次违法、危害后果轻微并及时改正")
    withdrawn = catalog.no_penalty_entry_create(actor=admin, kind="minor", title="标签瑕疵", legal_basis="《食品安全法》",
                                                conditions="不影响食品安全且不会误导消费者")
    catalog.no_penalty_list_publish(actor=admin, agency=county["agency"], reason="公布免罚清单")
    catalog.no_penalty_entry_withdraw(actor=admin, entry_id=withdrawn.pk, reason="上位法修改")
    draft = catalog.no_penalty_entry_create(actor=admin, kind="minor", title="台账记录不全", legal_basis="《食品安全法》",
                                            conditions="及时补正")

    receiver = make_agency("东阿县卫生健康局")
    stranger = make_agency("东阿县交通运输局")
    receiver_admin = make_user_plain("agency_admin", agency=receiver)
    other = catalog.no_penalty_entry_create(actor=receiver_admin, kind="first_violation", title="未公示健康证",
                                            legal_basis="《行政处罚法》第三十三条", conditions="首次违法")
    catalog.no_penalty_list_publish(actor=receiver_admin, agency=receiver, reason="公布免罚清单")
    for row in (published, withdrawn, draft, other):
        row.refresh_from_db()
    county.update({
        "checklist2": checklist, "np": {"published": published, "withdrawn": withdrawn, "draft": draft, "other": other},
        "receiver": receiver, "receiver_admin": receiver_admin,
        "receiver_head": make_user_plain("agency_head", agency=receiver),
        "receiver_department_head": make_user_plain("department_head", agency=receiver),
        "stranger": stranger, "stranger_admin": make_user_plain("agency_admin", agency=stranger),
        "outsider_officer_user": make_user_plain("officer", agency=county["agency"],
                                                 officer=make_officer(county["agency"], "赵六")),
    })
    return county


def visit_entries(visit) -> list:
    """The record entries of ``visit`` in order."""
    return list(visit.record.entries.order_by("order", "id"))


@pytest.fixture
def failed_visit(open_visit, outcomes_county):
    """Open a visit of ``task`` (default ``task2``) and record results: the entries whose order is in
    ``failed`` non-compliant, the others compliant. Returns the visit (refreshed)."""
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.records_fill import record_entry_set

    def build(task=None, *, failed=(1,), key="outcomes-visit"):
        county = outcomes_county
        visit = open_visit(task or county["task2"], key=key)
        visit = Visit.objects.get(pk=visit.pk)
        for entry in visit_entries(visit):
            result = "non_compliant" if entry.order in failed else "compliant"
            record_entry_set(actor=county["officer_users"][0], visit_id=visit.pk, entry_id=entry.pk, result=result,
                             note="现场查看" if result == "compliant" else "未能出示")
        return Visit.objects.get(pk=visit.pk)

    return build


@pytest.fixture
def visit_finish(outcomes_county):
    """Fill the record's header, sign (both officers; the representative refuses) and close the visit."""
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.records_fill import (
        record_header_update,
        record_sign_enterprise,
        record_sign_officer,
    )

    def finish(visit):
        first, second = outcomes_county["officer_users"][:2]
        record_header_update(actor=first, visit_id=visit.pk, findings_summary="检查情况见各项记录",
                             enterprise_representative="李华", representative_title="质量负责人",
                             enterprise_opinion="无异议")
        record_sign_officer(actor=first, visit_id=visit.pk)
        record_sign_officer(actor=second, visit_id=visit.pk)
        record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True, refusal_note="企业代表拒绝签名,两名执法人员在场见证")
        visit_close(actor=first, visit_id=visit.pk)
        return Visit.objects.get(pk=visit.pk)

    return finish


@pytest.fixture
def inspected(outcomes_county, failed_visit):
    """A visit of ``task2`` whose first entry failed, with a finding ordered corrected by a deadline;
    ``finish(...)`` fills the header, signs and closes it. Returns a dict of what it made."""
    from clearcheck.inspections.models import Visit
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.services.records_fill import (
        record_header_update,
        record_sign_enterprise,
        record_sign_officer,
    )
    from clearcheck.inspections.tests.test_records_support import signature_url

    county = outcomes_county
    first, second = county["officer_users"][:2]
    visit = failed_visit()
    entries = list(visit.record.entries.order_by("order"))
    finding = finding_create(actor=first, visit_id=visit.pk, entry_ids=[entries[0].pk],
                             description="未能出示有效的食品生产许可证", legal_basis="《食品安全法》第三十五条第一款")
    deadline = clock.local_today() + dt.timedelta(days=15)
    order = disposition_add(actor=first, finding_id=finding.pk, kind="correct_by_deadline", deadline=deadline,
                            note="补办并公示食品生产许可证")

    def finish(*, refused=False, opinion_refused=False, summary="检查情况见各项记录", close=True, steps=True):
        header = {"place": "阿胶生产车间", "recorder_id": county["officers"][1].pk, "findings_summary": summary,
                  "enterprise_representative": "李华", "representative_title": "质量负责人"}
        if steps:  # the 告知事项 the officers confirm in the record
            header.update({"credentials_shown": True, "rights_told": True, "recusal_answer": "no"})
        header.update({"opinion_refused": True} if opinion_refused else {"enterprise_opinion": "对检查结果无异议"})
        record_header_update(actor=first, visit_id=visit.pk, **header)
        record_sign_officer(actor=first, visit_id=visit.pk)
        record_sign_officer(actor=second, visit_id=visit.pk)
        if refused:
            record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True,
                                   refusal_note="企业代表拒绝签名,两名执法人员在场见证")
        else:
            record_sign_enterprise(actor=first, visit_id=visit.pk, image_data_url=signature_url())
        if close:
            visit_close(actor=first, visit_id=visit.pk)
        return Visit.objects.get(pk=visit.pk)

    return {"county": county, "visit": visit, "finding": finding, "order": order, "deadline": deadline,
            "finish": finish, "first": first}
