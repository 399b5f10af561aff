"""Chunked resumable evidence uploads (R18, issue 4 §6): chunks at offsets, 409 with the offset to resume
from, a chunk cut short by a dropped connection, the declared SHA-256 checked at the end, the type checked
as soon as the head has arrived, abandoning and expiring uploads.
"""

import datetime as dt
import io

import pytest

from clearcheck.core import clock
from clearcheck.core.blobs import blob_exists, blob_read
from clearcheck.core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from clearcheck.inspections.choices import UploadStatus
from clearcheck.inspections.models import Evidence, EvidenceUpload
from clearcheck.inspections.services.evidence import EvidenceMetadataMissing
from clearcheck.inspections.services.evidence_uploads import (
    ChunkIncomplete,
    ChunkTooLarge,
    UploadOffsetMismatch,
    evidence_upload_abort,
    evidence_upload_append,
    evidence_upload_create,
    evidence_uploads_expire,
    part_path,
)
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import *  # noqa: F403
from clearcheck.inspections.tests.test_evidence_support import (
    jpeg,
    meta,
    mp4,
    pdf,
    sha,
    upload_all,
)
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def create(team, data: bytes, who="first", **overrides):
    actor = team[who]
    values = meta(actor.officer, **overrides)
    return evidence_upload_create(actor=actor, visit_id=team["visit"].pk, size=len(data), sha256=sha(data), **values)


def send(team, upload, data: bytes, offset: int, length: int | None = None, who="first"):
    part = data[offset:offset + (length if length is not None else 4096)]
    return evidence_upload_append(actor=team[who], upload_id=upload.pk, offset=offset, stream=io.BytesIO(part),
                                  length=len(part))


class Dropped(io.BytesIO):
    """A request body whose connection drops after ``keep`` bytes."""

    def __init__(self, data: bytes, keep: int):
        super().__init__(data[:keep])


def test_chunks_assemble_into_evidence_with_its_metadata(team):
    from clearcheck.audit.models import AuditEvent

    data = jpeg(10_000)
    upload, created = create(team, data, proves="消防通道堵塞")
    assert created and upload.status == UploadStatus.RECEIVING and upload.received == 0
    for offset in range(0, 10_000, 4096):
        upload = send(team, upload, data, offset)
        assert upload.received == min(offset + 4096, 10_000)
    assert upload.status == UploadStatus.COMPLETE
    record = upload.evidence
    assert record.sha256 == sha(data) and record.size == 10_000 and record.content_type == "image/jpeg"
    assert record.proves == "消防通道堵塞" and record.captured_by == team["first"].officer
    assert blob_read(record.sha256) == data
    assert not part_path(upload).exists()  # the spool file became the blob
    actions = set(AuditEvent.objects.filter(subject_id=str(upload.pk)).values_list("action", flat=True))
    assert actions == {"evidence_upload.create", "evidence_upload.finish"}
    assert AuditEvent.objects.filter(action="evidence.add", subject_id=str(record.pk)).count() == 1


def test_a_chunk_at_the_wrong_offset_gets_409_with_the_offset_to_resume_from(team):
    data = jpeg(10_000)
    upload, _ = create(team, data)
    upload = send(team, upload, data, 0)
    for wrong in (0, 2000, 8192):
        with pytest.raises(UploadOffsetMismatch) as caught:
            send(team, upload, data, wrong)
        assert caught.value.offset == 4096 and caught.value.status == 409
    assert send(team, upload, data, 4096).received == 8192


def test_resume_after_a_dropped_chunk(team):
    data = jpeg(12_000)
    upload, _ = create(team, data)
    upload = send(team, upload, data, 0)
    with pytest.raises(ChunkIncomplete):  # the connection drops 1000 bytes into the second chunk
        evidence_upload_append(actor=team["first"], upload_id=upload.pk, offset=4096,
                               stream=Dropped(data[4096:8192], 1000), length=4096)
    upload.refresh_from_db()
    assert upload.received == 4096  # nothing of the broken chunk was kept
    # The client asks where the server stands (HEAD) and continues from there.
    upload = send(team, upload, data, upload.received, length=8000)
    assert upload.status == UploadStatus.COMPLETE and blob_read(upload.evidence.sha256) == data


def test_leftover_bytes_past_the_offset_are_written_over(team):
    """A part file longer than ``received`` (a chunk that never committed) does not corrupt the result."""
    data = jpeg(9000)
    upload, _ = create(team, data)
    upload = send(team, upload, data, 0)
    with open(part_path(upload), "ab") as part:
        part.write(b"garbage that never committed")
    upload = send(team, upload, data, 4096, length=5000)
    assert upload.status == UploadStatus.COMPLETE and upload.evidence.sha256 == sha(data)


