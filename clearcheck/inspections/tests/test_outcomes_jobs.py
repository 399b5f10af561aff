"""R19 ALERT: a correction order still open after its deadline raises one alert, from the day after the
deadline in Asia/Shanghai; reruns (and the management command) add nothing."""

import datetime as dt

import pytest
from django.core.management import call_command

from clearcheck.core import clock
from clearcheck.inspections.tests.onsite_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import *  # noqa: F403
from clearcheck.inspections.tests.test_outcomes_fixtures import visit_entries
from clearcheck.planning.tests.test_tasks_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _at(monkeypatch, day: dt.date, hour: int, minute: int = 0) -> None:
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.LOCAL_TZ).astimezone(dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)


@pytest.fixture
def correction(outcomes_county, failed_visit):
    """A correction order due in five days on a finding of an open visit; returns the disposition."""
    from clearcheck.inspections.services.outcomes import disposition_add, finding_create

    county = outcomes_county
    visit = failed_visit()
    officer = county["officer_users"][0]
    entry = visit_entries(visit)[0]
    finding = finding_create(actor=officer, visit_id=visit.pk, entry_ids=[entry.pk], description="未公示许可证")
    return disposition_add(actor=officer, finding_id=finding.pk, kind="correct_by_deadline",
                           deadline=clock.local_today() + dt.timedelta(days=5))


def _alerts():
    from clearcheck.alerts.models import Alert

    return Alert.objects.filter(rule_id="R19")


def test_r19_overdue_from_the_day_after_the_deadline_in_shanghai(correction, monkeypatch, outcomes_county):
    from clearcheck.inspections.jobs import corrections_overdue_alert, overdue_dedup_key

    deadline = correction.deadline
    _at(monkeypatch, deadline, 23, 59)
    assert corrections_overdue_alert() == 0
    # 00:01 in Shanghai on the next day is still the deadline day in UTC: Shanghai decides.
    _at(monkeypatch, deadline + dt.timedelta(days=1), 0, 1)
    assert clock.now().astimezone(dt.UTC).date() == deadline
    assert corrections_overdue_alert() == 1
    alert = _alerts().get()
    assert alert.dedup_key == overdue_dedup_key(correction.pk)
    assert alert.agency_id == outcomes_county["agency"].pk
    assert (alert.subject_type, alert.subject_id) == ("inspections.disposition", str(correction.pk))
    assert '"days_overdue":1' in alert.facts


def test_r19_overdue_job_is_idempotent(correction, monkeypatch):
    from clearcheck.audit.models import AuditEvent
    from clearcheck.inspections.jobs import corrections_overdue_alert

    _at(monkeypatch, correction.deadline + dt.timedelta(days=3), 9)
    assert corrections_overdue_alert() == 1
    events = AuditEvent.objects.count()
    assert corrections_overdue_alert() == 0
    assert corrections_overdue_alert(today=correction.deadline + dt.timedelta(days=9)) == 0
    assert _alerts().count() == 1 and _alerts().get().occurrences == 1
    assert AuditEvent.objects.count() == events  # an unchanged situation writes nothing


def test_r19_a_closed_correction_is_never_overdue(correction, monkeypatch, outcomes_county):
    from clearcheck.inspections.jobs import corrections_overdue_alert
    from clearcheck.inspections.models import Disposition

    Disposition.objects.filter(pk=correction.pk).update(status="closed")  # as if re-checked compliant
    assert corrections_overdue_alert(today=correction.deadline + dt.timedelta(days=2)) == 0


def test_inspections_alerts_command(correction, monkeypatch):
    import io

    out = io.StringIO()
    call_command("inspections_alerts", "--today", (correction.deadline + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().splitlines()[0] == "R19: 1"
    assert "visits_expired: 0" in out.getvalue() and "uploads_expired: 0" in out.getvalue()
    out = io.StringIO()
    call_command("inspections_alerts", "--today", (correction.deadline + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().splitlines()[0] == "R19: 0"


@pytest.mark.django_db(transaction=True)
def test_r19_two_runs_at_once_keep_one_alert(correction):
    """Safe to run twice at once: both runs may see the order as new; the alert's key keeps one row."""
    import threading

    from django.db import connection

    from clearcheck.inspections.jobs import corrections_overdue_alert

    day = correction.deadline + dt.timedelta(days=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            corrections_overdue_alert(today=day)
        except BaseException as exc:  # noqa: BLE001 — reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert _alerts().count() == 1
    assert corrections_overdue_alert(today=day) == 0
