"""R30 全程留痕: the audit chain records, seals, signs and detects every kind of tampering."""

import json

import pytest
from django.db import transaction

from clearcheck.accounts.services import user_create
from clearcheck.alerts.services import alert_raise
from clearcheck.audit.chain import link_hash
from clearcheck.audit.models import GENESIS_HASH, AuditEvent, ChainHead, Checkpoint
from clearcheck.audit.services import audit_record, audit_seal, checkpoint_sign
from clearcheck.audit.verify import audit_verify
from clearcheck.core.crypto import signing_key_create

pytestmark = pytest.mark.django_db


def _record(n: int, start: int = 0) -> list[AuditEvent]:
    """Record ``n`` state changes through real services (accounts and alerts)."""
    for i in range(start, start + n):
        if i % 2:
            alert_raise(rule_id="R05", subject=("test.plan", i), facts={"year": 2025, "n": i})
        else:
            user_create(actor=None, username=f"chain-user-{i}", password="Qingjian-2025!", role="bureau")
    return list(AuditEvent.objects.order_by("-id")[:n])[::-1]


def _sealed_chain(n: int = 5) -> list[AuditEvent]:
    _record(n)
    assert audit_seal() == n
    report = audit_verify()
    assert report.ok, report.problems
    return list(AuditEvent.objects.order_by("seq"))


