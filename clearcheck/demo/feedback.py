"""The demo county's evaluations (事后评价, R27) and complaints (投诉举报), built through the services.

Runs after ``onsite_load``. Evaluations: the on-site visits of three weeks ago are rated back then
(within their window; one patrol low with a conduct "yes", which raises an R27 alert in the bureau's
inbox), and a patrol by the emergency-management bureau three days ago stays awaiting the demo
enterprise's evaluation, so the journey works in ``make run``. Complaints: one from each channel, in
various states, one replied and closed, one overdue.
"""

import datetime as dt
import io
from collections.abc import Callable

from openpyxl import Workbook

from clearcheck.accounts.choices import Role
from clearcheck.accounts.models import User
from clearcheck.accounts.services import user_create
from clearcheck.core import clock
from clearcheck.feedback import services
from clearcheck.feedback.importers import COLUMNS, complaints_import
from clearcheck.inspections.models import Visit
from clearcheck.inspections.services import records, visits
from clearcheck.registry.codes import enterprise_code_current, enterprise_code_token
from clearcheck.registry.models import Agency, Officer

from .onsite import _local, clock_at


def _evaluate(user, visit: Visit, *, after: dt.timedelta, **answers):
    with clock_at(visit.closed_at + after):
        return services.evaluation_submit(actor=user, visit_id=visit.pk, **answers)


def _evaluations(*, bureau, password: str) -> dict:
    enterprise_user = User.objects.get(username="enterprise")
    home_past = Visit.objects.get(idempotency_key="demo-visit-home-past")
    other_past = Visit.objects.get(idempotency_key="demo-visit-other-past")
    patrol = Visit.objects.get(idempotency_key="demo-patrol-past")
    other_user = user_create(actor=bureau, username="enterprise2", password=password, role=Role.ENTERPRISE,
                             enterprise=other_past.enterprise, display_name=f"{other_past.enterprise.name}")
    _evaluate(enterprise_user, home_past, after=dt.timedelta(days=2, hours=3), score=4, conduct_yes=[],
              duration_minutes=150, comment="检查人员亮证扫码,按检查表逐项检查,整改要求讲得清楚。")
    _evaluate(other_user, other_past, after=dt.timedelta(days=1), score=3, conduct_yes=[],
              duration_minutes=240, comment="检查时间较长,希望提前告知需准备的材料。")
    low = _evaluate(enterprise_user, patrol, after=dt.timedelta(days=1, hours=2), score=2, conduct_yes=["eight-5"],
                    duration_minutes=60, comment="巡查时多次要求法定代表人必须到场,影响正常经营。")

    # A patrol three days ago by the emergency-management bureau, still awaiting the enterprise's rating.
    yjj = Agency.objects.get(code="371524-YJJ")
    team = list(Officer.objects.filter(agency=yjj, personnel_type="enforcement", status="valid")
                .order_by("credential_no")[:2])
    yjj_officer = user_create(actor=bureau, username="yjj_officer", password=password, role=Role.OFFICER,
                              agency=yjj, officer=team[0], display_name=team[0].name)
    home = enterprise_user.enterprise
    with clock_at(_local(clock.local_today() - dt.timedelta(days=3), 15, 0)):
        token = enterprise_code_token(enterprise_code_current(enterprise=home))
        visit = visits.visit_start_non_inspection(
            actor=yjj_officer, kind="patrol", purpose="冬季安全生产巡查,了解锅炉房和危化品仓库管理情况",
            officer_ids=[t.pk for t in team[1:]], idempotency_key="demo-yjj-patrol", token=token)
    with clock_at(_local(clock.local_today() - dt.timedelta(days=3), 16, 10)):
        records.visit_close(actor=yjj_officer, visit_id=visit.pk, summary="巡查锅炉房和仓库,未开展行政检查")
    return {"low": low, "awaiting": visit}


