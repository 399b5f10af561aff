"""Evidence in one request (R18): metadata required and checked, SHA-256 computed by the server, type by
content, size limits, content-addressed storage never overwritten, corruption detected on read, who may
upload; and the audio/video coverage of a visit (R17).
"""

import datetime as dt
import os

import pytest

from clearcheck.core import clock
from clearcheck.core.blobs import (
    BlobCorrupted,
    blob_path,
    blob_put,
    blob_read,
)
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation, ValidationFailed
from clearcheck.inspections.services import evidence as services
from clearcheck.inspections.services.evidence import EvidenceCorrupted, EvidenceMetadataMissing
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import (
    SITE,
    flip_byte,
    jpeg,
    later,
    meta,
    mp4,
    pdf,
    png,
    sha,
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def add(team, data: bytes, who="first", **overrides):
    actor = team[who]
    return services.evidence_add(actor=actor, visit_id=team["visit"].pk, content=data,
                                 **meta(actor.officer, **overrides))


def fields(exc) -> set[str]:
    return {e.field for e in exc.errors}


# --- R18: what evidence carries --------------------------------------------------------------------

def test_r18_photo_is_recorded_with_time_place_who_what_and_the_servers_sha256(team):
    from clearcheck.audit.models import AuditEvent

    data = jpeg(3000)
    record = add(team, data, original_name="现场.jpg")
    assert record.sha256 == sha(data) and record.size == 3000 and record.content_type == "image/jpeg"
    assert record.captured_by == team["first"].officer and record.captured_by_name == team["first"].officer.name
    assert str(record.latitude) == SITE[0] and str(record.longitude) == SITE[1]
    assert record.proves == "车间地面积水,原料未离地存放" and record.original_name == "现场.jpg"
    assert record.origin == "captured" and record.uploaded_by == team["first"].username
    assert blob_read(record.sha256) == data
    assert AuditEvent.objects.filter(action="evidence.add", subject_id=str(record.pk)).count() == 1


@pytest.mark.parametrize("missing", ["captured_at", "latitude", "longitude", "captured_by", "proves"])
def test_r18_evidence_without_a_metadata_field_is_refused_naming_it(team, missing):
    from clearcheck.inspections.models import Evidence

    with pytest.raises(EvidenceMetadataMissing) as caught:
        add(team, jpeg(), **{missing: None if missing != "proves" else "   "})
    exc = caught.value
    assert exc.rule_id == "R18" and exc.status == 422
    assert fields(exc) == {missing}
    assert services.R18_FIELDS[missing] in exc.plain
    assert not Evidence.objects.exists()


def test_r18_evidence_without_a_position_is_stored_without_one_when_stated(team):
    """No position from the phone: the uploader states it and none is stored — never a stand-in address."""
    from clearcheck.audit.models import AuditEvent

    record = add(team, jpeg(2100), latitude=None, longitude=None, no_position=True)
    assert record.latitude is None and record.longitude is None
    event = AuditEvent.objects.get(action="evidence.add", subject_id=str(record.pk))
    assert '"latitude":null' in event.body
    with pytest.raises(EvidenceMetadataMissing):  # not stated: still R18's missing place
        add(team, jpeg(2200), latitude=None, longitude=None)


def test_r18_a_position_given_wins_over_the_statement(team):
    record = add(team, jpeg(2300), no_position=True)
    assert str(record.latitude) == SITE[0] and str(record.longitude) == SITE[1]


def test_r18_every_missing_field_is_named_at_once(team):
    with pytest.raises(EvidenceMetadataMissing) as caught:
        services.evidence_add(actor=team["first"], visit_id=team["visit"].pk, content=jpeg(), kind="photo",
                              proves="", captured_at=None, latitude=None, longitude="", captured_by=None)
    assert fields(caught.value) == {"captured_at", "latitude", "longitude", "captured_by", "proves"}
    assert "采集时间、采集地点(纬度)、采集地点(经度)、采集人、证明事项" in caught.value.plain


def test_r18_capture_time_in_the_future_is_refused_beyond_the_clock_skew(team):
    assert add(team, jpeg(seed=b"a"), captured_at=later(4)).pk  # a phone's clock a little ahead
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(seed=b"b"), captured_at=later(6))
    assert fields(caught.value) == {"captured_at"} and "晚于当前时间" in str(caught.value)


