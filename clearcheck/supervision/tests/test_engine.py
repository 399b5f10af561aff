"""The alert engine: a run of the registered checks is idempotent and recorded, a second run at the same time
stops cleanly (job lock), and a broken check does not stop the others. (The registry and the catalogue of where
each ALERT rule is raised: ``clearcheck/alerts/tests/test_checks.py``.)
"""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from clearcheck.alerts import checks, services
from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.supervision import engine
from clearcheck.supervision.models import AlertRun, JobLock

AFTER_DEADLINE = dt.date(2026, 4, 1)  # R05: plans for 2026 are due by 31 March (Asia/Shanghai)


@pytest.mark.django_db
def test_r05_run_raises_once_and_a_rerun_changes_nothing(county):
    first = engine.alerts_run(today=AFTER_DEADLINE)
    assert first.status == "finished" and first.counts["R05:annual_plans_unfiled"] == 2
    assert first.raised == 2 and first.finished_at is not None
    alerts = {a.pk: a.occurrences for a in Alert.objects.filter(rule_id="R05")}
    events = AuditEvent.objects.filter(subject_type="supervision.alert").count()

    second = engine.alerts_run(today=AFTER_DEADLINE)
    assert second.raised == 0 and set(second.counts.values()) == {0}
    assert {a.pk: a.occurrences for a in Alert.objects.filter(rule_id="R05")} == alerts
    assert AuditEvent.objects.filter(subject_type="supervision.alert").count() == events
    assert AuditEvent.objects.filter(action="alert_run.finish").count() == 2
    assert JobLock.objects.get(name=engine.LOCK_NAME).holder == ""  # released


@pytest.mark.django_db
def test_r05_on_the_deadline_day_in_shanghai_raises_nothing(county):
    assert engine.alerts_run(today=dt.date(2026, 3, 31), rule_id="R05").raised == 0
    assert engine.alerts_run(today=AFTER_DEADLINE, rule_id="R05").raised == 2


@pytest.mark.django_db
def test_periodic_pass_does_not_count_repeats_but_an_event_still_does(county):
    with services.alert_periodic_pass() as state:
        a = services.alert_raise(rule_id="R19", subject=("x.d", 1), facts={}, agency=county["agency"])
        services.alert_raise(rule_id="R19", subject=("x.d", 1), facts={}, agency=county["agency"])
    assert state.created == 1 and Alert.objects.get(pk=a.pk).occurrences == 1
    services.alert_raise(rule_id="R19", subject=("x.d", 1), facts={})  # outside a run: an event repeats
    assert Alert.objects.get(pk=a.pk).occurrences == 2


@pytest.mark.django_db
def test_rule_filter_runs_only_that_rules_checks_and_unknown_rule_is_refused(county):
    run = engine.alerts_run(today=AFTER_DEADLINE, rule_id="R19")
    assert list(run.counts) == ["R19:corrections_overdue"] and run.rule_filter == "R19"
    assert not Alert.objects.filter(rule_id="R05").exists()
    with pytest.raises(ValueError):
        engine.alerts_run(rule_id="R99")


@pytest.mark.django_db
def test_a_failing_check_is_recorded_and_the_others_still_run(county, monkeypatch):
    _checks_with(monkeypatch, checks.PeriodicCheck("R10", "broken", _broken_check))
    run = engine.alerts_run(today=AFTER_DEADLINE)
    assert run.status == "failed" and "R10:broken" in run.errors
    assert run.counts["R05:annual_plans_unfiled"] == 2
    assert JobLock.objects.get(name=engine.LOCK_NAME).holder == ""


def _broken_check(*, today):
    raise RuntimeError("feed unavailable")


def _checks_with(monkeypatch, extra: checks.PeriodicCheck) -> None:
    # One more check for this test only, first of its rule (as if its app had registered it first).
    monkeypatch.setattr(checks, "_checks", {extra.key: extra, **checks._checks})


@pytest.mark.django_db
def test_a_held_lock_stops_a_run_and_an_expired_one_does_not(county):
    JobLock.objects.create(name=engine.LOCK_NAME, holder="someone",
                           held_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    assert engine.alerts_run(today=AFTER_DEADLINE) is None
    assert not AlertRun.objects.exists() and not Alert.objects.exists()
    JobLock.objects.filter(name=engine.LOCK_NAME).update(held_until=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert engine.alerts_run(today=AFTER_DEADLINE).raised == 2  # a crashed run's lease expired


@pytest.mark.django_db
def test_command_prints_counts_and_reports_a_held_lock(county):
    out = StringIO()
    call_command("alerts_run", "--today", "2026-04-01", "--rule", "R05", stdout=out)
    assert "R05:annual_plans_unfiled: 2" in out.getvalue() and "2 new" in out.getvalue()
    JobLock.objects.filter(name=engine.LOCK_NAME).update(
        holder="x", held_until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
    out = StringIO()
    call_command("alerts_run", stdout=out)
    assert "holds the lock" in out.getvalue()


def _file_database() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor != "sqlite" or (":memory:" not in name and "mode=memory" not in name)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_one_runs_the_other_stops_cleanly(county, monkeypatch):
    """Safe to run twice at once: the second run, started while the first is inside a check, does nothing."""
    if not _file_database():
        pytest.skip("needs a database shared between threads")
    inside, release = threading.Event(), threading.Event()

    def slow_check(*, today):
        inside.set()
        assert release.wait(timeout=60)
        return 0

    _checks_with(monkeypatch, checks.PeriodicCheck("R10", "slow", slow_check))
    results: dict[str, object] = {}

    def first():
        try:
            results["first"] = engine.alerts_run(today=AFTER_DEADLINE)
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            results["first"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(timeout=60)
    second_barrier = threading.Barrier(2)
    seconds: list[object] = []

    def second():
        try:
            second_barrier.wait(timeout=30)
            seconds.append(engine.alerts_run(today=AFTER_DEADLINE))
        except BaseException as exc:  # noqa: BLE001
            seconds.append(exc)
        finally:
            connection.close()

    others = [threading.Thread(target=second) for _ in range(2)]
    for t in others:
        t.start()
    for t in others:
        t.join(timeout=60)
    release.set()
    thread.join(timeout=120)
    assert seconds == [None, None], seconds
    assert isinstance(results["first"], AlertRun) and results["first"].raised == 2
    assert AlertRun.objects.count() == 1
    assert Alert.objects.filter(rule_id="R05").count() == 2
