"""The demo county's on-site loop, built through the services as officers and enterprises would:

- three weeks ago: an inspection of the demo enterprise (a correction order with a re-check, a
  first-violation no-penalty decision, a referral to the emergency-management bureau that handled it),
  an inspection of another producer whose loop closed (a case filed, a correction on the spot, a notice
  of a matter to attend to)
  and a patrol (巡查, a non-inspection visit, R26);
- now: the re-check is due (approved, its deadline passed, so an R19 overdue alert is open) and an
  inspection of the demo enterprise is in progress (record half filled, a photo taken).

The past is reached by moving the platform clock, so every event carries the time it happened.
"""

import contextlib
import datetime as dt
import struct
import zlib
from collections.abc import Callable

from clearcheck.accounts.choices import Role
from clearcheck.accounts.models import User
from clearcheck.accounts.services import user_create
from clearcheck.catalog.models import Checklist, InspectionItem, NoPenaltyEntry
from clearcheck.core import clock
from clearcheck.inspections.management.commands.inspections_alerts import inspections_alerts_run
from clearcheck.inspections.models import Visit
from clearcheck.inspections.services import evidence as evidence_services
from clearcheck.inspections.services import outcomes, outcomes_loop, records, records_fill, visits
from clearcheck.planning.services import tasks
from clearcheck.registry.codes import enterprise_code_current, enterprise_code_token
from clearcheck.registry.models import Agency, Enterprise, Officer

DAYS_AGO = 21


@contextlib.contextmanager
def clock_at(moment: dt.datetime):
    """Run the services as if it were ``moment`` (the demo's past); the clock advances with real time."""
    real_now = clock.now
    offset = moment - real_now()
    clock.now = lambda: real_now() + offset
    try:
        yield
    finally:
        clock.now = real_now


