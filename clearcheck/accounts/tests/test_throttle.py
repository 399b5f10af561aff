"""Sign-in throttling (issue 20, Deliver 3): 30 wrong passwords in a minute for one account are throttled on
both login paths, answer 429 with Retry-After, and the right password is accepted once the documented delay
(30 s after the 5th failure, doubling up to 15 min) has passed; other accounts are not affected.
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from clearcheck.accounts.models import LoginThrottle
from clearcheck.accounts.throttle import delay_seconds
from clearcheck.alerts.models import Alert
from clearcheck.audit.models import AuditEvent
from clearcheck.catalog.tests.factories import PASSWORD
from clearcheck.core import clock

WRONG = "not-the-password"


@pytest.fixture
def moved_clock(monkeypatch):
    """The platform's clock, frozen now and moved by ``moved_clock.advance(seconds)``."""

    class Moved:
        at = clock.now()

        def advance(self, seconds: float) -> None:
            self.at += dt.timedelta(seconds=seconds)

    moved = Moved()
    monkeypatch.setattr(clock, "now", lambda: moved.at)
    return moved


def _token(client, username, password, address="10.0.0.1"):
    return client.post("/api/auth/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=address)


def _web(client, username, password, address="10.0.0.1", next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data, REMOTE_ADDR=address)


@pytest.fixture
def officer(make_user):
    return make_user("officer", username="li-officer")


@pytest.fixture
def other(make_user):
    return make_user("officer", username="wang-officer")


def test_delay_doubles_from_the_fifth_failure_up_to_fifteen_minutes():
    assert [delay_seconds(n, 5) for n in range(1, 12)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert delay_seconds(10_000, 5) == 900


@pytest.mark.django_db
def test_token_30_wrong_passwords_are_throttled_and_right_one_accepted_after_delay(client, officer, other,
                                                                                   moved_clock):
    statuses = []
    for _ in range(30):
        response = _token(client, officer.username, WRONG)
        statuses.append(response.status_code)
        moved_clock.advance(1)  # 30 attempts in 30 s
    assert statuses[:5] == [403] * 5
    assert set(statuses[5:]) == {429}
    refused = _token(client, officer.username, PASSWORD)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429 and "登录失败次数过多" in refused.json()["detail"]
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 30
    # Another account from the same address is not affected.
    assert _token(client, other.username, PASSWORD).status_code == 200
    moved_clock.advance(retry_after)
    assert _token(client, officer.username, PASSWORD).status_code == 200
    # The success cleared the account's count: one more mistake is not locked at once.
    assert _token(client, officer.username, WRONG).status_code == 403
    assert _token(client, officer.username, PASSWORD).status_code == 200


@pytest.mark.django_db
def test_web_login_30_wrong_passwords_throttled_with_chinese_page_and_retry_after(client, officer, other,
                                                                                   moved_clock):
    statuses = [_web(client, officer.username, WRONG).status_code for _ in range(30)]
    assert statuses[:5] == [200] * 5  # the form again, "用户名或密码错误"
    assert set(statuses[5:]) == {429}
    refused = _web(client, officer.username, PASSWORD, next_url="/work/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30
    page = refused.content.decode()
    assert "登录失败次数过多" in page and "后再试" in page
    assert '<input type="hidden" name="next" value="/work/">' in page
    assert _web(Client(), other.username, PASSWORD).status_code == 302
    moved_clock.advance(29)
    assert _web(client, officer.username, PASSWORD).status_code == 429
    moved_clock.advance(1)
    accepted = _web(client, officer.username, PASSWORD, next_url="/work/")
    assert accepted.status_code == 302 and accepted["Location"] == "/work/"


@pytest.mark.django_db
def test_web_and_token_share_one_count(client, officer, moved_clock):
    for _ in range(3):
        _web(client, officer.username, WRONG)
    for _ in range(2):
        assert _token(client, officer.username, WRONG).status_code == 403
    assert _web(client, officer.username, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_lock_during_delay_is_not_extended_and_grows_only_after_new_failures(client, officer, moved_clock):
    for _ in range(5):
        _token(client, officer.username, WRONG)
    for _ in range(20):  # refused unchecked and uncounted: the lock stays 30 s
        _token(client, officer.username, WRONG)
    assert int(_token(client, officer.username, PASSWORD)["Retry-After"]) == 30
    moved_clock.advance(30)
    assert _token(client, officer.username, WRONG).status_code == 403  # the 6th failure: 60 s
    assert int(_token(client, officer.username, PASSWORD)["Retry-After"]) == 60
    row = LoginThrottle.objects.get(key=f"user:{officer.pk}")
    assert row.failures == 6 and row.lockouts == 2


@pytest.mark.django_db
def test_each_lockout_is_an_audit_event(client, officer, moved_clock):
    for _ in range(5):
        _token(client, officer.username, WRONG)
    event = AuditEvent.objects.get(action="login.locked")
    assert event.actor_label == "system"
    assert '"scope":"account"' in event.body and f'"user":{officer.pk}' in event.body


@pytest.mark.django_db
def test_address_limit_stops_spraying_many_accounts_and_spares_other_addresses(client, officer, moved_clock):
    statuses = [_token(client, f"guess-{n}", WRONG, address="203.0.113.9").status_code for n in range(25)]
    assert statuses[:20] == [403] * 20 and set(statuses[20:]) == {429}
    assert not LoginThrottle.objects.filter(key__startswith="user:").exists()  # no rows for invented names
    assert _token(client, officer.username, PASSWORD, address="203.0.113.9").status_code == 429
    assert _token(client, officer.username, PASSWORD, address="198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_unknown_inactive_and_wrong_answer_alike(client, officer, make_user):
    quiet = make_user("officer", username="quiet")
    quiet.is_active = False
    quiet.save()
    bodies = [_token(client, name, pw).json()["detail"] for name, pw in
              ((officer.username, WRONG), ("nobody-here", WRONG), ("quiet", PASSWORD))]
    assert len(set(bodies)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["token", "web"])
def test_six_threads_of_wrong_passwords_are_throttled(make_user, path):
    user = make_user("officer", username=f"threads-{path}")
    barrier = threading.Barrier(6)
    statuses: list[int] = []
    lock = threading.Lock()

    def guess():
        try:
            client = Client()
            barrier.wait(timeout=30)
            for _ in range(5):
                response = (_token if path == "token" else _web)(client, user.username, WRONG)
                with lock:
                    statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(statuses) == 30 and set(statuses) <= {200, 403, 429}
    assert statuses.count(429) >= 15  # at most a few attempts in flight slip past a lock being set
    refused = (_token if path == "token" else _web)(Client(), user.username, PASSWORD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 900


@pytest.mark.django_db
def test_s01_alert_for_an_account_locked_three_times_in_a_day_and_for_a_locked_address(client, officer,
                                                                                       moved_clock):
    from clearcheck.supervision.security import login_lockouts_alert

    for _ in range(5):
        _token(client, officer.username, WRONG, address="10.1.1.1")
    assert login_lockouts_alert(today=clock.local_today()) == 0  # one lockout: a typo-prone user, no alert
    for _ in range(2):
        moved_clock.advance(900)
        _token(client, officer.username, WRONG, address="10.1.1.1")
    for n in range(20):
        _token(client, f"spray-{n}", WRONG, address="10.9.9.9")
    assert login_lockouts_alert(today=clock.local_today()) == 2
    alerts = {a.subject_type: a for a in Alert.objects.filter(rule_id="S01")}
    assert alerts["accounts.user"].subject_id == str(officer.pk)
    assert "3 次" in alerts["accounts.user"].subject_label
    assert alerts["client_address"].subject_id == "10.9.9.9"
    assert login_lockouts_alert(today=clock.local_today()) == 0  # once per day


def test_guesses_from_elsewhere_do_not_keep_the_real_user_out_of_a_browser_they_signed_in_from(officer):
    """Issue 20: an attacker must not be able to lock a real user out. The officer's own phone signed in
    before (a signed device cookie): while guesses from another address have locked the account, the phone
    still signs in; the attacker's browser, the API and a forged cookie still wait."""
    from clearcheck.accounts.devices import COOKIE

    phone = Client()
    assert _web(phone, officer.username, PASSWORD, address="10.0.0.7").status_code == 302
    assert COOKIE in phone.cookies
    phone.post("/accounts/logout/")

    attacker = Client()
    for _ in range(8):
        _web(attacker, officer.username, WRONG, address="203.0.113.9")
    assert _web(attacker, officer.username, PASSWORD, address="203.0.113.9").status_code == 429
    assert _token(Client(), officer.username, PASSWORD, address="10.0.0.8").status_code == 429
    forged = Client()
    forged.cookies[COOKIE] = "W10:forged:signature"
    assert _web(forged, officer.username, PASSWORD, address="10.0.0.9").status_code == 429

    assert _web(phone, officer.username, PASSWORD, address="10.0.0.7").status_code == 302
