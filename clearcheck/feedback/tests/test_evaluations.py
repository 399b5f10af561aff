"""Evaluations (事后评价, R27, clause 四(九) / 八(二十三)): the window to the minute in Asia/Shanghai, one
per visit and enterprise, another enterprise's visit is missing, an open visit cannot be rated, and the
R27 alert on a conduct "yes" or a score of 2 or below (in the bureau's inbox only).
"""

import datetime as dt
import json

import pytest

from clearcheck.alerts.models import Alert
from clearcheck.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearcheck.feedback.models import Evaluation
from clearcheck.feedback.selectors import (
    evaluation_window_end,
    evaluations_pending_for_enterprise,
)
from clearcheck.feedback.services import evaluation_submit
from clearcheck.feedback.tests.fixtures import *  # noqa: F403
from clearcheck.feedback.tests.fixtures import local

pytestmark = pytest.mark.django_db

GOOD = {"score": 4, "conduct_yes": [], "duration_minutes": 45, "comment": "检查规范"}


def _submit(county, visit, user=None, **overrides):
    return evaluation_submit(actor=user or county["enterprise_user"], visit_id=visit.pk, **{**GOOD, **overrides})


def _closed_on(frozen_at, closed_visit, day: dt.date, hour=10):
    frozen_at(local(day, hour))
    return closed_visit()


def test_window_end_is_local_midnight_after_day_n(settings):
    settings.CLEARCHECK_EVALUATION_WINDOW_DAYS = 15
    # Closed at 23:30 on 1 March Beijing time (15:30 UTC): day N is 16 March, refused from 17 March 00:00.
    closed = local(dt.date(2026, 3, 1), 23, 30)
    assert evaluation_window_end(closed) == local(dt.date(2026, 3, 17), 0)
    # 00:10 on 2 March Beijing time is still 1 March in UTC: the local day counts.
    assert evaluation_window_end(local(dt.date(2026, 3, 2), 0, 10)) == local(dt.date(2026, 3, 18), 0)


def test_r27_last_minute_of_last_day_accepted(feedback_county, closed_visit, frozen_at):
    day = dt.date(2026, 3, 1)
    visit = _closed_on(frozen_at, closed_visit, day, hour=23)
    frozen_at(local(day + dt.timedelta(days=15), 23, 59, 59))
    evaluation = _submit(feedback_county, visit)
    assert evaluation.score == 4 and evaluation.agency_id == visit.agency_id


def test_r27_first_minute_after_window_refused(feedback_county, closed_visit, frozen_at):
    day = dt.date(2026, 3, 1)
    visit = _closed_on(frozen_at, closed_visit, day, hour=8)
    frozen_at(local(day + dt.timedelta(days=16), 0, 0))
    with pytest.raises(Conflict, match="评价期限已过.*2026-03-16"):
        _submit(feedback_county, visit)
    assert not Evaluation.objects.exists()


def test_window_days_configurable(feedback_county, closed_visit, frozen_at, settings):
    settings.CLEARCHECK_EVALUATION_WINDOW_DAYS = 3
    day = dt.date(2026, 3, 1)
    visit = _closed_on(frozen_at, closed_visit, day)
    frozen_at(local(day + dt.timedelta(days=4), 0, 0))
    with pytest.raises(Conflict):
        _submit(feedback_county, visit)


def test_second_evaluation_refused(feedback_county, closed_visit):
    visit = closed_visit()
    _submit(feedback_county, visit)
    with pytest.raises(Conflict, match="已评价"):
        _submit(feedback_county, visit, score=1)
    assert Evaluation.objects.count() == 1


def test_other_enterprise_gets_not_found(feedback_county, closed_visit):
    visit = closed_visit()
    with pytest.raises(NotFound):
        _submit(feedback_county, visit, user=feedback_county["other_enterprise_user"])


