"""``clearcheck audit verify``: recompute the chain end to end and check the signed checkpoints."""

import datetime as dt
import json
from dataclasses import dataclass, field

from clearcheck.core import crypto, keys
from clearcheck.core.canonical import utc_text

from .chain import CHECKPOINT_KEY_SETTING, checkpoint_key, checkpoint_payload, link_hash
from .models import GENESIS_HASH, AuditEvent, ChainHead, Checkpoint

_COLUMNS = ("id", "seq", "prev_hash", "hash", "body", "action", "actor_id", "actor_label",
            "subject_type", "subject_id", "request_id", "occurred_at")


@dataclass
class VerifyReport:
    """What verification found. ``ok`` is false when anything at all is broken."""

    length: int = 0
    unsealed: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)
    first_broken_seq: int | None = None
    first_broken_id: int | None = None
    verified_from: int = 0  # the length of the mark an incremental run started after (0: the whole chain)
    head_hash: str = GENESIS_HASH  # the hash at ``length`` (the next mark)

    @property
    def ok(self) -> bool:
        """True when the chain and every checkpoint verify."""
        return not self.problems

    def broken(self, seq: int | None, event_id: int | None, reason: str) -> None:
        """Note a problem; the first one names the first broken event."""
        if self.first_broken_seq is None and seq is not None:
            self.first_broken_seq, self.first_broken_id = seq, event_id
        self.problems.append(reason)


def _columns_match_body(row: dict, body: dict) -> bool:
    return (
        body.get("action") == row["action"]
        and body.get("actor", {}).get("id") == row["actor_id"]
        and body.get("actor", {}).get("label") == row["actor_label"]
        and body.get("subject", {}).get("type") == row["subject_type"]
        and body.get("subject", {}).get("id") == row["subject_id"]
        and body.get("request_id") == row["request_id"]
        and row["occurred_at"] is not None
        and body.get("occurred_at") == utc_text(row["occurred_at"])
    )


def _signed_in_period(key_id: str, signed_at: str, retired: dict, current_id: str | None, current_from) -> bool:
    """Whether a checkpoint dated ``signed_at`` was signed while ``key_id`` was in use."""
    at = dt.datetime.fromisoformat(signed_at.replace("Z", "+00:00"))
    if key_id in retired:
        return retired[key_id].signed_in_period(at)
    if key_id == current_id and current_from is not None:
        return at >= current_from  # the current key signs only after the last rotation
    return True  # a key given from outside (--public-key): its period is the published document's matter


def public_keys_read(pem_text: str) -> dict[str, bytes]:
    """Key id → raw public key of the Ed25519 PEM blocks in ``pem_text`` (e.g. a saved /public/audit/keys.json
    entry or a .pem file); raises ``ValueError`` on anything else.
    """
    if pem_text.lstrip().startswith("{"):
        # A saved copy of the public keys document: its entries carry the PEM.
        pem_text = "".join(entry.get("public_key_pem") or "" for entry in json.loads(pem_text).get("keys", []))
    keys: dict[str, bytes] = {}
    for block in pem_text.split("-----END PUBLIC KEY-----")[:-1]:
        raw = crypto.public_key_raw_from_pem(block + "-----END PUBLIC KEY-----\n")
        keys[crypto.key_id_for(raw)] = raw
    if not keys:
        raise ValueError("没有找到公钥 (no PUBLIC KEY block)")
    return keys


