"""The demo county's planning: tiers, annual plans and filings, a special campaign, tasks in every
state, and a joint inspection — all through the planning services, as of the day the demo loads.
"""

import datetime as dt
import random
from collections.abc import Callable

from clearcheck.accounts.choices import Role
from clearcheck.accounts.services import user_create
from clearcheck.catalog.models import Checklist, InspectionItem
from clearcheck.core import clock
from clearcheck.planning.management.commands.planning_alerts import planning_alerts_run
from clearcheck.planning.selectors.tiers import tiers_current_for
from clearcheck.planning.services import coordination, plans, special_plans, tasks, tiers
from clearcheck.registry.models import Agency, Enterprise, Officer

# Agencies whose plans for next year are filed (the others have not filed yet).
FILING_AGENCIES = ("SCJG", "YJJ", "STHJ", "WJJ", "XF")


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=f"371524-{code}")


def _officers(agency: Agency, n: int = 2) -> list[Officer]:
    return list(Officer.objects.filter(agency=agency, personnel_type="enforcement", status="valid",
                                       valid_to__gte=clock.local_today()).order_by("credential_no")[:n])


def _item(code: str) -> InspectionItem:
    return InspectionItem.objects.get(code=code, status="published")


def planning_load(*, bureau, government, admins: dict, password: str, progress: Callable[[str], None]) -> dict:
    """Load the planning part of the demo. ``admins`` maps agency code → its admin account."""
    rng = random.Random(2026)
    today = clock.local_today()
    year = today.year
    heads = {
        code: user_create(actor=bureau, username=f"{code.lower()}_head", password=password, role=Role.AGENCY_HEAD,
                          agency=_agency(code), display_name=f"{_agency(code).name}负责人")
        for code in ("YJJ", "STHJ")
    }
    from clearcheck.accounts.models import User

    heads["SCJG"] = User.objects.get(username="scjg_head")

    progress("分级分类:风险等级与信用评价 …")
    for agency in Agency.objects.filter(listed=True):
        tiers.tier_scheme_ensure(agency)
    gelatin = list(Enterprise.objects.filter(industry_id="2740").order_by("id"))
    for enterprise in Enterprise.objects.order_by("id")[:120]:
        rating = rng.choices("ABCD", weights=(55, 30, 12, 3))[0]
        tiers.credit_rating_set(actor=bureau, enterprise=enterprise, rating=rating, source="山东省公共信用信息平台")
    scjg = _agency("SCJG")
    for enterprise in gelatin:
        tiers.enterprise_tier_score(actor=admins["SCJG"], agency=scjg, enterprise=enterprise,
                                    violations=rng.choice((0, 0, 0, 1, 2)), complaints=rng.choice((0, 0, 1, 3)),
                                    reason="按《东阿县企业分级分类监管指导意见》年度评定")
    tiers.enterprise_tier_assign(actor=admins["SCJG"], agency=scjg, enterprise=gelatin[1], tier_code="D",
                                 reason="近一年两次抽检不合格,列为重点监管对象")

    # Low-risk (tier A) producers get no proactive inspection (R21): the campaign visits the others.
    graded = tiers_current_for(scjg.pk, [e.pk for e in gelatin])
    targets = [e for e in gelatin if graded[e.pk].rank > 1]

    progress(f"{year + 1} 年度检查计划编制与备案 …")
    for code in FILING_AGENCIES:
        agency = _agency(code)
        plan = plans.annual_plan_create(
            actor=admins[code], agency=agency, year=year + 1,
            basis="《东阿县严格规范涉企行政检查工作方案》(东政办发〔2025〕1号)、上级部署及本机关检查事项清单",
            goals="压减检查频次,合并同类检查,提高问题发现率和整改率",
            forms="双随机抽查为主,重点检查为辅,联合检查优先", scope=f"{agency.name}监管领域内的市场主体",
            content="检查事项清单所列事项,依单检查",
        )
        for item in InspectionItem.objects.filter(agency=agency, status="published").order_by("code")[:3]:
            for month in (3, 6, 9):
                plans.annual_plan_entry_set(actor=admins[code], plan_id=plan.pk, item_id=item.pk, month=month,
                                            target_count=rng.randint(5, 30))
        plans.annual_plan_file(actor=admins[code], plan_id=plan.pk)

    progress("专项检查计划:法制审核、集体讨论、县政府批准 …")
    campaign = special_plans.special_plan_create(
        actor=admins["SCJG"], lead_agency=scjg, year=today.year if today.month < 12 else year,
        title="阿胶行业质量安全专项检查", scope="全县阿胶(中成药)生产企业",
        content="原料驴皮来源与检验、生产工艺与批记录、锅炉等特种设备、安全生产与排污",
        period_start=today + dt.timedelta(days=3), period_end=min(today + dt.timedelta(days=60),
                                                                    dt.date(today.year, 12, 31)),
        assessment="阿胶产品抽检发现原料来源记录不全,经风险评估确需开展专项检查",
        co_agencies=[_agency("YJJ").pk, _agency("STHJ").pk],
    )
    special_plans.special_plan_legal_review_record(actor=admins["SCJG"], plan_id=campaign.pk,
                                                   opinion="经法制审核,检查依据充分,程序合法")
    special_plans.special_plan_discussion_record(actor=admins["SCJG"], plan_id=campaign.pk,
                                                 record="局党组会议集体讨论通过", discussed_on=today)
    special_plans.special_plan_submit(actor=admins["SCJG"], plan_id=campaign.pk)
    special_plans.special_plan_approve(actor=government, plan_id=campaign.pk, note="同意开展,注意合并检查、减少入企")

    progress("检查任务:提报、审批、紧急检查 …")
    checklist = Checklist.objects.get(code="SCJG-T01", status="published")
    start, end = today + dt.timedelta(days=5), today + dt.timedelta(days=20)

    def task(code, enterprise, **values):
        agency = _agency(code)
        return tasks.task_create(actor=admins[code], agency=agency, enterprise=enterprise,
                                 officers=_officers(agency), window_start=values.pop("window_start", start),
                                 window_end=values.pop("window_end", end),
                                 notice="请备齐相关许可证照、台账记录,安排熟悉情况的人员陪同", **values)

    created = []
    for enterprise in targets[:4]:
        created.append(task("SCJG", enterprise, inspection_type="special", source="special_plan",
                            special_plan=campaign, items=[_item("SCJG-002")], checklist=checklist))
    for t in created:
        tasks.task_submit(actor=admins["SCJG"], task_id=t.pk)
    for t in created[:2]:
        tasks.task_approve(actor=heads["SCJG"], task_id=t.pk, note="同意,按表单检查")
    # Left in the head's approval inbox: created[2], created[3].
    safety = task("YJJ", targets[0], inspection_type="special", source="special_plan", special_plan=campaign,
                  items=[_item("YJJ-001")], window_start=start + dt.timedelta(days=2), window_end=end)
    tasks.task_submit(actor=admins["YJJ"], task_id=safety.pk)
    tasks.task_approve(actor=heads["YJJ"], task_id=safety.pk)
    emission = task("STHJ", targets[1], inspection_type="special", source="special_plan", special_plan=campaign,
                    items=[_item("STHJ-001")])
    tasks.task_submit(actor=admins["STHJ"], task_id=emission.pk)
    tasks.task_approve(actor=heads["STHJ"], task_id=emission.pk)
    complaint = task("STHJ", targets[5], inspection_type="case", source="complaint", items=[_item("STHJ-002")],
                     source_reference="12345-20261127-0458", window_start=today, window_end=today)
    tasks.task_start_urgent(actor=admins["STHJ"], task_id=complaint.pk,
                            reason="12345热线投诉夜间异味扰民,需立即现场核实")

    progress("计划统筹:合并为联合检查 …")
    coordination.joint_inspection_create(actor=bureau, task_ids=[created[1].pk, emission.pk], lead_agency_id=scjg.pk,
                                         note="同一企业、时段重叠,进一次门、查多项事")
    counts = planning_alerts_run()
    return {"campaign": campaign, "alerts": counts}
