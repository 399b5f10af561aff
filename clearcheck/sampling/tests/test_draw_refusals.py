"""R24, bad input: each gets a clear error (rule ID, clause, field) and draws nothing — a public value entered
twice, a wrong secret, a tampered frame or selection, a sample larger than the pool, an empty pool, a team
larger than the qualified officers, and the draft's field errors."""

import datetime as dt
import threading

import pytest
from django.db import connection

from clearcheck.alerts.models import Alert
from clearcheck.core import clock
from clearcheck.core.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from clearcheck.sampling import services as svc
from clearcheck.sampling.models import Draw, DrawPick, DrawTeam
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import KENO, KENO_OTHER
from clearcheck.sampling.tests.draw_helpers import (  # noqa: F401  (the autouse fixture and shared helpers)
    OTHER_SECRET,
    _reference_codes,
    blob_files,
    commit,
    draw_events,
    frame_of,
    freeze_at,
    picks_of,
    select,
    tamper,
)

pytestmark = pytest.mark.django_db


# --- Bad input: each gets a clear error and draws nothing --------------------------------------------


def test_r24_public_value_entered_twice_is_refused(draw_county, selected_draw):
    draw, secret = selected_draw
    picks = list(draw.picks.values_list("uscc", flat=True))
    with pytest.raises(RuleViolation) as caught:
        select(draw_county, draw, secret, KENO_OTHER)
    assert caught.value.rule_id == "R24" and caught.value.field == "public_value"
    draw.refresh_from_db()
    assert draw.public_value == KENO and list(draw.picks.values_list("uscc", flat=True)) == picks
    assert draw_events(draw).count("draw.select") == 1


@pytest.mark.django_db(transaction=True)
def test_r24_two_selects_at_once_one_public_value_wins(draw_county, make_draw):
    """Two people entering the public value at the same moment: the row lock lets one through (R24)."""
    draw, secret = commit(draw_county, make_draw())
    barrier = threading.Barrier(2)
    outcomes: list = []

    def enter(value: str) -> None:
        try:
            barrier.wait(timeout=30)
            select(draw_county, draw, secret, value)
            outcomes.append("ok")
        except RuleViolation as exc:
            outcomes.append(exc.rule_id)
        except Conflict:
            outcomes.append("conflict")
        except BaseException as exc:  # noqa: BLE001 (reported to the test thread)
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(value,)) for value in (KENO, KENO_OTHER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) in (["R24", "ok"], ["conflict", "ok"]), outcomes
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.public_value in (KENO, KENO_OTHER)
    assert draw.picks.count() == 6 and DrawTeam.objects.filter(draw=draw).count() == 3
    assert draw_events(draw).count("draw.select") == 1


def test_r24_public_source_used_by_another_draw_is_refused(draw_county, make_draw):
    first = make_draw(public_source="中国福利彩票快乐8 第2026101期")
    with pytest.raises(RuleViolation) as caught:
        make_draw(public_source="  中国福利彩票快乐8   第2026101期 ")
    assert caught.value.rule_id == "R24" and caught.value.field == "public_source"
    assert Draw.objects.count() == 1
    # A draft cancelled before anything was published frees its source.
    svc.draw_cancel(actor=draw_county["admin"], draw_id=first.pk, reason="录入有误")
    assert make_draw(public_source="中国福利彩票快乐8 第2026101期").status == "draft"


def test_r24_a_committed_then_cancelled_draw_keeps_its_public_source_and_stays_public(draw_county, make_draw):
    """No re-roll: once a commitment is published, its public value is spent even if the draw is cancelled,
    the cancelled draw stays on the public list, and the bureau is alerted.
    """
    from clearcheck.sampling.selectors import draw_public_get

    draw = make_draw(public_source="中国福利彩票快乐8 第2026102期")
    draw, _ = commit(draw_county, draw)
    svc.draw_cancel(actor=draw_county["admin"], draw_id=draw.pk, reason="对象库有误")
    with pytest.raises(RuleViolation) as caught:
        make_draw(public_source="中国福利彩票快乐8 第2026102期")
    assert caught.value.rule_id == "R24" and caught.value.field == "public_source"
    assert draw_public_get(draw.pk).status == "cancelled"
    alert = Alert.objects.get(dedup_key=f"R24:cancelled-after-commit:{draw.pk}")
    assert alert.rule_id == "R24" and draw.commitment in alert.facts