def test_visit_not_closed_refused(feedback_county, open_visit):
    visit = open_visit()
    with pytest.raises(Conflict, match="结束后才能评价"):
        _submit(feedback_county, visit)


def test_only_enterprise_accounts_evaluate(feedback_county, closed_visit):
    visit = closed_visit()
    with pytest.raises(PermissionDenied):
        _submit(feedback_county, visit, user=feedback_county["bureau"])


@pytest.mark.parametrize("field,value", [("score", 0), ("score", 6), ("duration_minutes", 0),
                                         ("conduct_yes", ["five-9"])])
def test_bad_fields_refused(feedback_county, closed_visit, field, value):
    visit = closed_visit()
    with pytest.raises(ValidationFailed) as exc:
        _submit(feedback_county, visit, **{field: value})
    assert exc.value.errors[0].field == field


def test_inspection_visit_can_be_evaluated_with_recorded_times(feedback_county, open_visit):
    from clearcheck.inspections.services.records import visit_close
    from clearcheck.inspections.tests.test_records_support import complete

    visit = open_visit()
    complete(visit, feedback_county)
    visit = visit_close(actor=feedback_county["officer_users"][0], visit_id=visit.pk)
    evaluation = _submit(feedback_county, visit)
    assert evaluation.visit.opened_at and evaluation.visit.closed_at


def _r27_alerts():
    return list(Alert.objects.filter(rule_id="R27"))


def test_r27_alert_on_conduct_yes_is_high_and_bureau_only(feedback_county, closed_visit):
    evaluation = _submit(feedback_county, closed_visit(), score=5, conduct_yes=["eight-2", "five-1"])
    [alert] = _r27_alerts()
    assert alert.severity == "high" and alert.agency_id is None  # not in the agency's inbox (anonymity)
    facts = json.loads(alert.facts)
    assert facts == {"evaluation": evaluation.pk, "visit": evaluation.visit_id, "agency": evaluation.agency_id,
                     "score": 5, "conduct_yes": ["five-1", "eight-2"]}
    assert "检查规范" not in alert.facts and feedback_county["enterprise"].name not in alert.subject_label


@pytest.mark.parametrize("score,raised", [(1, True), (2, True), (3, False)])
def test_r27_alert_on_low_score_only(feedback_county, closed_visit, score, raised):
    _submit(feedback_county, closed_visit(), score=score)
    alerts = _r27_alerts()
    assert bool(alerts) is raised
    if raised:
        assert alerts[0].severity == "medium"


def test_r27_agency_cannot_see_the_alert(feedback_county, closed_visit):
    from clearcheck.alerts.selectors import alert_list_for_actor

    _submit(feedback_county, closed_visit(), score=1)
    assert not alert_list_for_actor(actor=feedback_county["admin"], rule_id="R27").exists()
    assert alert_list_for_actor(actor=feedback_county["bureau"], rule_id="R27").count() == 1


def test_pending_lists_unrated_visits_in_window_with_days_left(feedback_county, closed_visit, frozen_at):
    day = dt.date(2026, 3, 1)
    old = _closed_on(frozen_at, closed_visit, day - dt.timedelta(days=20))
    rated = _closed_on(frozen_at, closed_visit, day - dt.timedelta(days=2))
    waiting = _closed_on(frozen_at, closed_visit, day - dt.timedelta(days=1))
    frozen_at(local(day, 12))
    _submit(feedback_county, rated)
    pending = evaluations_pending_for_enterprise(feedback_county["enterprise"])
    assert [p.visit.pk for p in pending] == [waiting.pk]
    assert pending[0].days_left == 14
    assert old.pk not in [p.visit.pk for p in pending]


def test_submit_is_audited(feedback_county, closed_visit):
    from clearcheck.audit.models import AuditEvent

    evaluation = _submit(feedback_county, closed_visit())
    assert AuditEvent.objects.filter(action="evaluation.submit", subject_id=str(evaluation.pk)).exists()
