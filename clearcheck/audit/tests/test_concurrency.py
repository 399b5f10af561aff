"""R30 under real concurrency: sealers racing writers never duplicate or skip a chain position.

Real threads against the real database (a SQLite file in immediate-transaction mode, or PostgreSQL).
"""

import threading
import time

import pytest
from django.db import connection, transaction

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent, Checkpoint
from clearcheck.audit.services import audit_seal
from clearcheck.audit.verify import audit_verify

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(targets: list) -> list[BaseException]:
    """Run each callable in its own thread, started together; return the exceptions raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(fn):
        try:
            barrier.wait(timeout=30)
            fn()
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


@pytest.mark.parametrize("seal_mode", ["job", "on_commit"])
def test_r30_concurrent_sealers_and_writers_keep_one_continuous_chain(settings, seal_mode):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "AUDIT_SEAL_MODE": seal_mode}
    writers, per_writer = 4, 8
    done = threading.Event()

    def writer(w):
        def run():
            for i in range(per_writer):
                alert_raise(rule_id="R05", subject=("test.plan", f"{w}-{i}"), facts={"w": w, "i": i})
        return run

    def sealer():
        while not done.is_set():
            audit_seal(batch_size=3)
            time.sleep(0.005)
        audit_seal(batch_size=3)

    def writers_then_stop():
        try:
            errs = run_threads([writer(w) for w in range(writers)])
            if errs:
                raise errs[0]
        finally:
            done.set()

    errors = run_threads([sealer, sealer, writers_then_stop])
    assert not errors, errors
    audit_seal()
    total = writers * per_writer
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == total
    assert seqs == list(range(1, total + 1))  # no duplicate, no gap, nothing unsealed
    lengths = list(Checkpoint.objects.values_list("length", flat=True))
    assert len(lengths) == len(set(lengths))  # one checkpoint per sealed length
    report = audit_verify()
    assert report.ok, report.problems
    assert (report.length, report.unsealed) == (total, 0)


def test_r30_two_sealers_racing_on_a_backlog_seal_each_event_once(settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "AUDIT_SEAL_MODE": "job"}
    with transaction.atomic():
        for i in range(40):
            alert_raise(rule_id="R05", subject=("test.backlog", i), facts={"i": i})
    assert AuditEvent.objects.filter(seq__isnull=True).count() == 40
    counts: list[int] = []
    errors = run_threads([lambda: counts.append(audit_seal(batch_size=7)) for _ in range(3)])
    assert not errors, errors
    assert sum(counts) == 40
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 41))
    assert audit_verify().ok


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs concurrent writers (PostgreSQL)")
def test_r30_late_commit_is_sealed_in_a_later_batch(settings):
    """A transaction that took a lower id but commits after a seal gets a later chain position."""
    settings.CLEARCHECK = {**settings.CLEARCHECK, "AUDIT_SEAL_MODE": "job"}
    inserted, release = threading.Event(), threading.Event()
    late_id: list[int] = []

    def slow_writer():
        with transaction.atomic():
            alert = alert_raise(rule_id="R05", subject=("test.late", 1), facts={"late": True})
            late_id.append(AuditEvent.objects.get(subject_id=str(alert.pk), action="alert.raise").pk)
            inserted.set()
            assert release.wait(timeout=30)

    thread = threading.Thread(target=lambda: (slow_writer(), connection.close()))
    thread.start()
    assert inserted.wait(timeout=30)
    alert_raise(rule_id="R05", subject=("test.early", 2), facts={"late": False})
    assert audit_seal() == 1  # only the committed event; the uncommitted one is invisible
    release.set()
    thread.join(timeout=30)
    assert audit_seal() == 1
    late = AuditEvent.objects.get(pk=late_id[0])
    early = AuditEvent.objects.exclude(pk=late.pk).get()
    assert late.pk < early.pk and late.seq > early.seq
    report = audit_verify()
    assert report.ok and report.length == 2
