"""Enterprise code (一企一码, R11): versions, signed tokens, offline and online verification, QR, landing page."""

import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcheck.audit.models import AuditEvent
from clearcheck.core.crypto import (
    b64url,
    b64url_decode,
    signature_valid,
    signing_key_create,
    signing_key_load,
)
from clearcheck.core.errors import PermissionDenied, ValidationFailed
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(county):
    return county["users"]["bureau"]


@pytest.fixture
def issued(county, bureau):
    return codes.enterprise_code_issue(actor=bureau, enterprise_id=county["enterprise"].pk)


def _parts(token):
    return token.split(".")


def test_r11_first_issue_is_version_one_and_audited(county, issued):
    assert issued.version == 1 and issued.is_current
    assert AuditEvent.objects.filter(action="enterprise_code.issue", subject_id=str(county["enterprise"].pk)).exists()


def test_r11_reissue_increments_version_and_old_version_stays_valid_until_revoked(county, bureau, issued):
    second = codes.enterprise_code_issue(actor=bureau, enterprise_id=county["enterprise"].pk, reason="张贴码损坏")
    assert second.version == 2
    old_token = codes.enterprise_code_token(issued)
    assert codes.enterprise_code_check(old_token).current
    codes.enterprise_code_revoke(actor=bureau, enterprise_id=county["enterprise"].pk, version=1, reason="已更换")
    check = codes.enterprise_code_check(old_token)
    assert check.valid_signature and not check.current and check.error == "revoked"
    assert codes.enterprise_code_check(codes.enterprise_code_token(second)).current
    assert codes.enterprise_code_current(enterprise=county["enterprise"]).version == 2
    assert AuditEvent.objects.filter(action="enterprise_code.revoke").count() == 1


def test_r11_reissue_needs_a_reason(county, bureau, issued):
    with pytest.raises(ValidationFailed):
        codes.enterprise_code_issue(actor=bureau, enterprise_id=county["enterprise"].pk, reason="")


@pytest.mark.parametrize("role", ["officer", "enterprise", "government", "agency_head"])
def test_r11_only_bureau_and_agency_admin_issue_codes(county, role):
    with pytest.raises(PermissionDenied):
        codes.enterprise_code_issue(actor=county["users"][role], enterprise_id=county["enterprise"].pk)


def test_r11_token_format_and_offline_verification(county, issued):
    token = codes.enterprise_code_token(issued)
    version, suite, kid, payload_b64, sig = _parts(token)
    assert (version, suite) == ("v1", "ed25519")
    payload = json.loads(b64url_decode(payload_b64))
    assert payload == {"e": county["enterprise"].pk, "u": county["enterprise"].uscc, "v": 1, "t": "ec"}
    keys = Client().get("/public/keys/codes.json").json()["keys"]
    key = next(k for k in keys if k["key_id"] == kid)
    # The standalone verifier of docs/enterprise-code.md, with nothing but `cryptography`.
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    head, _, signature = token.rpartition(".")
    load_pem_public_key(key["public_key_pem"].encode()).verify(b64url_decode(signature), head.encode())
    assert signature_valid("ed25519", b64url_decode(key["public_key_raw_b64url"]), sig, head.encode())


def test_r11_tampered_payload_is_refused(county, issued):
    version, suite, kid, payload_b64, sig = _parts(codes.enterprise_code_token(issued))
    payload = json.loads(b64url_decode(payload_b64))
    payload["e"] = county["other_enterprise"].pk
    forged = ".".join([version, suite, kid, b64url(json.dumps(payload).encode()), sig])
    check = codes.enterprise_code_check(forged)
    assert not check.valid_signature and check.error == "bad_signature" and check.enterprise is None


def test_r11_forged_signature_is_refused(issued):
    version, suite, kid, payload_b64, _ = _parts(codes.enterprise_code_token(issued))
    forged = ".".join([version, suite, kid, payload_b64, b64url(b"\x00" * 64)])
    assert codes.enterprise_code_check(forged).error == "bad_signature"


