"""The second factor (issue 20, Deliver 3): TOTP (RFC 6238, 6 digits, 30 s) with one-time recovery codes,
required for the county and agency roles except officers; the second step keeps ``next``; the token API
asks for ``otp``; wrong codes are throttled like passwords; enrolment, recovery and reset are audited.
"""

import re

import pyotp
import pytest
from django.test import Client

from clearcheck.accounts.models import SecondFactor
from clearcheck.accounts.second_factor import (
    REQUIRED_ROLES,
    second_factor_enrol_known,
    second_factor_reset,
    secret_open,
)
from clearcheck.audit.models import AuditEvent
from clearcheck.catalog.tests.factories import PASSWORD
from clearcheck.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DP"


def _password(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def _code(secret=SECRET, offset=0):
    import time

    return pyotp.TOTP(secret).at(int(time.time()) + offset)


@pytest.fixture
def bureau(make_user):
    return make_user("bureau", username="sfj-head")


@pytest.fixture
def enrolled(bureau):
    second_factor_enrol_known(actor=None, user=bureau, secret=SECRET)
    return bureau


def test_required_roles_are_the_county_and_agency_roles_but_officers():
    assert set(REQUIRED_ROLES) == {"bureau", "government", "discipline", "agency_admin", "agency_head",
                              "department_head"}


@pytest.mark.parametrize("role", sorted(REQUIRED_ROLES))
def test_required_role_reaches_no_page_before_the_second_step(client, make_user, role):
    user = make_user(role)
    response = _password(client, user, next_url="/work/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/verify/"
    assert "_auth_user_id" not in client.session
    for path in ("/work/", "/work/alerts/", "/work/audit/"):
        assert client.get(path).status_code == 302
    assert client.get("/api/tasks").status_code == 401


@pytest.mark.parametrize("role", ["officer", "enterprise"])
def test_officers_and_enterprises_sign_in_with_the_password_alone(client, make_user, role):
    response = _password(client, make_user(role), next_url="/work/")
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert "_auth_user_id" in client.session


def test_first_sign_in_of_a_required_role_enrols_with_qr_and_secret_then_shows_recovery_codes_once(client, bureau):
    _password(client, bureau, next_url="/work/alerts/")
    page = client.get("/accounts/login/verify/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "https://" not in html.split("<svg", 1)[1][:200]
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    assert secret_open(SecondFactor.objects.get(user=bureau).secret_sealed) == secret
    assert secret not in SecondFactor.objects.get(user=bureau).secret_sealed  # stored encrypted
    wrong = client.post("/accounts/login/verify/", {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert wrong.status_code == 422 and "_auth_user_id" not in client.session
    done = client.post("/accounts/login/verify/", {"code": _code(secret)})
    assert done.status_code == 200 and "_auth_user_id" in client.session
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/work/alerts/"' in done.content.decode()  # next kept through enrolment
    assert AuditEvent.objects.filter(action="second_factor.enrol", actor_id=bureau.pk).exists()
    # The secret is never shown again.
    later = client.get("/accounts/second-factor/").content.decode()
    assert secret not in later and "已绑定" in later


def test_second_step_keeps_next_and_signs_in(client, enrolled):
    response = _password(client, enrolled, next_url="/work/alerts/?state=open")
    assert response["Location"] == "/accounts/login/verify/"
    page = client.get("/accounts/login/verify/").content.decode()
    assert "<svg" not in page  # enrolled: no QR, no secret
    done = client.post("/accounts/login/verify/", {"code": _code()})
    assert done.status_code == 302 and done["Location"] == "/work/alerts/?state=open"
    assert client.get("/work/alerts/").status_code == 200


def test_a_code_is_used_once(client, enrolled):
    code = _code()
    _password(client, enrolled)
    assert client.post("/accounts/login/verify/", {"code": code}).status_code == 302
    other = Client()
    _password(other, enrolled)
    assert other.post("/accounts/login/verify/", {"code": code}).status_code == 422


def test_recovery_code_works_once(client, bureau):
    _password(client, bureau)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>',
                       client.get("/accounts/login/verify/").content.decode()).group(1)
    done = client.post("/accounts/login/verify/", {"code": _code(secret)})
    recovery = re.findall(r"<li><code>([0-9a-f-]{13})</code></li>", done.content.decode())[0]
    first, second = Client(), Client()
    _password(first, bureau)
    assert first.post("/accounts/login/verify/", {"code": recovery}).status_code == 302
    assert AuditEvent.objects.filter(action="second_factor.recovery_use").count() == 1
    _password(second, bureau)
    assert second.post("/accounts/login/verify/", {"code": recovery}).status_code == 422


def test_wrong_codes_are_throttled_like_passwords(client, enrolled):
    _password(client, enrolled)
    statuses = [client.post("/accounts/login/verify/", {"code": "12345x"}).status_code for _ in range(8)]
    assert statuses[:5] == [422] * 5 and set(statuses[5:]) == {429}
    refused = client.post("/accounts/login/verify/", {"code": _code()})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "后再试" in refused.content.decode()


def test_second_step_without_a_password_step_goes_to_login(client):
    response = client.get("/accounts/login/verify/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _token(client, user, otp=None):
    data = {"username": user.username, "password": PASSWORD}
    if otp is not None:
        data["otp"] = otp
    return client.post("/api/auth/token", data, content_type="application/json")


def test_token_api_needs_otp_for_required_roles(client, enrolled, make_user):
    missing = _token(client, enrolled)
    assert missing.status_code == 401 and missing["Content-Type"].startswith("application/problem+json")
    assert "otp" in missing.json()["detail"]
    assert _token(client, enrolled, otp="000000" if _code() != "000000" else "111111").status_code == 401
    assert _token(client, enrolled, otp=_code()).status_code == 200
    assert _token(client, make_user("officer")).status_code == 200
    # A required role that never enrolled must enrol on the web first.
    assert _token(client, make_user("agency_head")).status_code == 401


def test_openapi_documents_otp(client):
    schema = client.get("/api/openapi.json").json()
    assert "otp" in schema["components"]["schemas"]["TokenIn"]["properties"]


def test_reset_by_admin_is_audited_and_scoped(enrolled, make_user, make_agency):
    agency = make_agency()
    other_admin = make_user("agency_admin", agency=make_agency())
    with pytest.raises(PermissionDenied):
        second_factor_reset(actor=other_admin, user_id=enrolled.pk)
    second_factor_reset(actor=make_user("bureau"), user_id=enrolled.pk)
    assert not SecondFactor.objects.filter(user=enrolled).exists()
    assert AuditEvent.objects.filter(action="second_factor.reset", subject_id=str(enrolled.pk)).exists()
    head = make_user("agency_head", agency=agency)
    second_factor_enrol_known(actor=None, user=head, secret=SECRET)
    second_factor_reset(actor=make_user("agency_admin", agency=agency), user_id=head.pk)
    assert not SecondFactor.objects.filter(user=head).exists()


def test_officer_may_enrol_and_then_needs_the_second_step(client, make_user):
    officer = make_user("officer")
    client.force_login(officer)
    page = client.get("/accounts/second-factor/").content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert client.post("/accounts/second-factor/", {"code": _code(secret)}).status_code == 200
    fresh = Client()
    assert _password(fresh, officer)["Location"] == "/accounts/login/verify/"


def test_admin_login_goes_through_the_platform_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unified_identity_is_offered_only_when_configured(client, settings):
    assert "统一身份认证登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/start/").status_code == 404
    settings.CLEARCHECK_OIDC_ISSUER = "https://ids.example.gov.cn"
    settings.CLEARCHECK_OIDC_CLIENT_ID = "clearcheck"
    settings.CLEARCHECK_OIDC_AUTHORIZATION_ENDPOINT = "https://ids.example.gov.cn/authorize"
    assert "统一身份认证登录" in client.get("/accounts/login/").content.decode()
    start = client.get("/accounts/oidc/start/?next=/work/")
    assert start.status_code == 302 and start["Location"].startswith("https://ids.example.gov.cn/authorize?")
    assert "state=" in start["Location"] and "client_id=clearcheck" in start["Location"]
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 501  # not faked


def test_the_demo_county_shows_the_current_code_on_the_second_step_and_production_never(client, enrolled, settings):
    """A newcomer to ``make run`` needs no phone (issue 20: the demo stays usable): only with CLEARCHECK_DEMO does
    the second step show the account's current code, and that code signs in."""
    settings.CLEARCHECK_DEMO = False
    _password(client, enrolled)
    page = client.get("/accounts/login/verify/").content.decode()
    assert 'id="demo-code"' not in page and "data-no-counter" in page

    settings.CLEARCHECK_DEMO = True
    page = client.get("/accounts/login/verify/").content.decode()
    shown = re.search(r'id="demo-code".*?<strong>(\d{6})</strong>', page, re.S)
    assert shown and shown.group(1) in {_code(offset=-30), _code(), _code(offset=30)}
    assert client.post("/accounts/login/verify/", {"code": shown.group(1)}).status_code == 302


def test_the_reset_command_removes_the_factor_as_the_named_account(enrolled, make_user):
    """A lost phone (issue 20): the IT department resets on behalf of the bureau, audited; an officer may not."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    officer = make_user("officer", username="zf-1")
    with pytest.raises(CommandError, match="只有司法局或本机关管理员"):
        call_command("second_factor", "reset", enrolled.username, "--by", officer.username)
    assert SecondFactor.objects.filter(user=enrolled).exists()
    with pytest.raises(CommandError, match="不存在"):
        call_command("second_factor", "reset", "nobody", "--by", enrolled.username)
    call_command("second_factor", "reset", enrolled.username, "--by", enrolled.username)
    assert not SecondFactor.objects.filter(user=enrolled).exists()
    assert AuditEvent.objects.filter(action="second_factor.reset", actor_id=enrolled.pk).exists()