def audit_verify(*, external_checkpoint: dict | None = None, archived_head: dict | None = None,
                 start: dict | None = None, stop_at_first: bool = True,
                 public_keys: dict[str, bytes] | None = None) -> VerifyReport:
    """Verify the chain, the chain head and every stored checkpoint. Reads only: writes nothing.

    ``external_checkpoint`` is a checkpoint someone kept (the public JSON) and ``archived_head`` the newest
    head of the archive (``audit.archive``): the chain must still reach their length with the same head
    hash, which detects a deleted tail even when the stored checkpoints and the chain head were deleted with
    it. ``start`` (``{"length", "head"}``, the mark of the last verification) verifies only the events after
    it, once the event at the mark still has the hash it had. ``public_keys`` (key id → raw key, e.g. the
    published ones) check the signatures beside the configured signing key and the key history; when none is
    there, the missing key file is reported as a problem (never created).
    """
    report = VerifyReport()
    checkpoints = list(Checkpoint.objects.order_by("length", "id"))
    kept = [(doc, label) for doc, label in ((external_checkpoint, "外部保存的检查点"), (archived_head, "存档的链头"))
            if doc]
    wanted = {cp.length for cp in checkpoints} | {int(doc["length"]) for doc, _ in kept}
    hash_at: dict[int, str] = {0: GENESIS_HASH}

    prev = GENESIS_HASH
    expected = 1
    rows = AuditEvent.objects.filter(seq__isnull=False)
    if start and int(start["length"]) > 0:
        mark = int(start["length"])
        report.verified_from = mark
        stored = dict(AuditEvent.objects.filter(seq__in={mark} | {n for n in wanted if n < mark})
                      .values_list("seq", "hash"))
        if stored.get(mark) != start["head"]:
            report.broken(mark, None, f"上次校验到第 {mark} 号事件,其哈希已与当时不同:已校验的部分被改动或截断,"
                                      "请做一次完整校验")
            return report
        hash_at.update(stored)
        prev, expected = start["head"], mark + 1
        rows = rows.filter(seq__gt=mark)
    rows = rows.order_by("seq").values_list(*_COLUMNS)
    for values in rows.iterator(chunk_size=10000):
        row = dict(zip(_COLUMNS, values, strict=True))
        seq = row["seq"]
        if seq != expected:
            report.broken(expected, None, f"第 {expected} 号事件缺失或顺序被改动(见到的是第 {seq} 号)")
            if stop_at_first:
                break
            expected = seq
        if row["prev_hash"] != prev:
            report.broken(seq, row["id"], f"第 {seq} 号事件(id {row['id']})的前序哈希不符:事件被删除、插入或重排")
            if stop_at_first:
                break
        computed = link_hash(prev, seq, row["id"], row["body"])
        if computed != row["hash"]:
            report.broken(seq, row["id"], f"第 {seq} 号事件(id {row['id']})的内容与哈希不符:事件被修改")
            if stop_at_first:
                break
        try:
            body = json.loads(row["body"])
        except ValueError:
            body = {}
        if not _columns_match_body(row, body):
            report.broken(seq, row["id"], f"第 {seq} 号事件(id {row['id']})的索引列与事件正文不一致:事件被修改")
            if stop_at_first:
                break
        prev = row["hash"]
        if seq in wanted:
            hash_at[seq] = prev
        expected = seq + 1
    report.length = expected - 1
    report.unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    if report.problems:
        return report

    head = ChainHead.objects.filter(pk=1).first()
    if head and (head.length != report.length or head.head_hash != prev):
        report.broken(None, None, f"链头记录为 {head.length} 条,实际可校验 {report.length} 条:链尾被截断或链头被改动")

    public_keys = dict(public_keys or {})
    # Retired keys verify only what they signed in their period (core.keys: the history kept at rotation).
    retired = {k.key_id: k for k in keys.key_history(CHECKPOINT_KEY_SETTING)}
    current_from = max((k.retired_at for k in retired.values()), default=None)
    current_id = None
    try:
        key = checkpoint_key()
        public_keys[key.key_id] = key.public_key_raw
        current_id = key.key_id
    except crypto.KeyFileMissing as missing:
        if checkpoints and not public_keys and not retired:
            report.broken(None, None, f"无法校验检查点签名:{missing}")
            return report
    for cp in checkpoints:
        report.checkpoints_checked += 1
        signed_at = json.loads(cp.body)["time"]
        payload = checkpoint_payload(cp.length, cp.head_hash, signed_at, cp.key_id, cp.suite)
        raw = public_keys.get(cp.key_id)
        if raw is None and cp.key_id in retired:
            raw = retired[cp.key_id].raw
        if raw is None or payload.decode() != cp.body or not crypto.signature_valid(cp.suite, raw, cp.signature, payload):
            report.broken(None, None, f"长度为 {cp.length} 的检查点签名无效")
        elif not _signed_in_period(cp.key_id, signed_at, retired, current_id, current_from):
            report.broken(None, None, f"长度为 {cp.length} 的检查点由密钥 {cp.key_id} 签于其使用期之外:签名时间或密钥被改动")
        elif cp.length > report.length:
            report.broken(None, None, f"检查点记载链长 {cp.length},但链上只有 {report.length} 条:链尾被删除")
        elif hash_at.get(cp.length) != cp.head_hash:
            report.broken(cp.length, None, f"长度为 {cp.length} 的检查点哈希与链上不符")
        if report.problems and stop_at_first:
            return report
    for document, label in kept:
        length = int(document["length"])
        if length > report.length:
            report.broken(None, None, f"{label}记载链长 {length},但链上只有 {report.length} 条:链尾被删除")
        elif hash_at.get(length) != document["head"]:
            report.broken(length, None, f"{label}(长度 {length})哈希与链上不符:历史被改写")
    report.head_hash = prev
    return report
