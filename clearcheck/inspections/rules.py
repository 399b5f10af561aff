"""Rules of on-site work, each refusal naming its rule ID.

R13 (an officer recused from an enterprise) is registry's rule (``registry.rules.recusal_refusal``); the
check-in calls it with the recusals its one statement read.

Check-in (扫码入企): R11 (a current enterprise code, or a geolocated check-in within the configured radius
of the registered location), R01/R02/R06 (the task), R12/R13/R25 (the officers), R14 (the team). The
check-in services raise what these return at the scan, at each confirmation and when the visit opens.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from clearcheck.catalog.choices import ItemStatus
from clearcheck.catalog.rules import item_list_refusal
from clearcheck.core import clock
from clearcheck.core.errors import DomainError, FieldError, RuleViolation, ValidationFailed
from clearcheck.planning.rules import MIN_OFFICERS, single_officer_basis
from clearcheck.planning.workflows import TASK_ENTERABLE
from clearcheck.registry.models import EnterpriseCode
from clearcheck.registry.rules import (
    agency_inspection_refusal,
    officer_qualification_refusal,
    recusal_refusal,
    third_party_refusal,
)
from clearcheck.registry.validators import coordinates_to_wgs84

from .choices import DispositionKind, EntryResult, EvidenceOrigin, SignerKind, VisitKind
from .models import Finding, OnSiteRecord

# --- Check-in (扫码入企): R11 entry, R01 R02 R06 task, R12 R13 R25 officers, R14 team --------------------
#
# The check-in services (``services.visits``) raise what these return, at the scan, at each confirmation
# and again when the visit opens; a rule's wording lives here once.

DEFAULT_CHECKIN_RADIUS_M = 300
# Mean Earth radius (IUGG); at a few hundred metres the haversine error is far below GPS accuracy.
EARTH_RADIUS_M = 6_371_008.8


def checkin_radius_m() -> int:
    """R11: how far from the registered location a geolocated check-in may be (``CLEARCHECK_CHECKIN_RADIUS_M``)."""
    return int(getattr(settings, "CLEARCHECK_CHECKIN_RADIUS_M", DEFAULT_CHECKIN_RADIUS_M))


def distance_m(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    d_phi = phi2 - phi1
    d_lambda = math.radians(float(lng2) - float(lng1))
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def code_refusal(check) -> RuleViolation | None:
    """R11: a scanned enterprise code must verify and be the current, unrevoked version (``codes.CodeCheck``)."""
    if check.current:
        return None
    if not check.valid_signature:
        return RuleViolation("R11", f"企业码无效:{check.message}", field="token")
    return RuleViolation("R11", f"企业码不能用于入企:{check.message}", field="token")


def code_version_refusal(enterprise, version) -> RuleViolation | None:
    """R11 again when the visit opens: the scanned version has not been revoked in the meantime."""
    code = EnterpriseCode.objects.filter(enterprise=enterprise, version=version).first()
    if code is None or code.revoked_at is not None:
        return RuleViolation("R11", f"企业码第{version}版已作废,请扫描企业现行的码重新入企", field="token")
    return None


@dataclass(frozen=True)
class Position:
    """A check-in position in WGS-84 and its distance from the enterprise's registered location."""

    latitude: Decimal
    longitude: Decimal
    distance_m: float


def position_refusal(enterprise, latitude, longitude, datum: str = "wgs84",
                     radius_m: int | None = None) -> tuple[Position | None, DomainError | None]:
    """R11 without a code: the position (converted from GCJ-02/BD-09 to WGS-84 first) must lie within the
    configured radius of the enterprise's registered WGS-84 location. Returns (position, refusal).
    """
    if latitude in (None, "") or longitude in (None, ""):
        return None, ValidationFailed(FieldError("latitude", "未取得定位:请允许浏览器获取位置后重试"))
    lat, lng, errors = coordinates_to_wgs84(latitude, longitude, datum or "wgs84")
    if errors:
        return None, ValidationFailed(errors)
    if enterprise.latitude is None or enterprise.longitude is None:
        return None, RuleViolation(
            "R11", f"{enterprise.name}没有登记经纬度,不能定位打卡;请扫描企业码入企,或先由登记机关补录企业位置",
            field="latitude")
    distance = distance_m(lat, lng, enterprise.latitude, enterprise.longitude)
    position = Position(lat, lng, distance)
    radius = checkin_radius_m() if radius_m is None else radius_m
    if distance > radius:
        return position, RuleViolation(
            "R11", f"当前位置距{enterprise.name}登记位置约 {distance:.0f} 米,超出定位打卡范围({radius} 米)",
            field="latitude")
    return position, None