def test_r24_cancelling_a_draft_raises_no_alert_and_stays_private(draw_county, make_draw):
    from clearcheck.sampling.selectors import draw_public_get

    draw = make_draw()
    svc.draw_cancel(actor=draw_county["admin"], draw_id=draw.pk, reason="重复录入")
    assert not Alert.objects.exists()
    with pytest.raises(NotFound):
        draw_public_get(draw.pk)


@pytest.mark.parametrize("bad", [OTHER_SECRET, "12345", "", "zz" * 32])
def test_r24_wrong_secret_at_select_is_refused(draw_county, make_draw, bad):
    draw, _secret = commit(draw_county, make_draw())
    with pytest.raises(RuleViolation) as caught:
        select(draw_county, draw, bad)
    assert caught.value.rule_id == "R24" and caught.value.field == "secret"
    draw.refresh_from_db()
    assert draw.status == "committed" and draw.public_value == "" and not draw.picks.exists()
    assert draw_events(draw) == ["draw.create", "draw.commit"]


def test_r24_bad_public_value_at_select_is_refused(draw_county, make_draw):
    draw, secret = commit(draw_county, make_draw())
    with pytest.raises(RuleViolation) as caught:
        select(draw_county, draw, secret, "01,02,03")
    assert caught.value.rule_id == "R24" and caught.value.field == "public_value"
    draw.refresh_from_db()
    assert draw.status == "committed" and draw.public_value == ""


def test_r24_wrong_secret_at_reveal_is_refused(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    for bad in (OTHER_SECRET, secret[:-1], ""):
        with pytest.raises(RuleViolation) as caught:
            svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=bad)
        assert caught.value.rule_id == "R24" and caught.value.field == "secret"
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.secret == "" and draw.revealed_at is None
    assert "draw.reveal" not in draw_events(draw)


def test_r24_a_secret_pasted_in_groups_is_refused_not_stored(draw_county, selected_draw, monkeypatch):
    """Only the 64 hex digits are the secret: a grouped copy is refused, never published as typed."""
    draw, secret = selected_draw
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    grouped = " ".join(secret[i:i + 8] for i in range(0, 64, 8))
    with pytest.raises(RuleViolation) as caught:
        svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=grouped)
    assert caught.value.rule_id == "R24" and caught.value.field == "secret"
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.secret == ""
    revealed = svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=f"  {secret.upper()}\n")
    assert revealed.secret == secret


def test_r24_reveal_waits_for_the_day_after_the_window_in_shanghai_time(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    for day, hour, minute in ((draw.window_start, 10, 0), (draw.window_end, 0, 0), (draw.window_end, 23, 59)):
        freeze_at(monkeypatch, day, hour, minute)
        with pytest.raises(RuleViolation) as caught:
            svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
        assert caught.value.rule_id == "R24" and str(draw.window_end) in caught.value.detail
        draw.refresh_from_db()
        assert draw.status == "selected" and draw.secret == ""
    # 00:00 in Shanghai is still the window's last day in UTC (16:00): local time decides.
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 0, 0)
    assert clock.now().date() == draw.window_end
    assert svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret).status == "revealed"


@pytest.mark.parametrize("how", ["overwritten", "deleted"])
def test_r24_a_tampered_frame_is_refused_at_select_and_alerted(draw_county, make_draw, how):
    draw, secret = commit(draw_county, make_draw())
    tamper(draw.frame_sha256, None if how == "deleted" else b"clearcheck-draw-frame/1\nE\tB\tX\n")
    with pytest.raises(RuleViolation) as caught:
        select(draw_county, draw, secret)
    assert caught.value.rule_id == "R24" and caught.value.field == "frame"
    draw.refresh_from_db()
    assert draw.status == "committed" and draw.public_value == "" and not draw.picks.exists()
    # The alert is written in its own transaction: the refusal does not take it back.
    alert = Alert.objects.get(dedup_key=f"R24:frame-tampered:{draw.pk}")
    assert alert.rule_id == "R24" and alert.clause == "五(十五)" and alert.severity == "high"
    assert alert.agency_id == draw_county["agency"].pk and draw.frame_sha256 in alert.facts
    # Trying again counts, rather than repeats, the alert.
    with pytest.raises(RuleViolation):
        select(draw_county, draw, secret)
    assert Alert.objects.filter(rule_id="R24").count() == 1
    assert Alert.objects.get(pk=alert.pk).occurrences == 2


