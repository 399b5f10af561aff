"""R24: a draw not revealed within the grace period after its window raises one alert (idempotent)."""

import datetime as dt

import pytest
from django.core.management import call_command

from clearcheck.alerts.models import Alert
from clearcheck.sampling.jobs import draws_unrevealed_alert, unrevealed_dedup_key
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_r24_unrevealed_draw_alerts_once_after_the_grace_period(selected_draw, settings):
    draw, _secret = selected_draw
    settings.CLEARCHECK_DRAW_REVEAL_GRACE_DAYS = 7
    last_quiet_day = draw.window_end + dt.timedelta(days=7)
    assert draws_unrevealed_alert(today=last_quiet_day) == 0
    assert not Alert.objects.filter(dedup_key=unrevealed_dedup_key(draw.pk)).exists()
    assert draws_unrevealed_alert(today=last_quiet_day + dt.timedelta(days=1)) == 1
    assert draws_unrevealed_alert(today=last_quiet_day + dt.timedelta(days=2)) == 0  # same draw: nothing new
    alert = Alert.objects.get(dedup_key=unrevealed_dedup_key(draw.pk))
    assert alert.rule_id == "R24" and alert.agency_id == draw.agency_id
    assert Alert.objects.filter(rule_id="R24").count() == 1 and alert.occurrences == 1  # a rerun is no repeat


def test_r24_committed_draws_are_not_unrevealed(draw_county, make_draw):
    from clearcheck.sampling.services import draw_commit

    draw = make_draw()
    draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    assert draws_unrevealed_alert(today=draw.window_end + dt.timedelta(days=60)) == 0


def test_the_command_prints_the_count(selected_draw, capsys):
    draw, _secret = selected_draw
    call_command("sampling_alerts", "--today", (draw.window_end + dt.timedelta(days=30)).isoformat())
    out = capsys.readouterr().out
    assert "R24 unrevealed: 1" in out and "R24 unselected: 0" in out


def test_r24_committed_draw_never_selected_alerts_once_its_window_began(draw_county, make_draw):
    from clearcheck.sampling.jobs import draws_unselected_alert, unselected_dedup_key
    from clearcheck.sampling.services import draw_commit

    draw = make_draw()
    draw_commit(actor=draw_county["admin"], draw_id=draw.pk)
    assert draws_unselected_alert(today=draw.window_start) == 0  # the window begins today: not yet
    assert draws_unselected_alert(today=draw.window_start + dt.timedelta(days=1)) == 1
    assert draws_unselected_alert(today=draw.window_start + dt.timedelta(days=2)) == 0  # raised once
    assert Alert.objects.filter(dedup_key=unselected_dedup_key(draw.pk), rule_id="R24").count() == 1
