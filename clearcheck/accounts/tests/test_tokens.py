"""API bearer tokens: issue, use, expire, revoke; sessions for the web; users with one role."""

import datetime as dt

import pytest

from clearcheck.accounts.models import ApiToken
from clearcheck.audit.models import AuditEvent
from clearcheck.core import clock
from clearcheck.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

PASSWORD = "Qingjian-2025!"


def _issue(client, username: str, password: str = PASSWORD, otp: str = ""):
    return client.post("/api/auth/token", {"username": username, "password": password, "name": "手机", "otp": otp},
                       content_type="application/json")


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def officer(make_user):
    # An officer: the tokens' tests need no second factor (an agency admin's token needs ``otp``, issue 20,
    # tested in test_second_factor.py).
    return make_user("officer", username="zhang")


def test_token_issued_for_good_credentials(client, officer):
    response = _issue(client, "zhang")
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("cc_") and len(body["token"]) > 30
    record = ApiToken.objects.get(pk=body["token_id"])
    assert record.user == officer
    assert body["token"] not in record.key_hash  # only the hash is stored
    assert AuditEvent.objects.filter(action="api_token.issue", subject_id=str(record.pk)).exists()


@pytest.mark.parametrize("username, password", [("zhang", "wrong-password"), ("nobody", PASSWORD)])
def test_token_refused_for_bad_credentials(client, officer, username, password):
    response = _issue(client, username, password)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/problem+json")
    assert not ApiToken.objects.exists()


def test_token_refused_for_inactive_user(client, officer):
    officer.is_active = False
    officer.save()
    assert _issue(client, "zhang").status_code in (401, 403)


def test_token_authenticates_api_calls(client, officer):
    token = _issue(client, "zhang").json()["token"]
    assert client.get("/api/alerts").status_code == 401
    response = client.get("/api/alerts", **_bearer(token))
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_token_expires(client, officer, monkeypatch, settings):
    issued = _issue(client, "zhang").json()
    token = issued["token"]
    hours = settings.CLEARCHECK["API_TOKEN_HOURS"]
    real_now = clock.now()
    monkeypatch.setattr(clock, "now", lambda: real_now + dt.timedelta(hours=hours) - dt.timedelta(minutes=1))
    assert client.get("/api/alerts", **_bearer(token)).status_code == 200
    monkeypatch.setattr(clock, "now", lambda: real_now + dt.timedelta(hours=hours, minutes=1))
    response = client.get("/api/alerts", **_bearer(token))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_token_lifetime_follows_settings(client, officer, settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "API_TOKEN_HOURS": 1}
    record = ApiToken.objects.get(pk=_issue(client, "zhang").json()["token_id"])
    assert dt.timedelta(minutes=59) < record.expires_at - record.created_at <= dt.timedelta(hours=1)


