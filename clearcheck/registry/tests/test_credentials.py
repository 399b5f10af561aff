"""E-credential (电子执法证, R15): rotating signed tokens, the ≤ 60 s window, R12 qualification at once."""

import datetime as dt
import json

import pytest
from django.test import Client

from clearcheck.core import clock
from clearcheck.core.crypto import b64url, b64url_decode
from clearcheck.registry import services
from clearcheck.registry.credentials import credential_token_check, credential_token_issue

from .test_codes import approved_task

pytestmark = pytest.mark.django_db

T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)  # officers' credentials are valid around today


@pytest.fixture
def officer(county):
    return county["officer"]


def test_r15_fresh_token_verifies_with_name_agency_and_credential(officer):
    token = credential_token_issue(officer)
    check = credential_token_check(token)
    assert check.valid and check.officer == officer and check.agency_name == officer.agency.name
    payload = json.loads(b64url_decode(token.split(".")[3]))
    assert payload["t"] == "cred" and payload["o"] == officer.pk and payload["c"] == officer.credential_no
    assert payload["l"] <= 60 and len(payload["n"]) >= 16


def test_r15_two_tokens_in_the_same_second_differ_by_nonce(officer):
    assert credential_token_issue(officer, now=T0) != credential_token_issue(officer, now=T0)


def test_r15_token_valid_within_its_window(officer):
    token = credential_token_issue(officer, now=T0)
    assert credential_token_check(token, now=T0 + dt.timedelta(seconds=59)).valid


def test_r15_a_token_61_seconds_old_is_refused(officer):
    token = credential_token_issue(officer, now=T0)
    check = credential_token_check(token, now=T0 + dt.timedelta(seconds=61))
    assert not check.valid and check.error == "expired" and check.rule_id == "R15"
    assert check.officer == officer  # the enterprise still sees whom the stale code names


def test_r15_window_never_exceeds_60_seconds(officer, settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "CREDENTIAL_WINDOW_SECONDS": 600}
    token = credential_token_issue(officer, now=T0)
    assert json.loads(b64url_decode(token.split(".")[3]))["l"] == 60
    assert not credential_token_check(token, now=T0 + dt.timedelta(seconds=61)).valid


def test_r15_token_from_the_future_is_refused(officer):
    token = credential_token_issue(officer, now=T0 + dt.timedelta(minutes=5))
    assert credential_token_check(token, now=T0).error == "not_yet_valid"


def test_r15_forged_signature_is_refused(officer):
    version, suite, kid, payload_b64, _ = credential_token_issue(officer).split(".")
    check = credential_token_check(".".join([version, suite, kid, payload_b64, b64url(b"\x01" * 64)]))
    assert not check.valid and check.error == "bad_signature" and check.officer is None and check.rule_id == "R15"


def test_r15_tampered_payload_is_refused(officer, county):
    version, suite, kid, payload_b64, sig = credential_token_issue(officer).split(".")
    payload = json.loads(b64url_decode(payload_b64))
    payload["o"] = county["other_officer"].pk
    check = credential_token_check(".".join([version, suite, kid, b64url(json.dumps(payload).encode()), sig]))
    assert not check.valid and check.error == "bad_signature"


def test_r15_unknown_kid_and_unknown_alg_are_refused(officer):
    version, suite, kid, payload_b64, sig = credential_token_issue(officer).split(".")
    assert credential_token_check(".".join([version, suite, "0" * 16, payload_b64, sig])).error == "unknown_kid"
    assert credential_token_check(".".join([version, "sm2", kid, payload_b64, sig])).error == "unknown_alg"


def test_r15_enterprise_code_is_not_a_credential(county):
    from clearcheck.registry import codes

    code = codes.enterprise_code_issue(actor=county["users"]["bureau"], enterprise_id=county["enterprise"].pk)
    assert credential_token_check(codes.enterprise_code_token(code)).error == "wrong_type"


@pytest.mark.parametrize("status", ["suspended", "revoked"])
def test_r12_suspended_or_revoked_credential_fails_at_once_even_with_a_fresh_token(officer, county, status):
    token = credential_token_issue(officer)
    assert credential_token_check(token).valid
    services.officer_update(actor=county["users"]["bureau"], officer_id=officer.pk, status=status)
    check = credential_token_check(token)
    assert not check.valid and check.rule_id == "R12" and check.error == "not_qualified"