def test_r18_capture_time_before_the_visit_started_is_refused(team):
    started = team["visit"].started_at
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(), captured_at=started - dt.timedelta(hours=1))
    assert fields(caught.value) == {"captured_at"} and "早于本次入企时间" in str(caught.value)


def test_r18_capture_time_without_zone_is_read_as_beijing_time(team):
    local = clock.local_now().replace(tzinfo=None, microsecond=0)
    record = add(team, jpeg(), captured_at=local.isoformat())
    assert record.captured_at == local.replace(tzinfo=clock.LOCAL_TZ)


@pytest.mark.parametrize(("lat", "lng", "field"), [("91", "116.2", "latitude"), ("36.3", "-181", "longitude"),
                                                   ("北纬", "116.2", "latitude"), ("nan", "116.2", "latitude")])
def test_r18_place_out_of_range_or_not_a_number_is_refused(team, lat, lng, field):
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(), latitude=lat, longitude=lng)
    assert field in fields(caught.value)


def test_r18_gcj02_position_from_a_chinese_map_is_stored_as_wgs84(team):
    from clearcheck.registry.validators import coordinates_to_wgs84

    record = add(team, jpeg(), latitude="36.336350", longitude="116.254270", datum="gcj02")
    lat, lng, _ = coordinates_to_wgs84("36.336350", "116.254270", "gcj02")
    assert (record.latitude, record.longitude) == (lat, lng)
    assert (str(lat), str(lng)) != ("36.336350", "116.254270")  # converted, not stored as sent


def test_r18_captured_by_must_be_a_confirmed_officer_of_the_visit(team, outsider):
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(), captured_by=outsider.officer.pk)
    assert fields(caught.value) == {"captured_by"}
    colleague = add(team, jpeg(), captured_by=team["second"].officer.pk)  # a colleague's photo, uploaded by me
    assert colleague.captured_by == team["second"].officer


def test_r18_declared_sha256_must_match_what_arrived(team):
    data = jpeg()
    with pytest.raises(RuleViolation) as caught:
        add(team, data, sha256=sha(data + b"x"))
    assert caught.value.rule_id == "R18" and caught.value.field == "sha256"
    assert add(team, data, sha256=sha(data).upper()).sha256 == sha(data)


@pytest.mark.parametrize("origin", ["enterprise", "third_party"])
def test_r25_origin_of_handed_over_documents_is_stored(team, origin):
    record = add(team, pdf(), kind="document", origin=origin)
    assert record.origin == origin and record.content_type == "application/pdf"


# --- type by content, not by name -------------------------------------------------------------------

def test_a_jpg_that_is_really_a_pdf_is_refused_as_photo(team):
    with pytest.raises(ValidationFailed) as caught:
        add(team, pdf(), original_name="现场照片.jpg")
    message = str(caught.value)
    assert fields(caught.value) == {"file"}
    assert "PDF 文档" in message and "照片" in message and "不看扩展名" in message


@pytest.mark.parametrize(("kind", "data", "mime"), [
    ("photo", jpeg(), "image/jpeg"),
    ("photo", png(), "image/png"),
    ("document", pdf(), "application/pdf"),
    ("video", mp4(), "video/mp4"),
    ("video", mp4(brand=b"qt  "), "video/quicktime"),
    ("video", mp4(brand=b"3gp4"), "video/3gpp"),
    ("audio", mp4(brand=b"M4A "), "audio/mp4"),
    ("audio", b"ID3\x03\x00\x00\x00" + b"\x00" * 500, "audio/mpeg"),
    ("audio", b"#!AMR\n" + b"\x00" * 500, "audio/amr"),
])
def test_accepted_types_by_content(team, kind, data, mime):
    extra = {"covers_from": later(-2), "covers_to": later(-1)} if kind in ("audio", "video") else {}
    assert add(team, data, kind=kind, **extra).content_type == mime


