"""The demo county's supervision: the alert engine runs once over the demo's state, the bureau and an agency
handle a few alerts (acknowledged, assigned, resolved with a note), and a supervision matter opened from an
alert carries a directive the agency replied to, an interview, a published notice of a bad example and one
of a good example, and a referral to discipline. Everything goes through the services.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import Case, IntegerField, Value, When

from clearcheck.accounts.choices import Role
from clearcheck.accounts.models import User
from clearcheck.alerts import services as alert_services
from clearcheck.alerts.models import Alert
from clearcheck.core import clock
from clearcheck.registry.models import Officer
from clearcheck.supervision import engine, services

# The alert a matter is opened from: an enterprise's refusal of an unscanned entry is the clearest case.
MATTER_RULES = ("R29", "R17", "R19", "R21", "R10", "R05")


def _manager(agency_id: int, role: str) -> User | None:
    return User.objects.filter(role=role, agency_id=agency_id, is_active=True).order_by("pk").first()


def supervision_load(*, progress: Callable[[str], None]) -> dict:
    """Load the supervision part of the demo (last: it reads what the other parts left behind)."""
    bureau = User.objects.filter(role=Role.BUREAU).order_by("pk").first()
    progress("预警引擎:运行一次预警巡检 …")
    run = engine.alerts_run(actor=bureau)
    alerts = list(Alert.objects.filter(agency__isnull=False).annotate(
        rank=Case(*[When(rule_id=r, then=Value(i)) for i, r in enumerate(MATTER_RULES)],
                  default=Value(len(MATTER_RULES)), output_field=IntegerField()))
        .order_by("rank", "pk"))
    result: dict = {"run": run, "alerts": len(alerts)}
    if not alerts:
        progress("  (演示数据中没有预警,跳过专项监督示例)")
        return result

    progress("预警处置:已知悉、分派、办结 …")
    source = alerts[0]
    handled = alerts[1:4]
    if handled:
        admin = _manager(handled[0].agency_id, Role.AGENCY_ADMIN)
        if admin:
            alert_services.alert_acknowledge(actor=admin, alert_id=handled[0].pk)
    if len(handled) > 1:
        head = _manager(handled[1].agency_id, Role.AGENCY_HEAD) or _manager(handled[1].agency_id, Role.AGENCY_ADMIN)
        if head:
            alert_services.alert_assign(actor=bureau, alert_id=handled[1].pk, assignee_id=head.pk)
    if len(handled) > 2:
        alert_services.alert_resolve(actor=bureau, alert_id=handled[2].pk,
                               note="经核查,机关已说明情况并完成整改,相关材料已归档。")

    progress("专项监督:督办、约谈、通报、移送纪检监察 …")
    agency = source.agency
    today = clock.local_today()
    matter = services.matter_open(
        actor=bureau, title=f"{agency.name} {source.rule_id} 问题专项督办", alert_id=source.pk,
        summary=f"根据监督预警({source.rule_id} · {source.clause}){source.subject_label},对{agency.name}开展专项督办。",
        deadline=today + dt.timedelta(days=30),
    )
    directive = services.directive_issue(
        actor=bureau, matter_id=matter.pk, deadline=today + dt.timedelta(days=10),
        instruction="请于十个工作日内查明情况、落实整改,并将办理结果报县司法局。",
    )
    replier = _manager(agency.pk, Role.AGENCY_HEAD) or _manager(agency.pk, Role.AGENCY_ADMIN)
    if replier:
        services.directive_reply(actor=replier, directive_id=directive.pk,
                                 reply="已组织全体执法人员学习扫码入企规定,涉事检查已补正手续,并建立每周自查机制。")
    officer = Officer.objects.filter(agency=agency).order_by("pk").first()
    services.interview_record(
        actor=bureau, matter_id=matter.pk, agency_id=agency.pk, officer_id=officer.pk if officer else None,
        interviewees="分管负责人及涉事执法人员", held_at=clock.now() - dt.timedelta(days=2), place="县司法局三楼会议室",
        record_summary="指出未扫码入企、检查留痕不全的问题,要求限期整改并在全局通报。",
    )
    bad = services.notice_draft(
        actor=bureau, matter_id=matter.pk, kind="criticism", title=f"关于{agency.name}违规入企检查问题的通报",
        body=f"经查,{agency.name}个别执法人员入企检查未按规定扫码,检查过程留痕不全。县司法局已对该机关进行约谈,"
             "责令限期整改。各行政执法机关要引以为戒,严格落实扫码入企、全程留痕要求。",
    )
    services.notice_publish(actor=bureau, notice_id=bad.pk)
    good = services.notice_draft(
        actor=bureau, kind="praise", title="关于推广“综合查一次”联合检查做法的通报",
        body="部分执法机关通过联合检查实现“进一次门、查多项事”,显著减少了对企业的重复检查,予以通报表扬,请各机关学习借鉴。",
    )
    services.notice_publish(actor=bureau, notice_id=good.pk)
    if officer:
        services.referral_create(
            actor=bureau, matter_id=matter.pk, officer_ids=[officer.pk], alert_ids=[source.pk],
            clue=f"{officer.name}在检查中存在未扫码入企的问题线索,企业已拒绝并反馈。",
            evidence="关联监督预警、企业拒绝记录及审计留痕,详见所附预警。",
        )
    result.update(matter=matter, notices=[bad, good])
    return result
