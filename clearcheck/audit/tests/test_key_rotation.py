"""Keys rotate with a published history (issue 20, Deliver 6): `clearcheck keys rotate` retires a signing key,
keeps its public half with the period in which it signed, and verification accepts a retired key for what it
signed in that period only. The rotation is an audit event; a failed rotation changes nothing."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearcheck.alerts.services import alert_raise
from clearcheck.audit.models import AuditEvent, Checkpoint
from clearcheck.audit.services import audit_seal, checkpoint_sign, platform_key_rotate
from clearcheck.audit.verify import audit_verify
from clearcheck.core import crypto, keys
from clearcheck.registry import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_keys(settings, tmp_path):
    """Keys of this test alone (the session's code key is shared by other tests and must not rotate)."""
    folder = tmp_path / "keys"
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(folder / "audit.pem"),
                           "CODE_SIGNING_KEY_FILE": str(folder / "code.pem"),
                           "PSEUDONYM_KEY_FILE": str(folder / "pseudonym.key"), "KEY_HISTORY_FILE": ""}
    call_command("init", stdout=io.StringIO())
    return folder


def _events(n: int, start: int = 0) -> None:
    for i in range(n):
        alert_raise(rule_id="R05", subject=("test.plan", 8000 + start + i), facts={"n": i})


def test_rotating_the_audit_key_keeps_old_checkpoints_verifiable(own_keys, client):
    _events(2)
    audit_seal()
    old_id = crypto.signing_key_load(str(own_keys / "audit.pem")).key_id
    old_file = (own_keys / "audit.pem").read_bytes()

    old, new = platform_key_rotate(actor=None, key="audit")

    assert old == old_id and new != old_id
    assert (own_keys / "audit.pem").read_bytes() != old_file  # the retired private key is gone
    [retired] = keys.key_history("SIGNING_KEY_FILE")
    assert retired.key_id == old_id and retired.valid_from is None
    _events(2, start=10)
    audit_seal()
    assert {cp.key_id for cp in Checkpoint.objects.all()} == {old_id, new}
    report = audit_verify(stop_at_first=False)
    assert report.ok, report.problems
    event = AuditEvent.objects.filter(action="platform_key.rotate").get()
    body = json.loads(event.body)
    assert body["before"] == {"key_id": old_id} and body["after"] == {"key_id": new}
    # Published: the current key and the retired one with its period.
    published = client.get("/public/audit/keys.json").json()["keys"]
    assert [(k["key_id"], k["current"]) for k in published] == [(new, True), (old_id, False)]
    assert published[1]["retired_at"] == published[0]["valid_from"] is not None


def test_a_retired_key_verifies_nothing_dated_after_its_retirement(own_keys):
    _events(1)
    audit_seal()
    old_key = crypto.signing_key_load(str(own_keys / "audit.pem"))
    platform_key_rotate(actor=None, key="audit")
    # Someone holding the retired key signs a checkpoint dated after the rotation.
    head = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    checkpoint_sign(length=head.seq, head_hash=head.hash, key=old_key,
                    at=keys.key_history()[0].retired_at + dt.timedelta(minutes=5))
    report = audit_verify(stop_at_first=False)
    assert not report.ok
    assert any("使用期之外" in problem for problem in report.problems)


def test_the_current_key_signs_nothing_dated_before_the_rotation(own_keys):
    _events(1)
    audit_seal()
    platform_key_rotate(actor=None, key="audit")
    new_key = crypto.signing_key_load(str(own_keys / "audit.pem"))
    head = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    checkpoint_sign(length=head.seq, head_hash=head.hash, key=new_key,
                    at=keys.key_history()[0].retired_at - dt.timedelta(days=1))  # backdated
    assert any("使用期之外" in p for p in audit_verify(stop_at_first=False).problems)


def test_a_code_printed_before_the_rotation_still_opens(own_keys, client):
    token = codes.signed_token_make({"t": "ec", "e": 1})
    old, new = platform_key_rotate(actor=None, key="code")
    assert codes.signed_token_open(token, token_type="ec") == {"t": "ec", "e": 1}
    assert codes.signed_token_make({"t": "ec", "e": 1}).split(".")[2] == new
    published = {k.key_id: k for k in codes.code_public_keys().values()}
    assert published[old].current is False and published[old].retired_at is not None
    assert published[new].current is True
    document = {k["key_id"]: k for k in client.get("/public/keys/codes.json").json()["keys"]}
    assert document[old]["current"] is False and document[old]["retired_at"]
    assert document[new]["current"] is True and document[new]["retired_at"] is None


def test_two_rotations_chain_their_periods(own_keys):
    first, second = platform_key_rotate(actor=None, key="audit")
    second_again, third = platform_key_rotate(actor=None, key="audit")
    assert second_again == second
    history = keys.key_history("SIGNING_KEY_FILE")
    assert [k.key_id for k in history] == [first, second]
    assert history[1].valid_from == history[0].retired_at


def test_a_failed_rotation_changes_neither_the_trail_nor_the_files(own_keys, monkeypatch):
    before = (own_keys / "audit.pem").read_bytes()
    events = AuditEvent.objects.count()

    def broken_write(history):
        raise OSError("disk full")

    monkeypatch.setattr(keys, "_history_write", broken_write)
    with pytest.raises(OSError):
        platform_key_rotate(actor=None, key="audit")
    assert (own_keys / "audit.pem").read_bytes() == before
    assert AuditEvent.objects.count() == events
    assert not list(Path(own_keys).glob(".*.new"))


def test_the_pseudonym_secret_is_not_rotated(own_keys):
    with pytest.raises(keys.KeyRotationRefused):
        keys.key_rotate("PSEUDONYM_KEY_FILE", at=dt.datetime.now(dt.UTC))


def test_keys_command_lists_and_rotates(own_keys):
    out = io.StringIO()
    call_command("keys", "rotate", "audit", stdout=out)
    assert "已轮换密钥" in out.getvalue()
    listing = io.StringIO()
    call_command("keys", "list", stdout=listing)
    assert "已停用 SIGNING_KEY_FILE" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("keys", "rotate", "pseudonym", stdout=io.StringIO())