def _event(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


# --- the happy path -------------------------------------------------------------------------------

def test_r30_services_record_events_in_their_transaction():
    user = user_create(actor=None, username="wang", password="Qingjian-2025!", role="bureau")
    event = AuditEvent.objects.get(action="user.create", subject_id=str(user.pk))
    body = json.loads(event.body)
    assert body["action"] == "user.create"
    assert body["after"]["username"] == "wang"
    assert body["actor"] == {"id": None, "label": "system", "role": "system"}
    assert event.seq is None  # writers never take a chain position; the sealer does


def test_r30_seal_assigns_positions_and_signs_checkpoint():
    events = _sealed_chain(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur.prev_hash == prev.hash
        assert cur.hash == link_hash(prev.hash, cur.seq, cur.id, cur.body)
    head = ChainHead.objects.get(pk=1)
    assert (head.length, head.head_hash) == (5, events[-1].hash)
    cp = Checkpoint.objects.get()
    assert (cp.length, cp.head_hash) == (5, events[-1].hash)
    report = audit_verify()
    assert report.ok and report.length == 5 and report.unsealed == 0 and report.checkpoints_checked == 1


def test_r30_event_written_after_a_seal_goes_into_a_later_batch():
    _sealed_chain(3)
    _record(2, start=100)
    report = audit_verify()
    assert report.ok
    assert (report.length, report.unsealed) == (3, 2)  # the unsealed tail is reported, not an error
    assert audit_seal() == 2
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[3].prev_hash == events[2].hash  # the chain continues across batches
    assert list(Checkpoint.objects.order_by("length").values_list("length", flat=True)) == [3, 5]
    report = audit_verify()
    assert report.ok and report.length == 5 and report.unsealed == 0 and report.checkpoints_checked == 2


def test_r30_seal_in_small_batches_signs_each_batch():
    _record(5)
    assert audit_seal(batch_size=2) == 5
    assert list(Checkpoint.objects.order_by("length").values_list("length", flat=True)) == [2, 4, 5]
    assert audit_verify().ok


def test_r30_seal_with_nothing_to_seal_is_a_no_op():
    assert audit_seal() == 0
    assert not Checkpoint.objects.exists()
    report = audit_verify()
    assert report.ok and report.length == 0


# --- tampering: each one is detected and names the first broken event ---------------------------

def test_r30_edited_body_is_detected():
    _sealed_chain(5)
    target = _event(3)
    body = json.loads(target.body)
    body["after"] = {"forged": True}
    AuditEvent.objects.filter(pk=target.pk).update(body=json.dumps(body, ensure_ascii=False))
    report = audit_verify()
    assert not report.ok
    assert (report.first_broken_seq, report.first_broken_id) == (3, target.pk)
    assert "被修改" in report.problems[0]


def test_r30_edited_body_even_with_recomputed_event_hash_is_detected():
    # The forger recomputes the edited event's own hash; the next link no longer matches.
    _sealed_chain(5)
    target = _event(3)
    body = target.body.replace("chain-user", "forged-user")
    assert body != target.body
    AuditEvent.objects.filter(pk=target.pk).update(
        body=body, hash=link_hash(target.prev_hash, 3, target.pk, body)
    )
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 4  # the next link no longer points at it
    assert "前序哈希" in report.problems[0]


@pytest.mark.parametrize("column, value", [("action", "user.delete"), ("actor_label", "someone-else")])
def test_r30_edited_index_column_only_is_detected(column, value):
    _sealed_chain(4)
    target = _event(2)
    AuditEvent.objects.filter(pk=target.pk).update(**{column: value})
    report = audit_verify()
    assert not report.ok
    assert (report.first_broken_seq, report.first_broken_id) == (2, target.pk)
    assert "索引列" in report.problems[0]


def test_r30_edited_time_column_is_detected():
    import datetime as dt

    _sealed_chain(4)
    target = _event(3)
    AuditEvent.objects.filter(pk=target.pk).update(occurred_at=target.occurred_at - dt.timedelta(days=30))
    report = audit_verify()
    assert not report.ok
    assert (report.first_broken_seq, report.first_broken_id) == (3, target.pk)


@pytest.mark.parametrize("column", ["subject_type", "subject_id", "request_id"])
def test_r30_edited_subject_or_request_column_is_detected(column):
    _sealed_chain(4)
    AuditEvent.objects.filter(seq=2).update(**{column: "forged"})
    report = audit_verify()
    assert not report.ok and report.first_broken_seq == 2


def test_r30_unsealing_a_middle_event_is_detected():
    _sealed_chain(5)
    AuditEvent.objects.filter(seq=3).update(seq=None, prev_hash="", hash="")
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 3


def test_r30_deleted_middle_event_is_detected():
    _sealed_chain(5)
    AuditEvent.objects.filter(seq=3).delete()
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert "缺失" in report.problems[0]


def test_r30_deleted_middle_event_with_renumbering_is_detected():
    # The forger closes the gap by renumbering the later events; their links no longer match.
    _sealed_chain(5)
    AuditEvent.objects.filter(seq=3).delete()
    for seq in (4, 5):
        AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
    report = audit_verify()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.first_broken_id == AuditEvent.objects.get(seq=3).pk


def _swap_positions(a: int, b: int) -> tuple[AuditEvent, AuditEvent]:
    first, second = _event(a), _event(b)
    with transaction.atomic():
        AuditEvent.objects.filter(pk=first.pk).update(seq=-1)
        AuditEvent.objects.filter(pk=second.pk).update(seq=a)
        AuditEvent.objects.filter(pk=first.pk).update(seq=b)
    return first, second


def test_r30_reordered_events_are_detected():
    _sealed_chain(5)
    first, second = _swap_positions(2, 4)
    report = audit_verify()
    assert not report.ok
    assert (report.first_broken_seq, report.first_broken_id) == (2, second.pk)


def test_r30_reordered_and_fully_rehashed_chain_is_caught_by_the_signed_checkpoint():
    # A forger who rewrites every hash after reordering (no key needed for SHA-256) and the head
    # still cannot re-sign the checkpoint.
    _sealed_chain(5)
    _swap_positions(2, 3)
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq"):
        new_hash = link_hash(prev, event.seq, event.pk, event.body)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=new_hash)
        prev = new_hash
    ChainHead.objects.filter(pk=1).update(head_hash=prev)
    report = audit_verify()
    assert not report.ok
    assert any("检查点" in p for p in report.problems)


def test_r30_truncated_tail_is_detected_by_the_chain_head():
    _sealed_chain(5)
    AuditEvent.objects.filter(seq__gte=4).delete()
    report = audit_verify()
    assert not report.ok
    assert "截断" in report.problems[0]


def test_r30_truncated_tail_is_detected_by_the_stored_checkpoint():
    _sealed_chain(5)
    AuditEvent.objects.filter(seq__gte=4).delete()
    head = _event(3)
    ChainHead.objects.filter(pk=1).update(length=3, head_hash=head.hash)
    report = audit_verify()
    assert not report.ok
    assert "链尾被删除" in report.problems[0]


def test_r30_truncated_tail_with_checkpoints_and_head_rewound_needs_an_external_checkpoint(client):
    _record(3)
    audit_seal()
    _record(2, start=50)
    audit_seal()
    # Anyone may keep the public checkpoint document.
    kept = client.get("/public/audit/checkpoint.json").json()
    assert kept["length"] == 5
    # The forger deletes the tail, the checkpoints that mention it and rewinds the head.
    AuditEvent.objects.filter(seq__gte=4).delete()
    Checkpoint.objects.filter(length__gt=3).delete()
    ChainHead.objects.filter(pk=1).update(length=3, head_hash=_event(3).hash)
    assert audit_verify().ok  # invisible from inside the platform ...
    report = audit_verify(external_checkpoint=kept)  # ... but not to whoever kept a checkpoint
    assert not report.ok
    assert "外部" in report.problems[0] and "链尾被删除" in report.problems[0]


def test_r30_external_checkpoint_of_a_rewritten_history_is_detected():
    _sealed_chain(3)
    kept = {"length": 3, "head": "f" * 64}
    report = audit_verify(external_checkpoint=kept)
    assert not report.ok
    assert "历史被改写" in report.problems[0]


def test_r30_external_checkpoint_still_matching_verifies():
    _sealed_chain(3)
    kept = {"length": 2, "head": _event(2).hash}
    _record(2, start=70)
    audit_seal()
    assert audit_verify(external_checkpoint=kept).ok


def test_r30_forged_checkpoint_signature_is_detected():
    _sealed_chain(3)
    cp = Checkpoint.objects.get()
    forged = ("A" if cp.signature[0] != "A" else "B") + cp.signature[1:]
    Checkpoint.objects.filter(pk=cp.pk).update(signature=forged)
    report = audit_verify()
    assert not report.ok
    assert "签名无效" in report.problems[0]


def test_r30_checkpoint_with_edited_head_is_detected():
    _sealed_chain(3)
    Checkpoint.objects.update(head_hash="0" * 64)
    report = audit_verify()
    assert not report.ok
    assert "签名无效" in report.problems[0]


def test_r30_checkpoint_signed_by_another_key_is_detected(settings, tmp_path):
    _sealed_chain(3)
    head = _event(3)
    signing_key_create(str(tmp_path / "intruder.pem"))
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(tmp_path / "intruder.pem")}
    checkpoint_sign(length=3, head_hash=head.hash)  # a perfectly formed checkpoint, wrong key
    settings.CLEARCHECK = {**settings.CLEARCHECK, "SIGNING_KEY_FILE": str(tmp_path / "keys" / "audit.pem")}
    report = audit_verify()
    assert not report.ok
    assert "签名无效" in report.problems[0]