def task_checkin_refusal(task, enterprise, today: dt.date) -> RuleViolation | None:
    """R06 (filed and approved, or started as urgent under R10; for this enterprise; within its window),
    R01 (the agency may still inspect), R02 (its items are still on the published list).
    """
    label = f"检查任务 #{task.pk}"
    if task.enterprise_id != enterprise.pk:
        return RuleViolation("R06", f"{label}的检查对象不是{enterprise.name},与所扫企业不匹配", field="task_ids")
    if task.status not in TASK_ENTERABLE:
        return RuleViolation("R06", f"{label}当前为“{task.get_status_display()}”,未经批准(或紧急实施登记)不得入企检查",
                             field="task_ids")
    if not task.window_start <= today <= task.window_end:
        return RuleViolation("R06", f"{label}的检查时段为 {task.window_start} 至 {task.window_end},今天({today})不在其中",
                             field="task_ids")
    refusal = agency_inspection_refusal(task.agency)
    if refusal is None:
        refusal = item_list_refusal(task.agency, task.items.all())
    if refusal is not None:
        return RuleViolation(refusal.rule_id, refusal.plain, field="task_ids")
    return None


def task_match_refusal(officer, tasks) -> RuleViolation | None:
    """R06 (计划匹配): an inspection enters under at least one approved task, and the scanning officer is one
    of the officers filed for the chosen tasks.
    """
    tasks = list(tasks)
    if not tasks:
        return RuleViolation("R06", "入企检查须匹配已批准的检查任务:请选择本次检查的任务", field="task_ids")
    if not any(officer.pk in {o.pk for o in t.officers.all()} for t in tasks):
        return RuleViolation("R06", f"{officer.name}不在所选检查任务事前备案的执法人员中,不能据此入企", field="task_ids")
    return None


def officer_checkin_refusal(officer, enterprise, today: dt.date, *, inspection: bool = True,
                            recused: bool | None = None) -> RuleViolation | None:
    """R12/R25 (qualified today; for a non-inspection visit only: never a third party) and R13 (not recused;
    ``recused`` when already read, else asked).
    """
    if inspection:
        refusal = officer_qualification_refusal(officer, today)
    else:
        refusal = third_party_refusal(officer, inspection=False)
    if refusal is not None:
        return RuleViolation(refusal.rule_id, refusal.plain, field="officers")
    known = None if recused is None else ({officer.pk} if recused else set())
    return recusal_refusal([officer], enterprise, known)


def confirm_late_refusal(minutes: int) -> RuleViolation:
    """R14: each officer confirms on their own account within the window after the scan."""
    return RuleViolation("R14", f"已超过扫码后 {minutes} 分钟的确认时限,不能再确认;请重新扫码入企")


def assigned_team_refusal(tasks, team, items) -> RuleViolation | None:
    """R14 at the scan: the officers assigned to the chosen tasks could make a team at all."""
    refusal, _ = team_refusal(tasks, team, items)
    if refusal is None:
        return None
    return RuleViolation("R14", f"所选任务指派的执法人员不足以开展检查:{refusal.plain}", field="task_ids")


def team_refusal(tasks, confirmed, items) -> tuple[RuleViolation | None, str]:
    """R14 for the confirmed officers of a visit: at least two, unless every item records a legal basis for
    one (then that basis is returned); a joint visit (several agencies) also needs each agency's items
    covered by at least one of its own confirmed officers. Returns (refusal, single-officer basis used).
    """
    confirmed = list(confirmed)
    agencies = {}
    for task in tasks:
        agencies.setdefault(task.agency_id, task.agency)
    if len(agencies) > 1:
        for agency_id, agency in agencies.items():
            if not any(o.agency_id == agency_id for o in confirmed):
                return RuleViolation(
                    "R14", f"联合检查须有{agency.name}至少一名行政执法人员扫码确认,方可检查其事项", field="officers"), ""
    if len(confirmed) >= MIN_OFFICERS:
        return None, ""
    basis = single_officer_basis(items) if len(agencies) <= 1 else ""
    if basis and confirmed:
        return None, basis
    names = "、".join(o.name for o in confirmed) or "无"
    return RuleViolation("R14", f"须至少两名行政执法人员各自扫码确认后方可开始检查(已确认:{names})",
                         field="officers"), ""


# --- Evidence (R18) ---------------------------------------------------------------------------------