def test_r24_a_tampered_frame_is_refused_at_reveal(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    tamper(draw.frame_sha256)
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    with pytest.raises(RuleViolation) as caught:
        svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
    assert caught.value.rule_id == "R24" and caught.value.field == "frame"
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.secret == ""
    assert Alert.objects.filter(rule_id="R24", dedup_key=f"R24:frame-tampered:{draw.pk}").exists()


def test_r24_a_changed_stored_selection_is_refused_at_reveal(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    pick = draw.picks.order_by("position").first()
    outsider = next(e for e in draw_county["enterprises"]
                    if not draw.picks.filter(enterprise=e).exists() and e.uscc[:4] == pick.uscc[:4])
    DrawPick.objects.filter(pk=pick.pk).update(enterprise=outsider, uscc=outsider.uscc)
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    with pytest.raises(RuleViolation) as caught:
        svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
    assert caught.value.rule_id == "R24" and caught.value.field == "selection"
    draw.refresh_from_db()
    assert draw.status == "selected" and draw.secret == ""


def test_r24_a_changed_stored_seed_is_refused_at_reveal(draw_county, selected_draw, monkeypatch):
    draw, secret = selected_draw
    Draw.objects.filter(pk=draw.pk).update(seed="0" * 64)
    freeze_at(monkeypatch, draw.window_end + dt.timedelta(days=1), 10)
    with pytest.raises(RuleViolation) as caught:
        svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)
    assert caught.value.rule_id == "R24"


def test_r24_parameters_changed_after_commit_are_refused_at_select(draw_county, make_draw):
    draw, secret = commit(draw_county, make_draw())
    parameters = {**draw.parameters, "sample": {"mode": "count", "counts": {"B": 1, "C": 1, "D": 4}}}
    Draw.objects.filter(pk=draw.pk).update(parameters=parameters)
    with pytest.raises(RuleViolation) as caught:
        select(draw_county, draw, secret)
    assert caught.value.rule_id == "R24"
    draw.refresh_from_db()
    assert draw.status == "committed" and not draw.picks.exists()


def _refused_at_commit(county, draw, settings, field: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        commit(county, draw)
    assert caught.value.rule_id == "R24" and caught.value.field == field, caught.value.detail
    draw.refresh_from_db()
    assert draw.status == "draft" and draw.frame_sha256 == "" and draw.commitment == "" and draw.parameters is None
    assert draw_events(draw) == ["draw.create"]
    assert blob_files(settings) == []
    return caught.value


def test_r24_a_sample_larger_than_the_pool_is_refused_at_commit(draw_county, make_draw, settings):
    error = _refused_at_commit(draw_county, make_draw(sample={"B": 9, "C": 1}), settings, "sample")
    assert "8" in error.plain and "9" in error.plain


def test_r24_a_positive_count_for_a_stratum_without_enterprises_is_refused(draw_county, make_draw, settings):
    # Tier A (low risk) is never in the frame, so a count for it draws from nothing (R21).
    _refused_at_commit(draw_county, make_draw(sample={"A": 1, "B": 1}), settings, "sample")


def test_r24_an_empty_pool_is_refused_at_commit(draw_county, make_draw, settings):
    from clearcheck.sampling.services import pool_update

    pool_update(actor=draw_county["admin"], pool_id=draw_county["pool"].pk, data={"filters": {"regions": ["371525"]}})
    _refused_at_commit(draw_county, make_draw(sample={"B": 1}), settings, "pools")


def test_r24_a_pool_of_only_low_risk_enterprises_is_empty(draw_county, make_draw, settings):
    from clearcheck.sampling.services import pool_update

    pool_update(actor=draw_county["admin"], pool_id=draw_county["pool"].pk, data={"filters": {"tiers": ["A"]}})
    draw = make_draw(sample={"A": 1})
    _refused_at_commit(draw_county, draw, settings, "pools")


def test_r24_team_size_larger_than_the_qualified_officers_is_refused_at_commit(draw_county, make_draw, settings,
                                                                                officials):
    from clearcheck.registry.services import officer_update

    _refused_at_commit(draw_county, make_draw(team_size=7), settings, "team_size")
    # Only qualified officers count (R12): suspend three, and a team of four no longer fits.
    for officer in draw_county["officers"][:3]:
        officer_update(actor=officials("bureau"), officer_id=officer.pk, status="suspended")
    error = _refused_at_commit(draw_county, make_draw(team_size=4, max_per_team=10), settings, "team_size")
    assert "3" in error.plain


def test_r24_officers_whose_credential_lapses_in_the_window_are_not_in_the_frame(draw_county, make_draw,
                                                                                 make_officer):
    today = clock.local_today()
    lapsing = make_officer(draw_county["agency"], "即将到期", valid_to=(today + dt.timedelta(days=10)).isoformat())
    draw, _ = commit(draw_county, make_draw())
    credentials = {c for _, c in frame_of(draw)[1]}
    assert lapsing.credential_no not in credentials and len(credentials) == 6


def test_r24_too_few_teams_for_the_sample_is_refused_at_commit(draw_county, make_draw, settings):
    _refused_at_commit(draw_county, make_draw(max_per_team=1), settings, "max_per_team")


def test_r24_a_stale_item_list_is_refused_at_commit(draw_county, make_draw, settings):
    """R02 again at commit: the item list may have changed since the draft."""
    from clearcheck.catalog import services as catalog

    draw = make_draw()
    catalog.item_withdraw(actor=draw_county["admin"], item_id=draw_county["routine"].pk, reason="依据废止")
    with pytest.raises(RuleViolation):
        commit(draw_county, draw)
    draw.refresh_from_db()
    assert draw.status == "draft"


@pytest.mark.parametrize("overrides, field", [
    ({"title": " "}, "title"),
    ({"public_source": ""}, "public_source"),
    ({"team_size": 1}, "team_size"),
    ({"team_size": 11}, "team_size"),
    ({"max_per_team": 0}, "max_per_team"),
    ({"sample": {"B": 0, "C": 0}}, "sample"),
    ({"sample": {"E": 1}}, "sample"),
    ({"sample": {"B": "-1"}}, "sample.B"),
    ({"sample": {"B": "1.5"}}, "sample.B"),
    ({"sample_mode": "ratio", "sample": {"B": "1.5"}}, "sample.B"),
    ({"sample_mode": "ratio", "sample": {"B": "abc"}}, "sample.B"),
    ({"stratify": "none", "sample": {"B": 1}}, "sample"),
    ({"stratify": "sideways"}, "stratify"),
    ({"item_ids": []}, "items"),
    ({"pool_ids": []}, "pools"),
    ({"window_end": "2020-01-01"}, "window_end"),
    ({"window_start": "not a date"}, "window_start"),
])
def test_r24_draft_input_errors_name_the_field(draw_county, make_draw, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        make_draw(**overrides)
    assert field in [e.field for e in caught.value.errors]
    assert not Draw.objects.exists()


def test_r24_a_window_starting_in_the_past_is_refused(draw_county, make_draw):
    today = clock.local_today()
    with pytest.raises(ValidationFailed):
        make_draw(window_start=today - dt.timedelta(days=1), window_end=today + dt.timedelta(days=5))


def test_r24_a_superscript_count_is_a_field_error(draw_county, make_draw):
    with pytest.raises(ValidationFailed):
        make_draw(sample={"B": "²"})


@pytest.mark.parametrize("ratio", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_r24_a_non_finite_ratio_is_a_field_error(draw_county, make_draw, ratio):
    with pytest.raises(ValidationFailed) as caught:
        make_draw(sample_mode="ratio", sample={"B": ratio})
    assert caught.value.errors[0].field == "sample.B"


def test_r24_ratio_sample_defaults_to_the_tier_scheme(draw_county, make_draw):
    draw = make_draw(sample_mode="ratio", sample=None, max_per_team=10)
    assert draw.sample == {"A": "0.02", "B": "0.05", "C": "0.1", "D": "0.2"}
    draw, secret = commit(draw_county, draw)
    draw = select(draw_county, draw, secret)
    strata = list(draw.picks.values_list("stratum", flat=True))
    # ⌈0.05 × 8⌉ = 1, ⌈0.1 × 8⌉ = 1, ⌈0.2 × 8⌉ = 2; A is never in the frame.
    assert sorted(strata) == ["B", "C", "D", "D"]


def test_r24_unstratified_count_draw(draw_county, make_draw):
    draw, secret = commit(draw_county, make_draw(stratify="none", sample={"ALL": 5}, max_per_team=2))
    assert {s for s, _ in frame_of(draw)[0]} == {"ALL"}
    draw = select(draw_county, draw, secret)
    assert list(draw.picks.values_list("stratum", flat=True)) == ["ALL"] * 5
