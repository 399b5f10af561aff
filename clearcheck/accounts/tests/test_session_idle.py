"""Sessions end after CLEARCHECK_SESSION_IDLE_MINUTES without use (issue 20, Deliver 3: officers share phones)."""

import pytest

from clearcheck.accounts import middleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved_clock(monkeypatch):
    class Moved:
        at = middleware.wall_seconds()

        def advance(self, minutes: float) -> None:
            self.at += 60 * minutes

    moved = Moved()
    monkeypatch.setattr(middleware, "wall_seconds", lambda: moved.at)
    return moved


@pytest.fixture
def signed_in(client, make_user):
    client.force_login(make_user("officer"))
    return client


def test_session_used_within_idle_time_stays(signed_in, moved_clock):
    assert signed_in.get("/work/").status_code == 200
    for _ in range(4):  # 4 × 25 min of use, well past 30 minutes in all
        moved_clock.advance(25)
        assert signed_in.get("/work/").status_code == 200


def test_idle_session_logged_out_and_sent_to_login_with_next(signed_in, moved_clock):
    assert signed_in.get("/work/").status_code == 200
    moved_clock.advance(31)
    response = signed_in.get("/work/?tab=tasks")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/work/%3Ftab%3Dtasks"
    assert "_auth_user_id" not in signed_in.session
    # Logged out for good, not only for the one request.
    assert signed_in.get("/work/").status_code == 302


def test_idle_session_on_the_api_answers_401(signed_in, moved_clock):
    assert signed_in.get("/api/tasks").status_code == 200
    moved_clock.advance(31)
    response = signed_in.get("/api/tasks")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_idle_time_comes_from_the_setting(signed_in, moved_clock, settings):
    settings.CLEARCHECK_SESSION_IDLE_MINUTES = 5
    signed_in.get("/work/")
    moved_clock.advance(6)
    assert signed_in.get("/work/").status_code == 302
