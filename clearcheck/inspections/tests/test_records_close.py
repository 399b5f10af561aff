"""Closing a visit: R16 (the record complete: each missing piece refused by name), R17 (audio/video from
check-in to close, or a reason and an alert), R26 (non-inspection visits close with a summary), and the
record immutable afterwards.
"""

import datetime as dt

import pytest

from clearcheck.core import clock
from clearcheck.core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from clearcheck.inspections.choices import RecordStatus, VisitStatus
from clearcheck.inspections.models import VisitTask
from clearcheck.inspections.services import records as services
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_records_support import (
    at,
    complete,
    evidence_add,
    fill_entries,
    fill_header,
    officer_users,
    sign_all,
    task_for_visit,
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def t0(monkeypatch):
    """Freeze the clock at check-in (now, to the second); returns the moment and a setter for later."""
    start = clock.now().replace(microsecond=0)
    monkeypatch.setattr(clock, "now", at(start))

    def move(delta: dt.timedelta):
        monkeypatch.setattr(clock, "now", at(start + delta))

    return start, move


def _close(visit, county, **kwargs):
    return services.visit_close(actor=officer_users(county)[0], visit_id=visit.pk, **kwargs)


def _refused(visit, county, rule: str, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        _close(visit, county, **kwargs)
    assert exc.value.rule_id == rule, exc.value.detail
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN
    return exc.value


# --- R16: each missing piece ---------------------------------------------------------------------

def test_complete_record_closes_record_visit_and_tasks(open_visit, onsite_county):
    from clearcheck.audit.models import AuditEvent
    from clearcheck.planning.choices import TaskStatus

    visit = open_visit()
    complete(visit, onsite_county)
    closed = _close(visit, onsite_county)
    record = closed.record
    record.refresh_from_db()
    assert closed.status == VisitStatus.CLOSED and closed.closed_at is not None
    assert record.status == RecordStatus.CLOSED and record.closed_at == closed.closed_at and record.closed_by
    assert not VisitTask.objects.filter(visit=visit, active=True).exists()
    onsite_county["task"].refresh_from_db()
    assert onsite_county["task"].status == TaskStatus.COMPLETED  # no findings: outcomes complete it at once
    assert {"record.close", "visit.close"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_r16_entry_without_result_refused(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    fill_header(visit, first)
    sign_all(visit, onsite_county)
    exc = _refused(visit, onsite_county, "R16")
    assert "第 1 项" in exc.plain and "检查结果" in exc.plain


def test_r16_non_compliant_entry_needs_a_finding(open_visit, onsite_county):
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create

    visit = open_visit()
    first, _ = officer_users(onsite_county)
    fill_entries(visit, first, result="non_compliant")
    fill_header(visit, first, findings_summary="许可证未公示")
    sign_all(visit, onsite_county)
    exc = _refused(visit, onsite_county, "R16")
    assert "检查发现" in exc.plain
    finding = finding_create(actor=first, visit_id=visit.pk, entry_ids=[visit.record.entries.get().pk],
                             description="未在显著位置公示许可证")
    disposition_add(actor=first, finding_id=finding.pk, kind="correct_now", note="当场改正")
    sign_all(visit, onsite_county)  # the finding changed the record: everyone signs again
    assert _close(visit, onsite_county).status == VisitStatus.CLOSED


def test_r16_findings_summary_required(open_visit, onsite_county):
    visit = open_visit()
    complete(visit, onsite_county, findings_summary="")
    exc = _refused(visit, onsite_county, "R16")
    assert exc.field == "findings_summary" and "检查情况" in exc.plain


def test_r16_closing_without_the_enterprises_opinion_refused(open_visit, onsite_county):
    visit = open_visit()
    complete(visit, onsite_county, enterprise_opinion="")
    exc = _refused(visit, onsite_county, "R16")
    assert exc.field == "enterprise_opinion" and "企业意见" in exc.plain


def test_r16_refusal_to_give_an_opinion_is_accepted(open_visit, onsite_county):
    visit = open_visit()
    complete(visit, onsite_county, enterprise_opinion="", opinion_refused=True)
    closed = _close(visit, onsite_county)
    assert closed.status == VisitStatus.CLOSED and closed.record.opinion_refused


def test_r16_enterprise_representative_named(open_visit, onsite_county):
    visit = open_visit()
    first, _ = officer_users(onsite_county)
    fill_entries(visit, first)
    fill_header(visit, first, enterprise_representative="")
    exc = _refused(visit, onsite_county, "R16")
    assert "企业在场人员" in exc.plain


def test_r16_every_confirmed_officer_signs(open_visit, onsite_county):
    from clearcheck.inspections.services.records import record_sign_enterprise, record_sign_officer

    visit = open_visit()
    first, second = officer_users(onsite_county)
    fill_entries(visit, first)
    fill_header(visit, first)
    record_sign_officer(actor=first, visit_id=visit.pk)
    record_sign_enterprise(actor=first, visit_id=visit.pk, refused=True, refusal_note="拒绝签名")
    exc = _refused(visit, onsite_county, "R16")
    assert onsite_county["officers"][1].name in exc.plain and "签名" in exc.plain
    record_sign_officer(actor=second, visit_id=visit.pk)
    assert _close(visit, onsite_county).status == VisitStatus.CLOSED


def test_r16_enterprise_signs_or_its_refusal_is_recorded(open_visit, onsite_county):
    from clearcheck.inspections.services.records import record_sign_enterprise, record_sign_officer

    visit = open_visit()
    first, second = officer_users(onsite_county)
    fill_entries(visit, first)
    fill_header(visit, first)
    record_sign_officer(actor=first, visit_id=visit.pk)
    record_sign_officer(actor=second, visit_id=visit.pk)
    exc = _refused(visit, onsite_county, "R16")
    assert "企业代表" in exc.plain
    record_sign_enterprise(actor=second, visit_id=visit.pk, refused=True, refusal_note="拒绝签名,二人见证")
    assert _close(visit, onsite_county).status == VisitStatus.CLOSED


def test_r16_refusal_lists_every_missing_piece(open_visit, onsite_county):
    visit = open_visit()
    exc = _refused(visit, onsite_county, "R16")
    for piece in ("检查结果", "检查情况", "企业在场人员", "企业意见", "尚未签名"):
        assert piece in exc.plain


# --- who may close; immutability ----------------------------------------------------------------

def test_only_a_confirmed_officer_of_the_visit_closes(open_visit, onsite_county, make_agency, make_officer,
                                                      make_user_plain):
    visit = open_visit()
    complete(visit, onsite_county)
    agency = make_agency("东阿县应急管理局")
    stranger = make_user_plain("officer", agency=agency, officer=make_officer(agency, "赵六"))
    for actor in (stranger, onsite_county["enterprise_user"], onsite_county["head"]):
        with pytest.raises(NotFound):
            services.visit_close(actor=actor, visit_id=visit.pk)


def test_closed_record_is_immutable(open_visit, onsite_county):
    visit = open_visit()
    record = complete(visit, onsite_county)
    _close(visit, onsite_county)
    first, second = officer_users(onsite_county)
    attempts = [
        lambda: services.record_entry_set(actor=first, visit_id=visit.pk, entry_id=record.entries.get().pk,
                                          result="non_compliant"),
        lambda: services.record_header_update(actor=first, visit_id=visit.pk, enterprise_opinion="改口"),
        lambda: services.record_sign_officer(actor=second, visit_id=visit.pk),
        lambda: _close(visit, onsite_county),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as exc:
            attempt()
        assert "笔录已完成,不能修改" in exc.value.detail
    with pytest.raises(Conflict) as exc:
        services.record_header_update(actor=first, visit_id=visit.pk, place="别处")
    assert "笔录已完成,不能修改" in exc.value.detail
    record.refresh_from_db()
    assert record.enterprise_opinion == "无异议"


# --- R17: audio/video from check-in to close -----------------------------------------------------

@pytest.fixture
def av_visit(onsite_county, open_visit, t0):
    """An open visit of an R17 task, its record complete, 30 minutes after check-in."""
    start, move = t0
    visit = open_visit(task_for_visit(onsite_county, av_required=True), key="av")
    assert visit.opened_at == start and visit.record.av_required
    complete(visit, onsite_county)
    move(30 * MIN)
    return visit, start


def _alerts(rule: str) -> int:
    from clearcheck.alerts.models import Alert

    return Alert.objects.filter(rule_id=rule).count()


def test_r17_without_audio_video_refused(av_visit, onsite_county):
    visit, _ = av_visit
    exc = _refused(visit, onsite_county, "R17")
    assert exc.field == "av_missing_reason" and "音像" in exc.plain
    assert _alerts("R17") == 0


def test_r17_with_a_reason_closes_and_raises_an_alert(av_visit, onsite_county):
    visit, _ = av_visit
    closed = _close(visit, onsite_county, av_missing_reason="执法记录仪电量耗尽,已用手机补拍关键环节")
    closed.record.refresh_from_db()
    assert closed.status == VisitStatus.CLOSED
    assert closed.record.av_missing_reason.startswith("执法记录仪电量耗尽")
    from clearcheck.alerts.models import Alert

    alert = Alert.objects.get(rule_id="R17")
    assert alert.agency_id == visit.agency_id


def test_r17_blank_reason_is_no_reason(av_visit, onsite_county):
    visit, _ = av_visit
    _refused(visit, onsite_county, "R17", av_missing_reason="   ")


def test_r17_full_coverage_closes_without_alert(av_visit, onsite_county):
    visit, start = av_visit
    evidence_add(visit, kind="video", covers=(start - MIN, start + 31 * MIN))
    closed = _close(visit, onsite_county)
    closed.record.refresh_from_db()
    assert closed.status == VisitStatus.CLOSED and closed.record.av_missing_reason == ""
    assert _alerts("R17") == 0


def test_r17_a_reason_given_when_covered_is_not_kept(av_visit, onsite_county):
    visit, start = av_visit
    evidence_add(visit, kind="audio", covers=(start, start + 30 * MIN))
    closed = _close(visit, onsite_county, av_missing_reason="无")
    closed.record.refresh_from_db()
    assert closed.record.av_missing_reason == "" and _alerts("R17") == 0


@pytest.mark.parametrize(("gap_seconds", "closes"), [(120, True), (121, False)])
def test_r17_gap_between_recordings_boundary(av_visit, onsite_county, gap_seconds, closes):
    """Gaps up to CLEARCHECK_AV_GAP_SECONDS (default 120 s) count as continuous; one second more does not."""
    visit, start = av_visit
    split = start + 10 * MIN
    evidence_add(visit, kind="video", covers=(start, split))
    evidence_add(visit, kind="audio", covers=(split + dt.timedelta(seconds=gap_seconds), start + 30 * MIN))
    if closes:
        assert _close(visit, onsite_county).status == VisitStatus.CLOSED
    else:
        _refused(visit, onsite_county, "R17")


@pytest.mark.parametrize(("late_start", "early_end", "closes"), [
    (120, 0, True), (121, 0, False), (0, 120, True), (0, 121, False)])
def test_r17_recording_must_start_at_check_in_and_last_to_close(av_visit, onsite_county, late_start, early_end,
                                                               closes):
    visit, start = av_visit
    evidence_add(visit, kind="video", covers=(start + dt.timedelta(seconds=late_start),
                                              start + 30 * MIN - dt.timedelta(seconds=early_end)))
    if closes:
        assert _close(visit, onsite_county).status == VisitStatus.CLOSED
    else:
        _refused(visit, onsite_county, "R17")


def test_r17_a_short_visit_without_any_recording_is_not_covered(onsite_county, open_visit, t0):
    """The gap tolerance applies between recordings; no recording at all never counts as coverage."""
    start, move = t0
    visit = open_visit(task_for_visit(onsite_county, av_required=True), key="short")
    complete(visit, onsite_county)
    evidence_add(visit, kind="video", covers=(start - 10 * MIN, start - 5 * MIN))  # before check-in
    move(MIN)
    _refused(visit, onsite_county, "R17")


def test_r17_photos_do_not_count_as_audio_video(av_visit, onsite_county):
    visit, start = av_visit
    evidence_add(visit, kind="photo", covers=(start, start + 30 * MIN))
    _refused(visit, onsite_county, "R17")


def test_r17_gap_tolerance_is_a_setting(av_visit, onsite_county, settings):
    visit, start = av_visit
    settings.CLEARCHECK_AV_GAP_SECONDS = 0
    evidence_add(visit, kind="video", covers=(start, start + 10 * MIN))
    evidence_add(visit, kind="video", covers=(start + 10 * MIN + dt.timedelta(seconds=5), start + 30 * MIN))
    _refused(visit, onsite_county, "R17")


def test_r17_overlapping_recordings_cover(av_visit, onsite_county):
    visit, start = av_visit
    evidence_add(visit, kind="video", covers=(start + 5 * MIN, start + 20 * MIN))
    evidence_add(visit, kind="video", covers=(start, start + 8 * MIN))
    evidence_add(visit, kind="audio", covers=(start + 15 * MIN, start + 40 * MIN))
    assert _close(visit, onsite_county).status == VisitStatus.CLOSED


def test_r16_is_checked_before_r17(av_visit, onsite_county):
    """An incomplete record is refused for R16 even when audio/video is also missing."""
    visit, _ = av_visit
    first, _ = officer_users(onsite_county)
    services.record_header_update(actor=first, visit_id=visit.pk, findings_summary="")
    _refused(visit, onsite_county, "R16", av_missing_reason="设备故障")


# --- R26: non-inspection visits -------------------------------------------------------------------

def _patrol(county):
    from clearcheck.inspections.services.visits import visit_start_non_inspection
    from clearcheck.registry.codes import enterprise_code_token

    first, _ = officer_users(county)
    return visit_start_non_inspection(actor=first, kind="patrol", purpose="节前安全巡查",
                                      officer_ids=[o.pk for o in county["officers"]], idempotency_key="patrol",
                                      token=enterprise_code_token(county["code"]))


def test_r26_non_inspection_visit_closes_with_a_summary_and_no_record(onsite_county):
    from clearcheck.inspections.models import OnSiteRecord

    visit = _patrol(onsite_county)
    if visit.status != VisitStatus.OPEN:
        from clearcheck.inspections.services.visits import visit_confirm

        visit = visit_confirm(actor=officer_users(onsite_county)[1], visit_id=visit.pk)
    with pytest.raises(ValidationFailed):
        _close(visit, onsite_county)
    closed = _close(visit, onsite_county, summary="巡查消防通道,未发现堵塞")
    assert closed.status == VisitStatus.CLOSED and closed.summary == "巡查消防通道,未发现堵塞"
    assert not OnSiteRecord.objects.filter(visit=visit).exists()



@pytest.mark.parametrize("origin", ["enterprise", "third_party"])
def test_r17_a_recording_handed_over_does_not_cover_the_visit(av_visit, onsite_county, origin):
    """R17/R25: only the officers' own recording documents their conduct on site."""
    visit, start = av_visit
    evidence_add(visit, kind="video", origin=origin, covers=(start - MIN, start + 31 * MIN))
    _refused(visit, onsite_county, "R17")