def test_r18_declared_hash_mismatch_is_refused_and_the_upload_abandoned(team, django_capture_on_commit_callbacks):
    data = jpeg(6000)
    values = meta(team["first"].officer)
    upload, _ = evidence_upload_create(actor=team["first"], visit_id=team["visit"].pk, size=6000,
                                       sha256=sha(b"something else"), **values)
    send(team, upload, data, 0)
    with pytest.raises(RuleViolation) as caught, django_capture_on_commit_callbacks(execute=True):
        send(team, upload, data, 4096)
    assert caught.value.rule_id == "R18" and caught.value.field == "sha256"
    upload.refresh_from_db()
    assert upload.status == UploadStatus.ABORTED and not Evidence.objects.exists()
    assert not part_path(upload).exists() and not blob_exists(sha(data))
    with pytest.raises(Conflict):
        send(team, upload, data, 6000, length=0)


def test_a_wrong_type_is_refused_as_soon_as_the_head_arrives(team):
    data = pdf(40_000)
    upload, _ = create(team, data, original_name="photo.jpg")
    upload = send(team, upload, data, 0, length=4096)
    with pytest.raises(ValidationFailed) as caught:
        send(team, upload, data, 4096, length=8192)  # crosses the 8 KiB the type is judged by
    assert "PDF 文档" in str(caught.value)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.ABORTED and upload.received == 12288 < 40_000


def test_a_small_upload_is_typed_at_the_end(team):
    data = pdf(3000)
    upload, _ = create(team, data)
    with pytest.raises(ValidationFailed):
        send(team, upload, data, 0)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.ABORTED


def test_chunk_size_limit(team, settings):
    settings.CLEARCHECK_EVIDENCE_CHUNK_MAX_BYTES = 4096
    data = jpeg(9000)
    upload, _ = create(team, data)
    assert send(team, upload, data, 0, length=4096).received == 4096
    with pytest.raises(ChunkTooLarge) as caught:
        send(team, upload, data, 4096, length=4097)
    assert caught.value.status == 413


def test_a_chunk_past_the_declared_size_is_refused(team):
    data = jpeg(5000)
    upload, _ = create(team, data)
    with pytest.raises(ValidationFailed):
        evidence_upload_append(actor=team["first"], upload_id=upload.pk, offset=0,
                               stream=io.BytesIO(data + b"extra"), length=5005)


def test_size_limit_per_kind_at_create(team, settings):
    settings.CLEARCHECK_EVIDENCE_MAX_BYTES_VIDEO = 10_000
    ok, _ = create(team, mp4(10_000), kind="video", covers_from=clock.now(), covers_to=clock.now())
    assert ok.declared_size == 10_000
    with pytest.raises(ValidationFailed) as caught:
        create(team, mp4(10_001), kind="video", covers_from=clock.now(), covers_to=clock.now())
    assert "录像" in str(caught.value)


@pytest.mark.parametrize("missing", ["captured_at", "latitude", "proves", "sha256"])
def test_r18_upload_without_metadata_is_refused_at_create(team, missing):
    data = jpeg()
    values = {**meta(team["first"].officer), "sha256": sha(data)}
    values[missing] = None
    with pytest.raises(EvidenceMetadataMissing) as caught:
        evidence_upload_create(actor=team["first"], visit_id=team["visit"].pk, size=len(data), **values)
    assert {e.field for e in caught.value.errors} == {missing}
    assert not EvidenceUpload.objects.exists()


def test_declaring_the_same_file_again_resumes_the_same_upload(team):
    data = jpeg(9000)
    upload, created = create(team, data)
    send(team, upload, data, 0)
    again, created_again = create(team, data, proves="重新打开页面后再次选择同一文件")
    assert created and not created_again
    assert again.pk == upload.pk and again.received == 4096


def test_two_uploads_of_the_same_content_make_one_piece_of_evidence(team):
    """Two officers send the same file to one visit: the second is refused at the end, stored once."""
    data = jpeg(9000)
    mine, _ = create(team, data)
    theirs, _ = create(team, data, who="second")
    assert mine.pk != theirs.pk
    upload_done = send(team, mine, data, 0, length=9000)
    assert upload_done.status == UploadStatus.COMPLETE
    with pytest.raises(Conflict) as caught:
        send(team, theirs, data, 0, length=9000, who="second")
    assert f"#{upload_done.evidence_id}" in str(caught.value)
    theirs.refresh_from_db()
    assert theirs.status == UploadStatus.ABORTED and Evidence.objects.count() == 1
    with pytest.raises(Conflict):  # and once it is evidence, declaring it again is refused at once
        create(team, data)