def evidence_hash_refusal(declared: str | None, received: str, *, discarded: bool = False) -> RuleViolation | None:
    """R18: the content received does not hash to the SHA-256 the phone declared (both uploads ask this).
    ``discarded``: the chunked upload that carried it has been given up (the message says to start again).
    """
    declared = str(declared or "").strip().lower()
    if not declared or declared == received:
        return None
    tail = ";本次上传已作废,请重新上传" if discarded else ",请重新上传"
    return RuleViolation("R18", f"收到的文件内容的 SHA-256({received[:12]}…)与声明值({declared[:12]}…)不符,"
                                f"文件可能在传输中损坏{tail}", field="sha256")


# --- The on-site record: R16 complete, R17 audio/video, R26 none for other visits ---------------------

DEFAULT_AV_GAP_SECONDS = 120


def record_kind_refusal(visit) -> RuleViolation | None:
    """R26: only an inspection visit has a 现场检查笔录; another visit closes with a note of what was done."""
    if visit.kind != VisitKind.INSPECTION:
        return RuleViolation("R26", "非行政检查类入企不制作现场检查笔录,结束时填写入企情况说明即可", field="kind")
    return None


def record_missing(record: OnSiteRecord) -> list[RuleViolation]:
    """R16: what the record still lacks before the visit may close (empty when complete)."""
    missing: list[RuleViolation] = []
    visit = record.visit
    if visit.opened_at is None:
        missing.append(RuleViolation("R16", "笔录缺少检查开始时间(入企确认时间)", field="opened_at"))
    entries = list(record.entries.all())
    if not entries:
        missing.append(RuleViolation("R16", "笔录没有任何检查内容", field="entries"))
    blank = [e.order for e in entries if not e.result]
    if blank:
        missing.append(RuleViolation(
            "R16", f"第 {'、'.join(map(str, blank[:10]))}{' 等' if len(blank) > 10 else ''} 项检查内容尚未填写检查结果",
            field="entries"))
    failed = {e.pk: e.order for e in entries if e.result == EntryResult.NON_COMPLIANT}
    if failed:
        found = set(Finding.objects.filter(record=record, entries__in=list(failed)).values_list("entries", flat=True))
        uncovered = sorted(order for pk, order in failed.items() if pk not in found)
        if uncovered:
            missing.append(RuleViolation(
                "R16", f"第 {'、'.join(map(str, uncovered))} 项检查结果为“不符合”,尚未登记检查发现", field="findings"))
    if not record.findings_summary.strip():
        missing.append(RuleViolation("R16", "请填写检查情况(检查发现)", field="findings_summary"))
    if not record.enterprise_representative.strip():
        missing.append(RuleViolation("R16", "请填写企业在场人员姓名", field="enterprise_representative"))
    if not record.opinion_refused and not record.enterprise_opinion.strip():
        missing.append(RuleViolation("R16", "缺少企业意见:请记录企业意见,或记录企业拒绝发表意见",
                                     field="enterprise_opinion"))
    signatures = list(record.signatures.all())
    signed = {s.officer_id for s in signatures if s.signer_kind == SignerKind.OFFICER}
    for vo in visit.visit_officers.select_related("officer").filter(confirmed_at__isnull=False):
        if vo.officer_id not in signed:
            missing.append(RuleViolation("R16", f"执法人员{vo.officer.name}尚未签名", field="signatures"))
    if not any(s.signer_kind == SignerKind.ENTERPRISE for s in signatures):
        missing.append(RuleViolation("R16", "企业代表尚未签名,也未记录拒绝签名", field="signatures"))
    return missing


def record_incomplete_refusal(missing: list[RuleViolation] | None) -> RuleViolation | None:
    """R16: the refusal to close a visit whose record is absent (``None``) or lacks ``missing``; None when
    complete.
    """
    if missing is None:
        return RuleViolation("R16", "本次检查尚无现场检查笔录,不能结束", field="record")
    if not missing:
        return None
    detail = ";".join(m.plain for m in missing)
    return RuleViolation("R16", f"笔录不完整,不能结束检查:{detail}", field=missing[0].field)


def av_gap_tolerance() -> dt.timedelta:
    """R17: the largest gap between recordings still taken as continuous (``CLEARCHECK_AV_GAP_SECONDS``)."""
    return dt.timedelta(seconds=int(getattr(settings, "CLEARCHECK_AV_GAP_SECONDS", DEFAULT_AV_GAP_SECONDS)))