def test_r11_token_of_another_key_is_an_unknown_kid(issued, tmp_path):
    signing_key_create(str(tmp_path / "stranger.pem"))
    stranger = signing_key_load(str(tmp_path / "stranger.pem"))
    _, _, _, payload_b64, _ = _parts(codes.enterprise_code_token(issued))
    head = f"v1.ed25519.{stranger.key_id}.{payload_b64}"
    check = codes.enterprise_code_check(f"{head}.{stranger.sign(head.encode())}")
    assert not check.valid_signature and check.error == "unknown_kid"


def test_r11_unknown_algorithm_is_refused(issued):
    version, _, kid, payload_b64, sig = _parts(codes.enterprise_code_token(issued))
    assert codes.enterprise_code_check(".".join([version, "sm2", kid, payload_b64, sig])).error == "unknown_alg"


def test_r11_credential_token_is_not_an_enterprise_code(county):
    from clearcheck.registry.credentials import credential_token_issue

    assert codes.enterprise_code_check(credential_token_issue(county["officer"])).error == "wrong_type"


def test_r11_retired_key_still_verifies_after_rotation(county, issued, settings, tmp_path):
    token = codes.enterprise_code_token(issued)
    old = codes.code_signing_key()
    retired = tmp_path / "retired.pub.pem"
    retired.write_text(old.public_key_pem)
    signing_key_create(str(tmp_path / "new.pem"))  # the rotation: `clearcheck init` with a new key path
    settings.CLEARCHECK = {**settings.CLEARCHECK, "CODE_SIGNING_KEY_FILE": str(tmp_path / "new.pem")}
    assert codes.enterprise_code_check(token).error == "unknown_kid"
    settings.CLEARCHECK = {**settings.CLEARCHECK, "CODE_RETIRED_PUBLIC_KEY_FILES": [str(retired)]}
    assert codes.enterprise_code_check(token).current
    assert _parts(codes.enterprise_code_token(issued))[2] != old.key_id  # new tokens use the new key


def test_r11_verify_api_answers_current_and_public_card(county, bureau, issued):
    client = Client()
    body = client.get("/api/public/codes/verify", {"token": codes.enterprise_code_token(issued)}).json()
    assert body["valid_signature"] and body["current"] and body["version"] == 1
    assert body["enterprise"]["uscc"] == county["enterprise"].uscc
    codes.enterprise_code_revoke(actor=bureau, enterprise_id=county["enterprise"].pk, version=1, reason="遗失")
    body = client.get("/api/public/codes/verify", {"token": codes.enterprise_code_token(issued)}).json()
    assert body["valid_signature"] and not body["current"] and body["error"] == "revoked"


TOKENISH = st.one_of(
    st.text(max_size=300),
    st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEF0123456789-_", max_size=40), min_size=5,
             max_size=5).map(lambda parts: "v1.ed25519." + ".".join(parts[2:])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=TOKENISH)
def test_r11_verify_endpoints_never_fail_on_garbage(county, garbage):
    client = Client(raise_request_exception=False)
    for path in ("/api/public/codes/verify", "/api/public/credentials/verify"):
        response = client.get(path, {"token": garbage})
        assert response.status_code in (200, 422), (path, garbage, response.status_code)
        if response.status_code == 200:
            body = response.json()
            assert body.get("current") is not True and body.get("valid") is not True
    # Quoted: a "#" or "?" in the garbage must reach the view, not become a fragment or a query.
    safe = quote(garbage.replace("/", "_").replace("\x00", "") or "x", safe="")
    for path in (f"/public/c/{safe}/", f"/public/credential/{safe}/"):
        assert client.get(path).status_code in (400, 404), (path, garbage)