def test_r30_verify_all_reports_every_problem():
    _sealed_chain(5)
    AuditEvent.objects.filter(seq=2).update(action="x.y")
    AuditEvent.objects.filter(seq=4).update(actor_label="nobody")
    report = audit_verify(stop_at_first=False)
    assert report.first_broken_seq == 2
    assert len(report.problems) >= 2


# --- R30: no write without an event --------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_r30_audit_record_outside_a_transaction_raises():
    with pytest.raises(RuntimeError, match="R30"):
        audit_record(actor=None, action="test.write", subject=("test.thing", 1), after={"x": 1})
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_r30_failed_service_leaves_neither_change_nor_event():
    from clearcheck.accounts.models import User
    from clearcheck.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        user_create(actor=None, username="x", password="Qingjian-2025!", role="no-such-role")
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_r30_on_commit_mode_seals_after_each_committed_write(settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "AUDIT_SEAL_MODE": "on_commit"}
    user_create(actor=None, username="committed", password="Qingjian-2025!", role="bureau")
    event = AuditEvent.objects.get()
    assert event.seq == 1
    report = audit_verify()
    assert report.ok and report.length == 1 and report.unsealed == 0


@pytest.mark.django_db(transaction=True)
def test_r30_rolled_back_write_leaves_a_gap_the_sealer_ignores(settings):
    settings.CLEARCHECK = {**settings.CLEARCHECK, "AUDIT_SEAL_MODE": "job"}
    user_create(actor=None, username="first", password="Qingjian-2025!", role="bureau")
    with pytest.raises(RuntimeError), transaction.atomic():
        user_create(actor=None, username="rolled-back", password="Qingjian-2025!", role="bureau")
        raise RuntimeError("abort")
    user_create(actor=None, username="third", password="Qingjian-2025!", role="bureau")
    assert audit_seal() == 2
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert audit_verify().ok