@pytest.mark.parametrize(("kind", "data"), [("video", jpeg()), ("audio", pdf()), ("document", b"plain text" * 50),
                                            ("photo", b"MZ\x90\x00" + b"\x00" * 200)])
def test_content_not_fitting_the_kind_is_refused(team, kind, data):
    extra = {"covers_from": later(-2), "covers_to": later(-1)} if kind in ("audio", "video") else {}
    with pytest.raises(ValidationFailed) as caught:
        add(team, data, kind=kind, **extra)
    assert fields(caught.value) == {"file"}


def test_size_limit_boundary(team, settings):
    settings.CLEARCHECK_EVIDENCE_MAX_BYTES_PHOTO = 2048
    assert add(team, jpeg(2048)).size == 2048
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(2049, seed=b"x"))
    assert fields(caught.value) == {"file"} and "2 KB" in str(caught.value)


def test_the_one_request_limit_sends_larger_files_to_chunks(team, settings):
    settings.CLEARCHECK_EVIDENCE_DIRECT_MAX_BYTES = 1024
    with pytest.raises(ValidationFailed) as caught:
        add(team, jpeg(1025))
    assert "分片上传" in str(caught.value)


def test_empty_file_is_refused(team):
    with pytest.raises(ValidationFailed):
        add(team, b"")


# --- recordings (R17 reads their span) --------------------------------------------------------------

def test_recordings_need_the_span_they_cover(team):
    with pytest.raises(ValidationFailed) as caught:
        add(team, mp4(), kind="video")
    assert fields(caught.value) == {"covers_from", "covers_to"}
    with pytest.raises(ValidationFailed) as caught:
        add(team, mp4(), kind="video", covers_from=later(-1), covers_to=later(-2))
    assert fields(caught.value) == {"covers_to"}


def test_r17_av_coverage_with_frozen_clock(onsite_county, open_visit, monkeypatch):
    """Merging checked with the clock moved on, so every span is in the past."""
    from clearcheck.inspections.selectors.evidence import av_coverage

    visit = open_visit()
    first = onsite_county["officer_users"][0]
    start = visit.opened_at or visit.started_at
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(hours=2))

    def video(a, b, i, origin="captured"):
        services.evidence_add(actor=first, visit_id=visit.pk, content=mp4() + bytes([i]), **meta(
            first.officer, kind="video", origin=origin, captured_at=start + dt.timedelta(minutes=a),
            covers_from=start + dt.timedelta(minutes=a), covers_to=start + dt.timedelta(minutes=b)))

    video(-10, 15, 1)
    video(14, 20, 2)
    video(21, 30, 3)  # a 60 s gap: joined (CLEARCHECK_AV_GAP_SECONDS, 120 s)
    video(40, 50, 4)
    video(30, 40, 5, origin="third_party")
    at = [start + dt.timedelta(minutes=m) for m in (0, 30, 40, 45)]
    assert av_coverage(visit, at[3]) == [(at[0], at[1]), (at[2], at[3])]
    assert av_coverage(visit, at[3], gap=dt.timedelta(0)) == [
        (at[0], start + dt.timedelta(minutes=20)), (start + dt.timedelta(minutes=21), at[1]), (at[2], at[3])]


# --- content-addressed, never overwritten -----------------------------------------------------------

def test_same_bytes_are_stored_once_and_never_rewritten(team):
    data = jpeg(5000)
    record = add(team, data)
    path = blob_path(record.sha256)
    stat = path.stat()
    assert oct(stat.st_mode & 0o777) == "0o444"  # read-only once written
    assert blob_put(data) == record.sha256
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_ino == stat.st_ino
    assert len(list(path.parent.iterdir())) == 1