def test_r11_qr_png_svg_and_poster(county, issued):
    client = Client()
    client.force_login(county["users"]["enterprise"])
    base = f"/work/registry/enterprises/{county['enterprise'].pk}/code"
    png = client.get(f"{base}/v1.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"{base}/v1.svg").content.decode()
    token = codes.enterprise_code_token(issued)
    assert "<svg" in svg and f"/public/c/{token}/" in svg
    poster = client.get(f"{base}/v1/poster/").content.decode()
    assert "涉企行政检查 扫码入企" in poster and "未扫码入企的,企业有权拒绝" in poster
    # The print layout (@page) is in poster.css since the pages carry a strict CSP (issue 20).
    assert county["enterprise"].uscc in poster and "<svg" in poster and "poster.css" in poster
    assert client.get(f"{base}/v9.png").status_code == 404


def test_r11_enterprise_cannot_get_another_enterprises_code(county, bureau):
    codes.enterprise_code_issue(actor=bureau, enterprise_id=county["other_enterprise"].pk)
    client = Client()
    client.force_login(county["users"]["enterprise"])
    assert client.get(f"/work/registry/enterprises/{county['other_enterprise'].pk}/code/v1.png").status_code == 404


def test_r11_code_page_issue_and_revoke_forms(county):
    client = Client()
    client.force_login(county["users"]["agency_admin"])
    url = f"/work/registry/enterprises/{county['enterprise'].pk}/code/"
    client.post(url, {"action": "issue", "reason": ""})
    client.post(url, {"action": "issue", "reason": "重新张贴"})
    client.post(url, {"action": "revoke", "version": "1", "reason": "旧码作废"})
    versions = list(codes.enterprise_code_versions(enterprise=county["enterprise"]))
    assert [(c.version, c.is_current) for c in versions] == [(2, True), (1, False)]
    html = client.get(url).content.decode()
    assert "现行企业码 第2版" in html and "<svg" in html
    detail = client.get(f"/work/registry/enterprises/{county['enterprise'].pk}/").content.decode()
    assert url in detail


def test_r11_landing_page_officer_sees_check_in_anonymous_sees_public_card(county, issued):
    path = f"/public/c/{codes.enterprise_code_token(issued)}/"
    anonymous = Client().get(path).content.decode()
    assert county["enterprise"].name in anonymous and county["enterprise"].uscc in anonymous
    assert "未扫码入企的,企业有权拒绝" in anonymous and "扫码入企 — 签到" not in anonymous
    officer = Client()
    officer.force_login(county["users"]["officer"])
    html = officer.get(path).content.decode()
    assert "扫码入企 — 签到" in html and county["enterprise"].name in html
    assert 'id="check-in"' in html and "没有本人参与的已批准检查任务" in html


def approved_task(county):
    """An approved complaint-triggered task of the county's officer at its enterprise, window including today."""
    from clearcheck.catalog import services as catalog
    from clearcheck.core import clock
    from clearcheck.planning.services.tasks import task_approve, task_create, task_submit
    from clearcheck.planning.services.tiers import enterprise_tier_assign

    users, agency, today = county["users"], county["agency"], clock.local_today()
    admin = users["agency_admin"]
    item = catalog.item_create(actor=admin, code="SCJG-EC-1", name="价格公示情况检查", legal_basis="《价格法》第十三条",
                               object_scope="经营者", method="现场检查",
                               single_officer_basis="《某办法》第八条:可由一名执法人员实施")
    catalog.item_list_publish(actor=admin, agency=agency, reason="新增事项")
    enterprise_tier_assign(actor=admin, agency=agency, enterprise=county["enterprise"], tier_code="C",
                           reason="食品生产企业,风险较高")
    task = task_create(actor=admin, agency=agency, enterprise=county["enterprise"], inspection_type="case",
                       source="complaint", source_reference="12345-001", items=[item], officers=[county["officer"]],
                       window_start=today, window_end=today, notice="")
    task_submit(actor=admin, task_id=task.pk)
    return task_approve(actor=users["agency_head"], task_id=task.pk, note="同意")


def test_r11_landing_page_with_approved_task_lists_it(county, issued):
    approved_task(county)
    client = Client()
    client.force_login(county["users"]["officer"])
    html = client.get(f"/public/c/{codes.enterprise_code_token(issued)}/").content.decode()
    assert county["agency"].name in html and "暂无已批准的检查任务" not in html


def test_r11_landing_page_of_a_revoked_or_forged_code(county, bureau, issued):
    token = codes.enterprise_code_token(issued)
    codes.enterprise_code_revoke(actor=bureau, enterprise_id=county["enterprise"].pk, version=1, reason="遗失")
    client = Client()
    client.force_login(county["users"]["officer"])
    html = client.get(f"/public/c/{token}/").content.decode()
    assert "已作废" in html and "不能据此签到" in html
    version, suite, kid, payload_b64, _ = _parts(token)
    forged = client.get(f"/public/c/{version}.{suite}.{kid}.{payload_b64}.{b64url(b'x' * 64)}/")
    assert forged.status_code == 400 and "签名校验未通过" in forged.content.decode()


def test_r11_landing_and_verify_pages_are_served_in_the_internet_zone(county, issued, settings):
    """ADR 0006: scanning works from the internet; the code management page stays on the government network."""
    from clearcheck.registry.credentials import credential_token_issue

    settings.CLEARCHECK_ZONE = "internet"
    client = Client()
    assert client.get(f"/public/c/{codes.enterprise_code_token(issued)}/").status_code == 200
    assert client.get(f"/public/credential/{credential_token_issue(county['officer'])}/").status_code == 200
    assert client.get("/public/keys/codes.json").status_code == 200
    assert client.get("/api/public/codes/verify", {"token": "x"}).status_code == 200
    client.force_login(county["users"]["bureau"])
    assert client.get(f"/work/registry/enterprises/{county['enterprise'].pk}/code/").status_code == 404


def test_r11_code_api_issue_list_revoke(county):
    import pyotp

    from clearcheck.accounts.second_factor import second_factor_enrol_known
    from clearcheck.accounts.services import api_token_issue

    admin = Client()
    # An agency admin needs a second factor (issue 20): enrolled with a known secret, the token request sends its code.
    secret = pyotp.random_base32()
    second_factor_enrol_known(actor=None, user=county["users"]["agency_admin"], secret=secret)
    base = f"/api/enterprises/{county['enterprise'].pk}/codes"
    token, _record = api_token_issue(username=county["users"]["agency_admin"].username, password="Qingjian-2025!",
                                     otp=pyotp.TOTP(secret).now())
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = admin.post(base, {}, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["version"] == 1
    refused = admin.post(base, {}, content_type="application/json", **auth)
    assert refused.status_code == 422  # a reissue needs a reason
    assert admin.post(base, {"reason": "重新张贴"}, content_type="application/json", **auth).json()["version"] == 2
    revoked = admin.post(f"{base}/1/revoke", {"reason": "遗失"}, content_type="application/json", **auth)
    assert revoked.status_code == 200 and revoked.json()["current"] is False
    listed = admin.get(base, **auth).json()
    assert [(c["version"], c["current"]) for c in listed] == [(2, True), (1, False)]
    assert codes.enterprise_code_check(listed[0]["token"]).current and listed[0]["url"].endswith(listed[0]["token"] + "/")
    officer = Client()
    token, _record = api_token_issue(username=county["users"]["officer"].username, password="Qingjian-2025!")
    denied = officer.post(base, {"reason": "x"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert denied.status_code == 403


def test_r11_landing_page_stays_cheap(county, issued, django_assert_max_num_queries):
    """Every entry starts here: a bounded number of queries for anonymous visitors and officers."""
    path = f"/public/c/{codes.enterprise_code_token(issued)}/"
    with django_assert_max_num_queries(3):
        assert Client().get(path).status_code == 200
    officer = Client()
    officer.force_login(county["users"]["officer"])
    with django_assert_max_num_queries(8):
        assert officer.get(path).status_code == 200