def test_r12_credential_that_expired_yesterday_is_refused(officer, county):
    today = clock.local_today()
    services.officer_update(actor=county["users"]["bureau"], officer_id=officer.pk,
                            valid_from=(today - dt.timedelta(days=400)).isoformat(),
                            valid_to=(today - dt.timedelta(days=1)).isoformat())
    check = credential_token_check(credential_token_issue(officer))
    assert not check.valid and check.rule_id == "R12"


def test_r12_auxiliary_staff_credential_is_refused(county, make_officer):
    auxiliary = make_officer(county["agency"], personnel_type="auxiliary")
    check = credential_token_check(credential_token_issue(auxiliary))
    assert not check.valid and check.rule_id == "R12"


def test_r15_changed_credential_number_invalidates_old_tokens(officer, county):
    token = credential_token_issue(officer)
    services.officer_update(actor=county["users"]["bureau"], officer_id=officer.pk, credential_no="371524009999")
    assert credential_token_check(token).error == "credential_changed"


# --- pages and API ---------------------------------------------------------------------------------


def test_r15_officer_credential_page_and_rotating_fragment(county):
    client = Client()
    client.force_login(county["users"]["officer"])
    html = client.get("/work/registry/my-credential/").content.decode()
    assert county["officer"].credential_no in html and "<svg" in html and 'hx-trigger="every 30s"' in html
    first = client.get("/work/registry/my-credential/qr/").content.decode()
    second = client.get("/work/registry/my-credential/qr/").content.decode()
    assert "<svg" in first and first != second  # a new nonce each time
    assert "/public/credential/" in first


def test_r15_credential_page_needs_an_officer_record(county, make_user_plain):
    bare = make_user_plain("officer", agency=county["agency"])
    client = Client()
    client.force_login(bare)
    assert client.get("/work/registry/my-credential/").status_code == 404


def test_r15_verify_page_valid_refused_and_forged(officer, county):
    client = Client()
    token = credential_token_issue(officer)
    html = client.get(f"/public/credential/{token}/").content.decode()
    assert "证件有效" in html and officer.name in html and officer.agency.name in html
    stale = credential_token_issue(officer, now=clock.now() - dt.timedelta(seconds=61))
    html = client.get(f"/public/credential/{stale}/").content.decode()
    assert "核验未通过" in html and "R15" in html and "证件有效" not in html
    forged = client.get(f"/public/credential/{token[:-4]}AAAA/")
    assert forged.status_code == 400 and "核验未通过" in forged.content.decode()


def test_r15_enterprise_sees_an_approved_task_of_the_officer_not_yet_checked_in(county):
    approved_task(county)
    token = credential_token_issue(county["officer"])
    client = Client()
    client.force_login(county["users"]["enterprise"])
    html = client.get(f"/public/credential/{token}/").content.decode()
    assert "有本企业已批准的检查任务,但尚未扫码入企" in html and "正在本企业检查" not in html
    assert 'id="at-this-enterprise"' not in Client().get(f"/public/credential/{token}/").content.decode()


def test_r15_enterprise_without_task_or_visit_is_told_it_may_refuse(county):
    token = credential_token_issue(county["officer"])
    client = Client()
    client.force_login(county["users"]["enterprise"])
    html = client.get(f"/public/credential/{token}/").content.decode()
    assert "未在本企业扫码入企" in html and "企业有权拒绝" in html


def test_r15_verify_api(officer, county):
    client = Client()
    body = client.get("/api/public/credentials/verify", {"token": credential_token_issue(officer)}).json()
    assert body["valid"] and body["officer_name"] == officer.name and body["credential_no"] == officer.credential_no
    services.officer_update(actor=county["users"]["bureau"], officer_id=officer.pk, status="suspended")
    body = client.get("/api/public/credentials/verify", {"token": credential_token_issue(officer)}).json()
    assert not body["valid"] and body["rule"] == "R12" and body["clause"] == "四(八)"
    assert client.get("/api/public/credentials/verify").json()["valid"] is False


def test_r15_verify_page_and_api_stay_cheap(officer, django_assert_max_num_queries):
    """The scan answer is a hot path: a bounded number of queries, whatever the officer's history."""
    token = credential_token_issue(officer)
    client = Client()
    with django_assert_max_num_queries(3):
        assert client.get(f"/public/credential/{token}/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/api/public/credentials/verify", {"token": token}).json()["valid"]