def test_abort_and_finished_uploads_cannot_be_abandoned(team, django_capture_on_commit_callbacks):
    data = jpeg(9000)
    upload, _ = create(team, data)
    send(team, upload, data, 0)
    with django_capture_on_commit_callbacks(execute=True):
        aborted = evidence_upload_abort(actor=team["first"], upload_id=upload.pk)
    assert aborted.status == UploadStatus.ABORTED and not part_path(upload).exists()
    assert evidence_upload_abort(actor=team["first"], upload_id=upload.pk).status == UploadStatus.ABORTED
    with pytest.raises(Conflict):
        send(team, upload, data, 4096)
    done = upload_all(team["first"], team["visit"], jpeg(5000, seed=b"2"))
    with pytest.raises(Conflict) as caught:
        evidence_upload_abort(actor=team["first"], upload_id=done.pk)
    assert "不得删除" in str(caught.value)


def test_only_the_uploader_continues_an_upload(team, outsider):
    data = jpeg(9000)
    upload, _ = create(team, data)
    for actor in (team["second"], outsider, team["county"]["enterprise_user"]):
        with pytest.raises(NotFound):
            evidence_upload_append(actor=actor, upload_id=upload.pk, offset=0, stream=io.BytesIO(data[:10]),
                                   length=10)
        with pytest.raises(NotFound):
            evidence_upload_abort(actor=actor, upload_id=upload.pk)


def test_stale_uploads_expire_and_their_spool_files_go(team, django_capture_on_commit_callbacks):
    data = jpeg(9000)
    stale, _ = create(team, data)
    send(team, stale, data, 0)
    fresh, _ = create(team, jpeg(9000, seed=b"fresh"))
    send(team, fresh, jpeg(9000, seed=b"fresh"), 0)
    EvidenceUpload.objects.filter(pk=stale.pk).update(updated_at=clock.now() - dt.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert evidence_uploads_expire() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == UploadStatus.ABORTED and not part_path(stale).exists()
    assert fresh.status == UploadStatus.RECEIVING and part_path(fresh).exists()
    assert evidence_uploads_expire() == 0


def test_a_finish_that_failed_is_retried_with_an_empty_chunk(team, monkeypatch):
    from clearcheck.inspections.services import evidence_uploads

    data = jpeg(5000)
    upload, _ = create(team, data)
    real = evidence_uploads._finish_record

    def crash(**kwargs):
        raise RuntimeError("the worker died while finishing")

    monkeypatch.setattr(evidence_uploads, "_finish_record", crash)
    with pytest.raises(RuntimeError):
        send(team, upload, data, 0, length=5000)
    monkeypatch.setattr(evidence_uploads, "_finish_record", real)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.RECEIVING and upload.received == 5000
    done = send(team, upload, data, 5000, length=0)
    assert done.status == UploadStatus.COMPLETE and blob_read(done.evidence.sha256) == data


def test_spool_files_nobody_owns_are_removed_after_the_ttl(team):
    import os
    import time

    from clearcheck.inspections.services.evidence import spool_dir

    data = jpeg(9000)
    live, _ = create(team, data)
    send(team, live, data, 0)
    old = time.time() - 25 * 3600
    orphans = [spool_dir() / "0b1e7a9e-0000-4000-8000-000000000000.part", spool_dir() / f"{live.pk}.x1.chunk",
               spool_dir() / "direct-abc.part"]
    for path in orphans:
        path.write_bytes(b"left behind")
        os.utime(path, (old, old))
    recent = spool_dir() / "direct-now.part"
    recent.write_bytes(b"a request in flight")
    os.utime(part_path(live), (old, old))  # an unfinished upload's own part stays while the upload lives
    assert evidence_uploads_expire() == 0
    assert not any(path.exists() for path in orphans)
    assert recent.exists() and part_path(live).exists()


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_the_same_chunk_append_it_once(team):
    """A retried chunk arriving while the first is still being written: one wins, the other gets 409 with
    the offset (the upload row is locked on PostgreSQL; SQLite serialises the writers)."""
    import threading

    from django.db import connection

    data = jpeg(20_000)
    upload, _ = create(team, data)
    results: list = []
    barrier = threading.Barrier(2)

    def racer():
        try:
            barrier.wait()
            results.append(send(team, upload, data, 0, length=8192).received)
        except UploadOffsetMismatch as exc:
            results.append(("409", exc.offset))
        finally:
            connection.close()

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted([8192, ("409", 8192)], key=str)
    upload.refresh_from_db()
    assert upload.received == 8192
    done = send(team, upload, data, 8192, length=20_000)
    assert done.status == UploadStatus.COMPLETE and blob_read(done.evidence.sha256) == data
