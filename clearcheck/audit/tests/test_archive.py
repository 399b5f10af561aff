"""The chain's end cannot be cut off unnoticed (issue 20, Deliver 8): the head archived daily outside the
database is compared by `audit verify` without any hand-kept checkpoint, and `--incremental` reads only what
came after the last verified mark."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.archive import (
    archive_dir,
    archived_head_days,
    archived_head_latest,
    audit_head_archive,
    verified_mark,
)
from clearcheck.audit.models import AuditEvent, ChainHead, Checkpoint
from clearcheck.audit.services import audit_seal
from clearcheck.audit.verify import audit_verify

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 7)


def _events(n: int, start: int = 0) -> None:
    for i in range(n):
        alert_raise(rule_id="R05", subject=("test.plan", 9000 + start + i), facts={"n": i})


def _cut_the_tail(keep: int) -> None:
    """What someone with the database's keys does: delete the newest events, their checkpoints and rewind
    the chain head, leaving a shorter chain that verifies on its own."""
    AuditEvent.objects.filter(seq__gt=keep).delete()
    AuditEvent.objects.filter(seq__isnull=True).delete()
    Checkpoint.objects.filter(length__gt=keep).delete()
    last = AuditEvent.objects.get(seq=keep)
    ChainHead.objects.filter(pk=1).update(length=keep, head_hash=last.hash)


def test_a_cut_off_tail_is_caught_by_the_archived_head_without_a_kept_checkpoint():
    _events(3)
    audit_seal()
    keep = AuditEvent.objects.filter(seq__isnull=False).order_by("seq").first().seq
    _events(3, start=10)
    audit_seal()
    assert audit_head_archive(today=DAY) is not None
    _cut_the_tail(keep)
    assert audit_verify().ok  # the shorter chain verifies on its own...
    report = audit_verify(archived_head=archived_head_latest())
    assert not report.ok and "链尾被删除" in report.problems[0]  # ...but not against the archived head
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO())  # the command compares by default


def test_a_days_archive_is_written_once_and_never_overwritten():
    _events(1)
    audit_seal()
    first = audit_head_archive(today=DAY)
    before = first.read_text(encoding="utf-8")
    _events(2, start=5)
    audit_seal()
    assert audit_head_archive(today=DAY) == first and first.read_text(encoding="utf-8") == before
    audit_head_archive(today=DAY + dt.timedelta(days=1))
    assert archived_head_days() == [DAY + dt.timedelta(days=1), DAY]
    assert archived_head_latest()["length"] > json.loads(before)["length"]


def test_nothing_is_archived_before_the_first_seal():
    assert audit_head_archive(today=DAY) is None
    assert not archive_dir().exists() or archived_head_days() == []


def test_archived_heads_are_published(client):
    _events(1)
    audit_seal()
    audit_head_archive(today=DAY)
    index = client.get("/public/audit/heads.json").json()
    assert index["heads"] == [{"day": "2026-12-07", "url": "/public/audit/heads/2026-12-07.json"}]
    document = client.get("/public/audit/heads/2026-12-07.json").json()
    assert document["length"] == Checkpoint.objects.order_by("-length").first().length
    assert document["signature"] and document["signed_bytes"]
    assert client.get("/public/audit/heads/2026-12-08.json").status_code == 404
    assert client.get("/public/audit/heads/not-a-day.json").status_code == 404


def test_incremental_verify_reads_only_new_events_and_moves_its_mark():
    _events(5)
    audit_seal()
    call_command("audit", "verify", "--incremental", stdout=io.StringIO())
    mark = verified_mark()
    assert mark["length"] == AuditEvent.objects.filter(seq__isnull=False).count()
    _events(2, start=20)
    audit_seal()
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("audit", "verify", "--incremental", stdout=out)
    assert f"第 {mark['length']} 号事件起校验" in out.getvalue()
    chain_reads = [q["sql"] for q in queries if "audit_auditevent" in q["sql"] and "prev_hash" in q["sql"]]
    assert chain_reads and all(">" in sql for sql in chain_reads)  # only the events after the mark
    assert verified_mark()["length"] == mark["length"] + 2


def test_incremental_verify_refuses_when_the_verified_part_changed():
    _events(3)
    audit_seal()
    call_command("audit", "verify", "--incremental", stdout=io.StringIO())
    mark = verified_mark()
    AuditEvent.objects.filter(seq=mark["length"]).update(hash="0" * 64)
    report = audit_verify(start=mark)
    assert not report.ok and "完整校验" in report.problems[0]
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--incremental", stdout=io.StringIO())
    assert verified_mark() == mark  # a failed run does not move the mark


def test_archive_command(capsys):
    out = io.StringIO()
    call_command("audit", "archive", stdout=out)
    assert "尚无检查点" in out.getvalue()
    _events(1)
    audit_seal()
    call_command("audit", "archive", stdout=out)
    assert "已存档链头" in out.getvalue()