def test_token_revoked_then_refused(client, officer):
    issued = _issue(client, "zhang").json()
    token, token_id = issued["token"], issued["token_id"]
    response = client.delete(f"/api/auth/token/{token_id}", **_bearer(token))
    assert response.status_code == 200
    assert response.json()["token_id"] == token_id
    assert client.get("/api/alerts", **_bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", subject_id=str(token_id)).exists()


def test_token_revoke_with_another_token_of_the_same_user(client, officer):
    first = _issue(client, "zhang").json()
    second = _issue(client, "zhang").json()
    assert client.delete(f"/api/auth/token/{first['token_id']}", **_bearer(second["token"])).status_code == 200
    assert client.get("/api/alerts", **_bearer(first["token"])).status_code == 401
    assert client.get("/api/alerts", **_bearer(second["token"])).status_code == 200


def test_token_of_one_user_cannot_revoke_another_users_token(client, officer, make_user):
    make_user("officer", username="li")
    victim = _issue(client, "zhang").json()
    attacker = _issue(client, "li").json()
    response = client.delete(f"/api/auth/token/{victim['token_id']}", **_bearer(attacker["token"]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/alerts", **_bearer(victim["token"])).status_code == 200


def test_bureau_may_revoke_any_token(client, officer, make_user):
    import pyotp

    from clearcheck.accounts.second_factor import second_factor_enrol_known

    second_factor_enrol_known(actor=None, user=make_user("bureau", username="sifa"), secret="JBSWY3DPEHPK3PXPJBSWY3DP")
    victim = _issue(client, "zhang").json()
    bureau = _issue(client, "sifa", otp=pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DP").now()).json()
    assert client.delete(f"/api/auth/token/{victim['token_id']}", **_bearer(bureau["token"])).status_code == 200
    assert client.get("/api/alerts", **_bearer(victim["token"])).status_code == 401


def test_revoke_needs_authentication(client, officer):
    issued = _issue(client, "zhang").json()
    assert client.delete(f"/api/auth/token/{issued['token_id']}").status_code == 401


def test_web_login_uses_the_session(client, officer):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and 'name="username"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/work/").status_code == 200
    bad = client.post("/accounts/login/", {"username": "zhang", "password": "nope"})
    assert bad.status_code == 200 and "用户名或密码错误" in bad.content.decode()


# --- user_create: one role and the scope it needs -------------------------------------------------

def test_user_create_refuses_agency_role_without_agency():
    from clearcheck.accounts.services import user_create

    with pytest.raises(ValidationFailed) as info:
        user_create(actor=None, username="x", password=PASSWORD, role="officer")
    assert "agency" in [e.field for e in info.value.errors]


def test_user_create_refuses_enterprise_role_without_enterprise_and_unknown_role(make_agency):
    from clearcheck.accounts.services import user_create

    with pytest.raises(ValidationFailed) as info:
        user_create(actor=None, username="x", password=PASSWORD, role="enterprise", agency=make_agency())
    assert {"enterprise", "agency"} <= {e.field for e in info.value.errors}
    with pytest.raises(ValidationFailed) as info:
        user_create(actor=None, username="y", password=PASSWORD, role="king")
    assert [e.field for e in info.value.errors] == ["role"]


def test_user_create_refuses_duplicate_username(make_user):
    from clearcheck.accounts.services import user_create

    make_user("bureau", username="dup")
    with pytest.raises(ValidationFailed) as info:
        user_create(actor=None, username="dup", password=PASSWORD, role="bureau")
    assert [e.field for e in info.value.errors] == ["username"]


def test_user_create_officer_record_must_belong_to_the_same_agency(make_agency, make_officer):
    from clearcheck.accounts.services import user_create

    a, b = make_agency(), make_agency()
    with pytest.raises(ValidationFailed) as info:
        user_create(actor=None, username="z", password=PASSWORD, role="officer", agency=a, officer=make_officer(b))
    assert [e.field for e in info.value.errors] == ["officer"]


# --- issue 20: a bearer caller never meets CSRF; a 401 says how to authenticate ------------------------

@pytest.mark.parametrize("method, path", [("post", "/api/enterprises"), ("patch", "/api/enterprises/1")])
def test_an_expired_or_unknown_token_on_a_write_answers_401_not_csrf(method, path, officer):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, "{}", content_type="application/json",
                                       **_bearer("cc_not-a-real-token"))
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="clearcheck", error="invalid_token"'
    assert "CSRF" not in response.content.decode()
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_revoked_token_on_a_write_answers_401_even_with_a_session(client, officer):
    from django.test import Client

    token = _issue(client, "zhang").json()["token"]
    ApiToken.objects.update(expires_at=clock.now() - dt.timedelta(minutes=1))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)  # a session cookie too: the token the caller sent decides
    response = browser.post("/api/enterprises", "{}", content_type="application/json", **_bearer(token))
    assert response.status_code == 401
    assert "invalid_token" in response["WWW-Authenticate"]


def test_an_anonymous_401_names_the_scheme_without_an_error(client):
    response = client.get("/api/enterprises")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="clearcheck"'


def test_a_session_write_without_csrf_is_still_refused(officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    response = browser.post("/api/enterprises", "{}", content_type="application/json")
    assert response.status_code == 403  # the session path keeps its CSRF check