def png_image(width: int, height: int, ink: Callable[[int, int], bool]) -> bytes:
    """A black-on-white PNG (8-bit greyscale) where ``ink(x, y)`` is True; stands in for a drawn
    signature or a phone photo in the demo.
    """
    rows = b"".join(b"\x00" + bytes(0 if ink(x, y) else 255 for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _signature_data_url(seed: int) -> str:
    import base64

    image = png_image(240, 80, lambda x, y: abs(y - 40 - ((x * (seed + 3)) % 23 - 11)) < 2 and 20 < x < 220)
    return "data:image/png;base64," + base64.b64encode(image).decode()


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)


def _approved_task(*, admin, head, agency, enterprise, officers, items, checklist=None, source="complaint",
                   inspection_type="case", reference="", days=7, av=False):
    today = clock.local_today()
    task = tasks.task_create(
        actor=admin, agency=agency, enterprise=enterprise, inspection_type=inspection_type, source=source,
        items=items, officers=officers, window_start=today, window_end=today + dt.timedelta(days=days),
        checklist=checklist, source_reference=reference,
        notice="请安排熟悉情况的人员陪同,备齐许可证照、进货查验和生产记录",
    )
    if av:
        type(task).objects.filter(pk=task.pk).update(av_required=True, av_ground="contentious")
    tasks.task_submit(actor=admin, task_id=task.pk)
    return tasks.task_approve(actor=head, task_id=task.pk, note="同意,按检查表单依单检查")


def _enter(task, officer_users, key: str) -> Visit:
    """Officer 1 scans the enterprise code, officer 2 confirms on their own phone: the visit opens."""
    token = enterprise_code_token(enterprise_code_current(enterprise=task.enterprise))
    visit = visits.visit_start_by_code(actor=officer_users[0], token=token, task_ids=[task.pk],
                                       idempotency_key=key)
    return visits.visit_confirm(actor=officer_users[1], visit_id=visit.pk)


def _photo(actor, visit: Visit, officer: Officer, proves: str, seed: int):
    enterprise = visit.enterprise
    image = png_image(160, 120, lambda x, y: (x // (8 + seed) + y // 10) % 2 == 0)
    return evidence_services.evidence_add(
        actor=actor, visit_id=visit.pk, kind="photo", content=image, proves=proves,
        captured_at=clock.now(), latitude=enterprise.latitude, longitude=enterprise.longitude,
        captured_by=officer.pk, original_name=f"IMG_2026{seed:04d}.png",
    )


def _fill(actor, visit: Visit, failed: dict[int, str]) -> list:
    """Every entry compliant except those at the indexes of ``failed`` (index → what was wrong)."""
    entries = list(visit.record.entries.order_by("order"))
    for index, entry in enumerate(entries):
        result = "non_compliant" if index in failed else "compliant"
        records_fill.record_entry_set(actor=actor, visit_id=visit.pk, entry_id=entry.pk, result=result,
                                      note=failed.get(index, ""))
    return entries


def _sign_and_close(officer_users, visit: Visit, *, representative: str, opinion: str, refuse_signature=False):
    first, second = officer_users
    records_fill.record_header_update(
        actor=first, visit_id=visit.pk, place=f"{visit.enterprise.name}生产车间、仓库", recorder_id=visit.visit_officers
        .filter(initiator=False).values_list("officer_id", flat=True).first(),
        enterprise_representative=representative, representative_title="质量负责人",
        enterprise_opinion=opinion,
        # The notification steps, as the officers confirm them on site (the PDF states only what was confirmed).
        credentials_shown=True, rights_told=True, recusal_answer="no",
    )
    records_fill.record_sign_officer(actor=first, visit_id=visit.pk)
    records_fill.record_sign_officer(actor=second, visit_id=visit.pk)
    if refuse_signature:
        records_fill.record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True,
                                            refusal_note="企业在场人员对检查结果无异议,但以须请示法定代表人为由拒绝签字")
    else:
        records_fill.record_sign_enterprise(actor=first, visit_id=visit.pk, image_data_url=_signature_data_url(visit.pk))
    return records.visit_close(actor=first, visit_id=visit.pk)


def onsite_load(*, password: str, progress: Callable[[str], None]) -> dict:
    """Load the on-site part of the demo (after planning and the enterprise codes)."""
    scjg = Agency.objects.get(code="371524-SCJG")
    yjj = Agency.objects.get(code="371524-YJJ")
    admin, head = User.objects.get(username="scjg_admin"), User.objects.get(username="scjg_head")
    yjj_admin, yjj_head = User.objects.get(username="yjj_admin"), User.objects.get(username="yjj_head")
    officer_one = User.objects.get(username="scjg_officer")
    team = list(Officer.objects.filter(agency=scjg, personnel_type="enforcement", status="valid")
                .order_by("credential_no")[:2])
    officer_two = user_create(actor=User.objects.get(username="bureau"), username="scjg_officer2",
                              password=password, role=Role.OFFICER, agency=scjg, officer=team[1],
                              display_name=team[1].name)
    officer_users = [officer_one, officer_two]
    enterprise_user = User.objects.get(username="enterprise")
    home = enterprise_user.enterprise
    other = (Enterprise.objects.filter(industry_id=home.industry_id, latitude__isnull=False).exclude(pk=home.pk)
             .order_by("id").first())
    checklist = Checklist.objects.get(code="SCJG-T01", status="published")
    items = list(InspectionItem.objects.filter(pk__in=checklist.entries.values("item_id")).order_by("code"))
    ground = NoPenaltyEntry.objects.filter(agency=scjg, status="published", kind="first_violation").first()

    past_day = clock.local_today() - dt.timedelta(days=DAYS_AGO)
    progress(f"{DAYS_AGO} 天前:扫码入企、现场检查笔录、证据、处置 …")
    with clock_at(_local(past_day, 9, 30)):
        task = _approved_task(admin=admin, head=head, agency=scjg, enterprise=home, officers=team, items=items,
                              checklist=checklist, reference="12345-20261106-0217")
        visit = _enter(task, officer_users, "demo-visit-home-past")
        entries = _fill(officer_one, visit, {1: "原料驴皮进货查验记录缺 2026 年 9 月、10 月两批次的检疫证明"})
        photo = _photo(officer_one, visit, team[0], "原料仓库驴皮批次标签与进货查验记录不一致", 1)
        failed = [e for e in entries if e.order == entries[1].order]
        records_fill.record_entry_set(actor=officer_one, visit_id=visit.pk, entry_id=failed[0].pk,
                                      evidence_ids=[photo.pk])
        finding = outcomes.finding_create(actor=officer_one, visit_id=visit.pk, entry_ids=[failed[0].pk],
                                          description="原料进货查验记录不全,两批次驴皮缺检疫证明",
                                          legal_basis="《中华人民共和国食品安全法》第五十条")
        outcomes.disposition_add(actor=officer_one, finding_id=finding.pk, kind="correct_by_deadline",
                                 deadline=past_day + dt.timedelta(days=10), note="补齐检疫证明,完善进货查验记录")
        if ground is not None:
            outcomes.disposition_add(actor=officer_one, finding_id=finding.pk, kind="no_penalty",
                                     no_penalty_entry=ground.pk, note="首次违法、危害后果轻微,限期改正")
        outcomes.disposition_add(actor=officer_one, finding_id=finding.pk, kind="refer", referred_to=yjj.pk,
                                 note="锅炉房安全警示标识缺失,属安全生产监管职责,移送县应急管理局")
        records_fill.record_header_update(actor=officer_one, visit_id=visit.pk,
                                          findings_summary="发现原料进货查验记录不全,已责令限期改正并复查")
        _sign_and_close(officer_users, visit, representative="李秀兰", opinion="对检查结果无异议,按期整改")
        recheck = finding.dispositions.get(kind="correct_by_deadline").recheck_task
        tasks.task_approve(actor=head, task_id=recheck.pk, note="同意按期复查")
        referral = finding.dispositions.get(kind="refer")
        outcomes_loop.referral_accept(actor=yjj_admin, disposition_id=referral.pk, note="已接收,安排执法人员核查")
        outcomes_loop.referral_handle(actor=yjj_head, disposition_id=referral.pk,
                                      note="经现场核查,企业已补设安全警示标识,不予立案")

    with clock_at(_local(past_day + dt.timedelta(days=2), 14, 0)):
        task = _approved_task(admin=admin, head=head, agency=scjg, enterprise=other, officers=team, items=items,
                              checklist=checklist, reference="12345-20261108-0533")
        visit = _enter(task, officer_users, "demo-visit-other-past")
        entries = _fill(officer_one, visit, {
            0: "成品库房温湿度记录缺失 15 天", 1: "标签标示的生产日期与批记录不一致"})
        _photo(officer_one, visit, team[1], "成品标签生产日期与批生产记录不一致", 2)
        storage = outcomes.finding_create(actor=officer_one, visit_id=visit.pk, entry_ids=[entries[0].pk],
                                          description="成品库房温湿度未按规定记录")
        outcomes.disposition_add(actor=officer_one, finding_id=storage.pk, kind="correct_now",
                                 note="企业当场补建温湿度记录表,指定专人每日记录")
        label = outcomes.finding_create(actor=officer_one, visit_id=visit.pk, entry_ids=[entries[1].pk],
                                        description="标签标示生产日期与实际不符,涉嫌标签虚假标注",
                                        legal_basis="《中华人民共和国食品安全法》第七十一条")
        outcomes.disposition_add(actor=officer_one, finding_id=label.pk, kind="case",
                                 case_number="东市监立〔2026〕118号", note="涉嫌违法,依法立案调查")
        # A reminder is not a finding (R19: a finding records a problem): it goes into the record's summary.
        records_fill.record_header_update(actor=officer_one, visit_id=visit.pk,
                                          findings_summary="发现库房记录缺失(已当场改正)、标签标注不符(已立案);"
                                                           "另提示 1 名从业人员健康证明将于下月到期,请及时安排体检")
        _sign_and_close(officer_users, visit, representative="王建国", opinion="库房问题已当场改正,标签问题待核实",
                        refuse_signature=True)

    with clock_at(_local(past_day + dt.timedelta(days=5), 10, 0)):
        token = enterprise_code_token(enterprise_code_current(enterprise=home))
        patrol = visits.visit_start_non_inspection(
            actor=officer_one, kind="patrol", purpose="节前食品安全巡查,了解企业生产情况,不作检查结论",
            officer_ids=[t.pk for t in team], idempotency_key="demo-patrol-past", token=token)
        visits.visit_confirm(actor=officer_two, visit_id=patrol.pk)
        records.visit_close(actor=officer_one, visit_id=patrol.pk,
                            summary="巡查生产车间和仓库,企业生产正常,未开展行政检查")

    progress("检查进行中;复查到期 …")
    current = _approved_task(admin=admin, head=head, agency=scjg, enterprise=home, officers=team, items=items[:2],
                             checklist=checklist, source="enterprise_request", reference="企业申请 2026-11-25")
    visit = _enter(current, officer_users, "demo-visit-home-now")
    _fill(officer_one, visit, {})
    _photo(officer_one, visit, team[0], "生产车间现场状况", 3)
    counts = inspections_alerts_run()
    return {"alerts": counts}