def _workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([name for name, _arg, _required in COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _complaints(*, bureau) -> dict:
    today = clock.local_today()
    scjg = Agency.objects.get(code="371524-SCJG")
    yjj = Agency.objects.get(code="371524-YJJ")
    scjg_admin, yjj_admin = User.objects.get(username="scjg_admin"), User.objects.get(username="yjj_admin")
    enterprise_user = User.objects.get(username="enterprise")
    home = enterprise_user.enterprise

    # 12345 through the API service: accepted, forwarded, handled, replied and closed.
    with clock_at(_local(today - dt.timedelta(days=20), 9, 12)):
        hotline, _created = services.complaint_from_hotline(
            actor=bureau, work_order_no="12345-DEMO-0001", called_at=clock.now(), caller_name="刘女士",
            caller_phone="13563500000", enterprise_uscc=home.uscc, agency_name=scjg.name,
            subject="反映同一企业一周内被多次检查", content="企业反映市场监管部门一周内两次到厂检查,内容重复,影响生产。")
        services.complaint_accept(actor=bureau, complaint_id=hotline.pk)
        services.complaint_forward(actor=bureau, complaint_id=hotline.pk, agency_id=scjg.pk)
    with clock_at(_local(today - dt.timedelta(days=15), 10, 0)):
        services.complaint_report(actor=scjg_admin, complaint_id=hotline.pk,
                                  result="经核查,第二次系复查,已向企业说明;今后复查前提前告知并合并检查内容。")
    with clock_at(_local(today - dt.timedelta(days=14), 11, 0)):
        services.complaint_reply(actor=bureau, complaint_id=hotline.pk,
                                 reply="您反映的问题已核实:第二次入企为限期整改后的复查。已要求县市场监管局合并检查、提前告知。")
        services.complaint_close(actor=bureau, complaint_id=hotline.pk)

    # 12345 through the Excel import (all or nothing; the workbook is good): received, awaiting acceptance.
    with clock_at(_local(today - dt.timedelta(days=2), 17, 0)):
        complaints_import(actor=bureau, filename="12345工单-演示.xlsx", mode="all_or_nothing", data=_workbook([
            ["12345-DEMO-0002", (today - dt.timedelta(days=2)).strftime("%Y-%m-%d") + " 15:40", "孙先生",
             "13706350000", "", "", "反映检查要求企业承担检测费用", "来电人反映检查人员要求企业自行送检并承担检测费用。"],
        ]))

    # 工商联: accepted and forwarded to the emergency-management bureau, which reported; awaiting the reply.
    with clock_at(_local(today - dt.timedelta(days=6), 14, 30)):
        federation = services.complaint_receive(
            actor=bureau, channel="federation", complainant_name="东阿县工商业联合会", complainant_contact="0635-3280000",
            agency_id=yjj.pk, subject="会员企业反映安全检查标准不一", content="多家会员企业反映不同检查人员对同一事项要求不一致。")
        services.complaint_accept(actor=bureau, complaint_id=federation.pk)
        services.complaint_forward(actor=bureau, complaint_id=federation.pk, agency_id=yjj.pk)
    with clock_at(_local(today - dt.timedelta(days=2), 9, 0)):
        services.complaint_report(actor=yjj_admin, complaint_id=federation.pk,
                                  result="已统一使用检查表单开展检查,并组织执法人员培训。")

    # Enterprise contact point, a month ago: accepted but never replied — overdue.
    with clock_at(_local(today - dt.timedelta(days=32), 10, 0)):
        overdue = services.complaint_receive(
            actor=bureau, channel="contact_point", complainant_name="东阿县阿胶产业园企业联系点",
            subject="反映检查人员未扫码入企", content="园区一家企业反映有检查人员未扫码即进入车间。", officer_named="姓名不详")
        services.complaint_accept(actor=bureau, complaint_id=overdue.pk)

    # Social supervisor: out of scope, rejected with the reason.
    with clock_at(_local(today - dt.timedelta(days=9), 16, 0)):
        rejected = services.complaint_receive(
            actor=bureau, channel="social_supervisor", complainant_name="社会监督员 王建华",
            subject="反映小区物业收费问题", content="小区物业费上涨。")
        services.complaint_reject(actor=bureau, complaint_id=rejected.pk,
                                  reason="不属于涉企行政检查事项,已告知向县住建局反映。")

    # The enterprise portal, today: received.
    portal = services.complaint_receive(
        actor=enterprise_user, agency_id=scjg.pk, subject="希望合并同类检查",
        content="本月已接受两次检查,希望相关部门合并检查、减少入企次数。", complainant_contact="0635-3281234")
    return {"closed": hotline, "overdue": overdue, "portal": portal, "federation": federation, "rejected": rejected}


def feedback_load(*, progress: Callable[[str], None], password: str) -> dict:
    """Load the demo's evaluations and complaints (after ``onsite_load``)."""
    bureau = User.objects.get(username="bureau")
    progress("事后评价与投诉举报 …")
    return {**_evaluations(bureau=bureau, password=password), **_complaints(bureau=bureau)}