def av_gaps(start: dt.datetime, until: dt.datetime, spans, tolerance: dt.timedelta) -> list[tuple]:
    """R17: the gaps longer than ``tolerance`` that the recorded ``spans`` (in order, merged) leave between
    ``start`` and ``until``; a visit without any recording is one gap, however short. Empty when covered.
    """
    spans = list(spans)
    if not spans:
        return [(start, until)]  # no recording at all is never "covered", however short the visit
    gaps: list[tuple] = []
    cursor = start
    for begin, end in spans:
        if begin > cursor:
            gaps.append((cursor, begin))
        cursor = max(cursor, end)
    if cursor < until:
        gaps.append((cursor, until))
    return [(a, b) for a, b in gaps if b - a > tolerance]


def av_refusal(gaps: list[tuple]) -> RuleViolation | None:
    """R17: the refusal naming the uncovered spans (local time), or None when there are none."""
    if not gaps:
        return None
    local = [(a.astimezone(clock.LOCAL_TZ).strftime("%H:%M:%S"), b.astimezone(clock.LOCAL_TZ).strftime("%H:%M:%S"))
             for a, b in gaps]
    spans = "、".join(f"{a}–{b}" for a, b in local[:5])
    return RuleViolation("R17", f"本次检查须全过程音像记录,{spans} 没有录音录像覆盖;"
                                "不能全程记录的,请说明理由", field="av_missing_reason")


# --- Outcomes (R19) ---------------------------------------------------------------------------------


def findings_undisposed_refusal(record: OnSiteRecord) -> RuleViolation | None:
    """R19: the refusal to close a record while a finding has no disposition (or no longer ties a failed
    entry); None when every finding is disposed of.
    """
    findings = list(record.findings.prefetch_related("entries", "dispositions").order_by("id"))
    bare = [f"#{f.pk}" for f in findings if not f.dispositions.all()]
    if bare:
        return RuleViolation("R19", f"检查发现 {'、'.join(bare)} 尚未作出处置,每项检查发现须至少有一种处置",
                             field="findings")
    stale = [f"#{f.pk}" for f in findings if any(e.result != EntryResult.NON_COMPLIANT for e in f.entries.all())]
    if stale:
        return RuleViolation("R19", f"检查发现 {'、'.join(stale)} 所涉检查内容已不是“不符合”,请修改或删除该检查发现",
                             field="findings")
    return None


def disposition_kind_refusal(finding, kind: str) -> RuleViolation | None:
    """R19: the refusal of a disposition that does not fit the finding. A finding records a problem (it ties
    checklist entries found non-compliant), so "未发现问题(告知)" does not fit it; None when the kind fits.
    """
    if kind == DispositionKind.NOTICE:
        return RuleViolation("R19", f"检查发现 #{finding.pk} 记录的是发现的问题,不能以“未发现问题(告知)”处置;"
                                    "请选择责令改正、移送、立案或不予处罚", field="kind")
    return None


def disposition_kinds_fitting(finding) -> list[str]:
    """R19: the dispositions a finding may still be given: those that fit it (``disposition_kind_refusal``)
    and that it does not have yet (a referral may go to one more agency).
    """
    has = {d.kind for d in finding.dispositions.all()} - {DispositionKind.REFER}
    return [kind for kind in DispositionKind.values
            if kind not in has and disposition_kind_refusal(finding, kind) is None]


def no_penalty_ground_refusal(entry, finding) -> RuleViolation | None:
    """R19: a no-penalty decision cites an entry of the finding's agency's currently published no-penalty list
    (``entry`` None: not found at all).
    """
    if entry is None or entry.agency_id != finding.agency_id:
        return RuleViolation("R19", f"所选免罚依据不在{finding.agency.name}的免罚清单中", field="no_penalty_entry")
    if entry.status != ItemStatus.PUBLISHED:
        return RuleViolation("R19", f"免罚依据“{entry.title}”当前为“{entry.get_status_display()}”,"
                                    f"不在{finding.agency.name}现行公布的免罚清单中", field="no_penalty_entry")
    return None


def third_party_evidence_refusal(evidence) -> RuleViolation | None:
    """R25: third-party material is never the basis of an inspection result (the officers find it on site)."""
    third = [e.pk for e in evidence if e.origin == EvidenceOrigin.THIRD_PARTY]
    if third:
        return RuleViolation("R25", f"证据 {'、'.join(map(str, third))} 是第三方出具的材料,不能作为检查结果的依据;"
                                    "检查结果须由执法人员现场检查得出", field="evidence_ids")
    return None