def test_the_same_file_is_evidence_once_per_visit(team):
    data = jpeg()
    first = add(team, data)
    with pytest.raises(Conflict) as caught:
        add(team, data, who="second", proves="同一张照片")
    assert f"#{first.pk}" in str(caught.value)


# --- corruption detected on read ---------------------------------------------------------------------

def test_r18_a_flipped_byte_is_detected_on_read_and_raises_an_alert(team):
    from clearcheck.alerts.models import Alert

    record = add(team, jpeg(4000))
    assert services.evidence_file_checked(actor=team["first"], evidence=record) == blob_path(record.sha256)
    flip_byte(record.sha256)
    with pytest.raises(BlobCorrupted):
        blob_read(record.sha256)
    with pytest.raises(EvidenceCorrupted) as caught:
        services.evidence_file_checked(actor=team["first"], evidence=record)
    assert "已损坏" in caught.value.detail and caught.value.status == 409
    alert = Alert.objects.get(rule_id="R18")
    assert alert.subject_id == str(record.pk) and alert.agency_id == team["visit"].agency_id
    with pytest.raises(EvidenceCorrupted):  # read again: the same alert counted, not a second one
        services.evidence_file_checked(actor=team["second"], evidence=record)
    assert Alert.objects.filter(rule_id="R18").count() == 1


def test_r18_a_deleted_blob_counts_as_corrupted(team):
    record = add(team, jpeg())
    os.chmod(blob_path(record.sha256), 0o644)
    blob_path(record.sha256).unlink()
    with pytest.raises(EvidenceCorrupted):
        services.evidence_file_checked(actor=team["first"], evidence=record)


def test_r18_streamed_read_withholds_the_end_of_a_corrupted_file(team):
    from clearcheck.alerts.models import Alert

    data = jpeg(300_000)
    record = add(team, data)
    assert b"".join(services.evidence_file_stream(actor=team["first"], evidence=record, block=65536)) == data
    flip_byte(record.sha256, at=299_000)
    got = []
    with pytest.raises(BlobCorrupted):
        for block in services.evidence_file_stream(actor=team["first"], evidence=record, block=65536):
            got.append(block)
    assert len(b"".join(got)) < len(data)
    assert Alert.objects.filter(rule_id="R18", subject_id=str(record.pk)).exists()


# --- who may upload ----------------------------------------------------------------------------------

def test_an_officer_not_in_the_visit_cannot_add_evidence(team, outsider):
    with pytest.raises(NotFound):
        services.evidence_add(actor=outsider, visit_id=team["visit"].pk, content=jpeg(), **meta(outsider.officer))


@pytest.mark.parametrize("role", ["enterprise_user", "head", "admin"])
def test_readers_who_are_no_officer_of_the_visit_cannot_add_evidence(team, role):
    actor = team["county"][role]
    with pytest.raises(PermissionDenied):
        services.evidence_add(actor=actor, visit_id=team["visit"].pk, content=jpeg(),
                              **meta(team["first"].officer))


def test_no_evidence_is_added_to_a_visit_that_is_not_open(onsite_county):
    from clearcheck.inspections.services.visits import visit_start_by_code
    from clearcheck.registry.codes import enterprise_code_token

    first = onsite_county["officer_users"][0]
    visit = visit_start_by_code(actor=first, token=enterprise_code_token(onsite_county["code"]),
                                task_ids=[onsite_county["task"].pk], idempotency_key="pending-visit")
    assert visit.status == "pending"
    with pytest.raises((Conflict, NotFound)):
        services.evidence_add(actor=first, visit_id=visit.pk, content=jpeg(), **meta(first.officer))


def test_evidence_has_no_delete_service():
    assert not [name for name in dir(services) if "delete" in name or "remove" in name]
