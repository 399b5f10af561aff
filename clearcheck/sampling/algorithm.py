r"""The double-random draw algorithms ``clearcheck-draw/2`` and ``/1``: frame, commitment, seed, selection, teams.

This file needs only Python's standard library. The platform runs it, ``clearcheck draw verify``
runs it, and the public site offers this very file for download, so anyone can re-compute a
published draw with nothing but Python 3.8 or later::

    python clearcheck_draw_verify.py draw-12.json

The specification, precise enough to re-implement, is ``docs/draws.md``; in short:

* **Frame.** The pool frozen as UTF-8 text, one entry per line, each line ending in ``\n``::

      clearcheck-draw-frame/2
      E<TAB>stratum<TAB>entry           every enterprise (an entry once), lines sorted bytewise
      O<TAB>agency code<TAB>credential  every officer (a credential once), lines sorted bytewise
      X<TAB>credential<TAB>entry<TAB>reason   every officer–enterprise exclusion, lines sorted bytewise

  The frame hash is SHA-256 of these bytes. In ``/2`` an entry is a USCC, or ``p-`` and 32 hex digits: the
  pseudonym under which an individual business (个体工商户, a natural person) is drawn, so that its identity is
  never published (ADR 0017); no USCC of type ``92`` (个体工商户) may appear. ``/1`` (draws published before)
  has ``clearcheck-draw-frame/1`` and USCCs only; this file still verifies it.
* **Commitment.** SHA-256 of the 32-byte secret.
* **Seed.** SHA-256(frame hash ‖ len ‖ parameters ‖ secret ‖ len ‖ public value): hashes and the secret
  as raw 32 bytes, the parameters as canonical JSON, ``len`` a 4-byte big-endian length.
* **Selection.** Rank each enterprise by SHA-256(seed ‖ entry) as a 256-bit unsigned integer; in each
  stratum take the k smallest (a count, or ⌈ratio × N⌉ computed with integers only).
* **Teams.** Rank each agency's officers by SHA-256(seed ‖ "O" ‖ credential); deal them into teams
  of ``team_size`` per agency; give each selected enterprise (in rank order) to the least-loaded team
  with room and no excluded member, or, when there is none, to an extra team of its own made of the
  first officers of each agency's ranking who are free of its exclusions.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction

ALGORITHM_V1, ALGORITHM_V2 = "clearcheck-draw/1", "clearcheck-draw/2"
ALGORITHM = ALGORITHM_V2  # what the platform draws with; the verifier reads both
VERSIONS = {ALGORITHM_V1: 1, ALGORITHM_V2: 2}
FRAME_HEADERS = {1: "clearcheck-draw-frame/1", 2: "clearcheck-draw-frame/2"}
FRAME_HEADER = FRAME_HEADERS[2]
# /2 entries: a USCC (GB 32100: 18 of 0-9 and A-Y without I O S V Z) other than an individual business's (92…),
# or a pseudonym.
_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{18}")
_PSEUDONYM = re.compile(r"p-[0-9a-f]{32}")
EXCLUSION_REASONS = ("recused", "rotation")
SECRET_BYTES = 32
_RATIO = re.compile(r"[0-9]+(\.[0-9]+)?")
_KENO_SEPARATORS = re.compile(r"[\s,;\uff0c\uff1b\u3001]+")  # blanks, commas, semicolons, 、 (ASCII or full-width)
KENO_NUMBERS, KENO_MAX = 20, 80  # 福彩快乐8: 20 numbers drawn from 1–80


class DrawError(ValueError):
    """A draw that cannot be made or verified; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- Encodings ------------------------------------------------------------------------------------


def _float_refused(_text: str):
    raise DrawError("参数中不能有浮点数(比例须写成小数字符串)", "parameters")


def canonical_json(value) -> bytes:
    """Parameters as bytes: JSON, keys sorted, no spaces, UTF-8 (integers and strings only, no floats)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # A float anywhere (NaN and infinities too) is written as a JSON number with a fraction or an
    # exponent, or as a constant: reading the text back finds it at C speed, where a walk over a
    # draw's 50,000 picks in Python took a tenth of a second.
    json.loads(text, parse_float=_float_refused, parse_constant=_float_refused)
    return text.encode("utf-8")


def frame_bytes(enterprises, officers, exclusions=(), *, version: int = 1) -> bytes:
    """The canonical frame: header, then E, O and X lines, each group sorted bytewise.

    ``enterprises``: (stratum, entry) pairs; ``officers``: (agency code, credential no) pairs;
    ``exclusions``: (credential no, entry, reason) triples. ``version`` 2 checks every entry (``entry_valid``).
    """
    enterprises, exclusions = list(enterprises), list(exclusions)
    blocks = frame_block("E", enterprises, 2), frame_block("O", officers, 2), frame_block("X", exclusions, 3)
    if version == 2:
        entries_check([row[1] for row in enterprises] + [row[1] for row in exclusions])
    return frame_join(*blocks, version=version)


def frame_join(e_block: str, o_block: str, x_block: str, *, version: int = 1) -> bytes:
    """The frame's bytes from its three checked blocks (``frame_block``): header, E, O, X."""
    return (FRAME_HEADERS[version] + "\n" + e_block + o_block + x_block).encode("utf-8")


def entry_valid(entry) -> bool:
    """A ``/2`` entry: a USCC that is not an individual business's (``92``…), or ``p-`` and 32 hex digits."""
    return isinstance(entry, str) and bool(
        (_USCC.fullmatch(entry) and not entry.startswith("92")) or _PSEUDONYM.fullmatch(entry))


def entries_check(entries) -> None:
    """Refuse a ``/2`` frame with an entry that is neither a permitted USCC nor a pseudonym."""
    for entry in entries:
        if not entry_valid(entry):
            raise DrawError(f"框架条目“{entry}”既不是统一社会信用代码,也不是化名(个体工商户的代码不得公布)", "frame")


def frame_block(tag: str, rows, width: int) -> str:
    """One group of frame lines (``tag``, then ``width`` fields each), sorted bytewise and checked."""
    rows = list(rows)  # iterators too: the rows are read more than once
    lines = ["\t".join(row) for row in rows]
    # Code-point order of str is the byte order of its UTF-8 encoding, so sorting str sorts bytes.
    lines.sort()
    block = "".join(f"{tag}\t{line}\n" for line in lines)
    if any(len(row) != width for row in rows):
        raise DrawError(f"框架的 {tag} 条目含空值、制表符或换行符", "frame")
    block_check(tag, block, len(lines), width)
    if tag == "X" and any(row[2] not in EXCLUSION_REASONS for row in rows):
        raise DrawError("框架的 X 条目的原因须为 recused 或 rotation", "frame")
    # E and O: a USCC (a credential) on one line only, whatever its stratum (agency).
    if len({row[1] for row in rows} if tag != "X" else set(lines)) != len(lines):
        raise DrawError(f"框架中的 {tag} 条目有重复(同一企业或执法人员只能出现一次)", "frame")
    return block


def block_check(tag: str, block: str, count: int, width: int) -> None:
    """Refuse a block of ``count`` lines of ``width`` fields with an empty field, a tab, a line break or a
    carriage return inside a field: each line must read back as exactly the fields written.
    """
    if ("\r" in block or block.count("\t") != count * width or "\t\t" in block or "\t\n" in block
            or block.count("\n") != count):
        raise DrawError(f"框架的 {tag} 条目含空值、制表符或换行符", "frame")


def frame_version(data: bytes) -> int:
    """The version of a frame (1 or 2), from its header line."""
    header = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    for version, text in FRAME_HEADERS.items():
        if header == text:
            return version
    raise DrawError(f"框架首行须为 {FRAME_HEADERS[2]}(或 {FRAME_HEADERS[1]})", "frame")


def frame_parse(data: bytes) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The frame's enterprises, officers and exclusions, in frame order (the inverse of ``frame_bytes``)."""
    text = data.decode("utf-8")
    if not text.endswith("\n"):
        raise DrawError("框架须以换行符结尾", "frame")
    lines = text[:-1].split("\n")
    version = frame_version(data)
    enterprises, officers, exclusions = [], [], []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split("\t")
        if parts[0] == "E" and len(parts) == 3:
            enterprises.append((parts[1], parts[2]))
        elif parts[0] == "O" and len(parts) == 3:
            officers.append((parts[1], parts[2]))
        elif parts[0] == "X" and len(parts) == 4 and parts[3] in EXCLUSION_REASONS:
            exclusions.append((parts[1], parts[2], parts[3]))
        else:
            raise DrawError(f"框架第 {number} 行格式不正确", "frame")
    if version == 2:
        entries_check([e for _, e in enterprises] + [e for _, e, _ in exclusions])
    return enterprises, officers, exclusions


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def commitment_of(secret_hex: str) -> str:
    """SHA-256 of the secret's 32 raw bytes, in hex."""
    return sha256_hex(secret_decode(secret_hex))


def secret_decode(secret_hex: str) -> bytes:
    """The secret's bytes; refuses anything but 64 hex digits (256 bits)."""
    text = secret_hex.strip().lower() if isinstance(secret_hex, str) else ""
    if len(text) != 2 * SECRET_BYTES or not all(ch in "0123456789abcdef" for ch in text):
        raise DrawError("密钥须为 64 位十六进制数(256 位)", "secret")
    return bytes.fromhex(text)


def keno_normalise(text: str) -> str:
    """A 福彩快乐8 result as canonical text: 20 distinct numbers 1–80, ascending, two digits, comma-separated."""
    parts = [part for part in _KENO_SEPARATORS.split(text or "") if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise DrawError("快乐8开奖号码须为 20 个 1–80 之间的整数", "public_value")
    numbers = [int(part) for part in parts]
    if len(numbers) != KENO_NUMBERS or len(set(numbers)) != KENO_NUMBERS or not all(
            1 <= n <= KENO_MAX for n in numbers):
        raise DrawError("快乐8开奖号码须为 20 个互不相同的 1–80 之间的整数", "public_value")
    return ",".join(f"{n:02d}" for n in sorted(numbers))


def public_value_normalise(kind: str, text: str) -> str:
    """The public value in its canonical text (``keno``: 快乐8 numbers; ``witness``: text read at the draw)."""
    if kind == "keno":
        return keno_normalise(text)
    value = " ".join((text or "").split())
    if not value:
        raise DrawError("请填写公开随机数", "public_value")
    return value


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def seed_of(frame_hash: str, parameters: dict, secret_hex: str, public_value: str) -> bytes:
    """Seed = SHA-256(frame hash ‖ len ‖ parameters ‖ secret ‖ len ‖ public value)."""
    message = (bytes.fromhex(frame_hash) + _length_prefixed(canonical_json(parameters))
               + secret_decode(secret_hex) + _length_prefixed(public_value.encode("utf-8")))
    return hashlib.sha256(message).digest()


# --- Selection -------------------------------------------------------------------------------------


def ratio_parse(text: str) -> Fraction:
    """A ratio written as a decimal string ("0.05") as an exact fraction in [0, 1]."""
    if not isinstance(text, str) or not _RATIO.fullmatch(text):
        raise DrawError(f"抽查比例“{text}”不是小数", "sample")
    value = Fraction(text)
    if not 0 <= value <= 1:
        raise DrawError(f"抽查比例“{text}”须在 0 与 1 之间", "sample")
    return value


def stratum_quota(sample: dict, stratum: str, size: int) -> int:
    """K for one stratum of ``size`` enterprises: the stated count, or ⌈ratio × size⌉ with integers only."""
    if sample.get("mode") == "count":
        k = sample.get("counts", {}).get(stratum, 0)
        if not isinstance(k, int) or isinstance(k, bool):
            raise DrawError(f"{stratum} 层的抽取数量须为整数", "sample")
    elif sample.get("mode") == "ratio":
        ratio = ratio_parse(sample.get("ratios", {}).get(stratum, "0"))
        k = -((-ratio.numerator * size) // ratio.denominator)
    else:
        raise DrawError("抽取方式须为按数量(count)或按比例(ratio)", "sample")
    if k < 0:
        raise DrawError(f"{stratum} 层的抽取数量不能为负数", "sample")
    if k > size:
        raise DrawError(f"{stratum} 层抽取 {k} 户,超过检查对象库中的 {size} 户", "sample")
    return k


@dataclass(frozen=True)
class Pick:
    """One selected enterprise: its stratum, frame entry (USCC or pseudonym), rank hash (hex) and team number."""

    stratum: str
    entry: str
    rank: str
    team: int

    @property
    def uscc(self) -> str:
        """The entry under its ``/1`` name (always a USCC there)."""
        return self.entry


@dataclass
class Outcome:
    """The result of a draw: the selected enterprises in rank order and the teams (credential numbers)."""

    seed: str
    picks: list[Pick] = field(default_factory=list)
    teams: list[list[str]] = field(default_factory=list)


def enterprises_select(seed: bytes, enterprises, sample: dict) -> list[tuple[bytes, str, str]]:
    """(rank hash, stratum, uscc) of the selected enterprises, ordered by rank hash then USCC."""
    key = "counts" if isinstance(sample, dict) and sample.get("mode") == "count" else "ratios"
    if not isinstance(sample, dict) or not isinstance(sample.get(key, {}), dict):
        raise DrawError("抽取数量或比例须为按层给出的对象", "sample")
    by_stratum: dict[str, list[str]] = {}
    for stratum, uscc in enterprises:
        by_stratum.setdefault(stratum, []).append(uscc)
    if not by_stratum:
        raise DrawError("检查对象库为空,无可抽取的企业", "pool")
    strata = sample.get("counts" if sample.get("mode") == "count" else "ratios", {})
    for stratum in sorted(set(strata) - set(by_stratum)):
        stratum_quota(sample, stratum, 0)  # a positive count for a stratum with no enterprise is refused
    chosen: list[tuple[bytes, str, str]] = []
    for stratum in sorted(by_stratum):
        usccs = by_stratum[stratum]
        k = stratum_quota(sample, stratum, len(usccs))
        if k:
            chosen.extend((digest, stratum, uscc) for digest, uscc in _smallest(seed, usccs, k))
    chosen.sort()
    if not chosen:
        raise DrawError("按所给数量或比例抽取的企业为 0 户", "sample")
    return chosen


def _smallest(seed: bytes, usccs: list[str], k: int) -> list[tuple[bytes, str]]:
    """The k (hash, uscc) pairs with the smallest SHA-256(seed ‖ uscc), in order.

    Equal-length byte strings compare as big-endian unsigned integers, so no floating point is
    involved. To avoid sorting a million hashes, keep only those under a bound that the k smallest
    lie under with overwhelming probability; if fewer than k survive, fall back to sorting them all.
    The result is the same either way.
    """
    copy = hashlib.sha256(seed).copy  # the seed's state, copied per USCC instead of hashed again
    n = len(usccs)
    expected = (2 * k + 64) * (1 << 32) // n  # twice the expected k-th smallest 32-bit prefix, plus slack
    if expected < (1 << 32):
        # digest < prefix ‖ 28 zero bytes exactly when the digest's first 4 bytes are below the prefix.
        bound = expected.to_bytes(4, "big") + bytes(28)
        kept = []
        for uscc in usccs:
            h = copy()
            h.update(uscc.encode("utf-8"))
            digest = h.digest()
            if digest < bound:
                kept.append((digest, uscc))
        if len(kept) >= k:
            kept.sort()
            return kept[:k]
    every = []
    for uscc in usccs:
        h = copy()
        h.update(uscc.encode("utf-8"))
        every.append((h.digest(), uscc))
    every.sort()
    return every[:k]


def officers_rank(seed: bytes, officers, agencies: list[str]) -> dict[str, list[str]]:
    """Each agency's officers ordered by SHA-256(seed ‖ "O" ‖ credential)."""
    if not agencies or len(set(agencies)) != len(agencies):
        raise DrawError("参与机关须为不重复的非空列表", "agencies")
    ranked: dict[str, list[str]] = {a: [] for a in agencies}
    for _digest, credential, agency in sorted(
            (hashlib.sha256(seed + b"O" + c.encode("utf-8")).digest(), c, a) for a, c in officers):
        if agency not in ranked:
            raise DrawError(f"执法人员 {credential} 的机关 {agency} 不在参与机关之中", "frame")
        ranked[agency].append(credential)
    return ranked


def teams_form(seed: bytes, officers, *, team_size: int, agencies: list[str]) -> list[list[str]]:
    """Teams from the officer ranking SHA-256(seed ‖ "O" ‖ credential), ranked within each agency.

    Each team has ``team_size`` officers of every participating agency (a joint draw's teams hold
    officers of each agency; each agency's task keeps at least two of its own, R14). With ``r_a`` the
    ranked officers of agency a and T = min over a of ⌊len(r_a) / team_size⌋ teams, team j (from 0)
    takes, for each agency in code order, officers r_a[j], r_a[T + j], … r_a[(team_size − 1)·T + j].
    """
    if team_size < 2:
        raise DrawError("每组执法人员不少于 2 人", "team_size")
    ranked = officers_rank(seed, officers, agencies)
    for agency, rows in ranked.items():
        if team_size > len(rows):
            raise DrawError(f"每组 {team_size} 人,超过{agency}执法人员库中符合条件的 {len(rows)} 人", "team_size")
    count = min(len(rows) // team_size for rows in ranked.values())
    return [[ranked[a][r * count + j] for a in agencies for r in range(team_size)] for j in range(count)]


def team_extra(ranked: dict[str, list[str]], barred: set[str], *, team_size: int, uscc: str) -> list[str]:
    """The team of one enterprise that no regular team may take: for each agency in the order of
    ``parameters.agencies`` (sorted by the platform), the first
    ``team_size`` officers of its ranking who are not barred from the enterprise.
    """
    team = []
    for agency, rows in ranked.items():
        free = [c for c in rows if c not in barred][:team_size]
        if len(free) < team_size:
            raise DrawError(f"企业 {uscc}:{agency}未被回避或轮换限制的执法人员不足 {team_size} 人", "teams")
        team += free
    return team


def teams_assign(chosen, teams: list[list[str]], exclusions, *, max_per_team: int,
                 ranked: dict[str, list[str]] | None = None, team_size: int = 0) -> list[int]:
    """The team of each chosen enterprise, in order: the least-loaded team with room whose members are
    not excluded from that enterprise (lowest team number on a tie).

    When no such team exists (its exclusions bar every team, or the teams it may take are full), and the
    ranking is given, the enterprise gets an extra team of its own (``team_extra``), appended to ``teams``
    with the next number; so a draw whose every enterprise has enough officers free of exclusions never
    fails after its commitment.
    """
    if max_per_team < 1:
        raise DrawError("每组最多分配的企业数须为正整数", "max_per_team")
    if len(teams) * max_per_team < len(chosen):
        raise DrawError(f"抽中 {len(chosen)} 户,{len(teams)} 个检查组每组至多 {max_per_team} 户,无法分配",
                        "max_per_team")
    excluded: dict[str, set[str]] = {}
    for credential, uscc, _reason in exclusions:
        excluded.setdefault(uscc, set()).add(credential)
    # A heap of (load, team number): its top is the least-loaded team, lowest number first.
    heap = [(0, j) for j in range(len(teams))]
    assigned = []
    for _digest, _stratum, uscc in chosen:
        barred = excluded.get(uscc)
        skipped = []
        while heap:
            load, j = heapq.heappop(heap)
            if barred and barred.intersection(teams[j]):
                skipped.append((load, j))
                continue
            assigned.append(j)
            if load + 1 < max_per_team:
                heapq.heappush(heap, (load + 1, j))
            break
        else:
            if ranked is None:
                raise DrawError(f"企业 {uscc} 无可分配的检查组(回避、轮换或每组上限)", "teams")
            teams.append(team_extra(ranked, barred or set(), team_size=team_size, uscc=uscc))
            assigned.append(len(teams) - 1)
        for entry in skipped:
            heapq.heappush(heap, entry)
    return assigned


def draw_compute(*, frame: bytes, parameters: dict, secret_hex: str, public_value: str) -> Outcome:
    """Run the whole draw from the frozen frame: seed, selection, teams."""
    enterprises, officers, exclusions = frame_parse(frame)
    seed = seed_of(sha256_hex(frame), parameters, secret_hex, public_value)
    chosen = enterprises_select(seed, enterprises, parameters["sample"])
    for name in ("team_size", "max_per_team"):
        if not isinstance(parameters[name], int) or isinstance(parameters[name], bool):
            raise DrawError(f"{name} 须为整数", name)
    if not isinstance(parameters["agencies"], list) or not all(isinstance(a, str) for a in parameters["agencies"]):
        raise DrawError("参与机关须为机关代码的列表", "agencies")
    team_size, agencies = parameters["team_size"], list(parameters["agencies"])
    teams = teams_form(seed, officers, team_size=team_size, agencies=agencies)
    assigned = teams_assign(chosen, teams, exclusions, max_per_team=parameters["max_per_team"],
                            ranked=officers_rank(seed, officers, agencies), team_size=team_size)
    picks = [Pick(stratum, uscc, digest.hex(), team)
             for (digest, stratum, uscc), team in zip(chosen, assigned)]  # noqa: B905 (Python 3.9: no strict=)
    return Outcome(seed=seed.hex(), picks=picks, teams=teams)


# --- Published document and verification ----------------------------------------------------------


def document_frame(document: dict) -> bytes:
    """The frame bytes rebuilt from a published document's lists (the version named by ``algorithm``)."""
    frame = document["frame"]
    return frame_bytes([tuple(r) for r in frame["enterprises"]], [tuple(r) for r in frame["officers"]],
                       [tuple(r) for r in frame.get("exclusions", [])],
                       version=VERSIONS.get(document.get("algorithm"), 1))


def verify_document(document: dict) -> list[str]:
    """Re-compute a published draw; returns the differences found (empty: the draw matches)."""
    if not isinstance(document, dict):
        return ["文档须为 JSON 对象"]
    if document.get("algorithm") not in VERSIONS:
        return [f"算法版本为 {document.get('algorithm')!r},本校验程序实现的是 {ALGORITHM_V2} 和 {ALGORITHM_V1}"]
    if document.get("redacted"):
        return [redacted_problem(document)]
    try:
        frame = document_frame(document)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # DrawError, UnicodeEncodeError: ValueError
        return [f"框架无法解析:{exc}"]
    frame_hash = sha256_hex(frame)
    if frame_hash != document.get("frame_sha256"):
        return [f"框架哈希不符:公布 {document.get('frame_sha256')},重算 {frame_hash}(框架被改动)"]
    try:
        commitment = commitment_of(document.get("secret", ""))
    except DrawError as exc:
        return [f"密钥无效:{exc}"]
    if commitment != document.get("commitment"):
        return [f"密钥与承诺值不符:公布的承诺 {document.get('commitment')},SHA-256(密钥) = {commitment}"]
    if not isinstance(document.get("public_value"), str) or not isinstance(document.get("parameters"), dict):
        return ["公开随机数或参数缺失"]
    try:
        outcome = draw_compute(frame=frame, parameters=document["parameters"], secret_hex=document["secret"],
                               public_value=document["public_value"])
    except (DrawError, KeyError, TypeError, ValueError) as exc:
        return [f"无法重算抽取:{exc}"]
    if document.get("seed") not in (None, outcome.seed):
        return [f"种子不符:公布 {document.get('seed')},重算 {outcome.seed}"]
    return _differences(document, outcome, "uscc" if document["algorithm"] == ALGORITHM_V1 else "entry")


def redacted_problem(document: dict) -> str:
    """Why a ``/1`` document published with individual businesses left out cannot be re-computed."""
    redacted = document.get("redacted")
    count = redacted.get("enterprises") if isinstance(redacted, dict) else "?"
    return (f"本文档依法隐去了框架中 {count} 户个体工商户的统一社会信用代码(ADR 0017),无法独立重算;"
            "可使用平台重算校验,或向抽取机关、司法局申请核查")


def _differences(document: dict, outcome: Outcome, key: str) -> list[str]:
    selection, teams = document.get("selection", []), document.get("teams", [])
    if not (isinstance(selection, list) and isinstance(teams, list)
            and all(isinstance(row, dict) for row in [*selection, *teams])):
        return ["抽取结果和检查组须为对象的列表"]
    published = [(p.get(key), p.get("stratum"), p.get("rank"), p.get("team"))
                 for p in document.get("selection", [])]
    computed = [(p.entry, p.stratum, p.rank, p.team) for p in outcome.picks]
    for n, (a, b) in enumerate(zip(published, computed), start=1):  # noqa: B905
        if a != b:
            return [f"抽取结果第 {n} 条不符:公布 {a},重算 {b}"]
    if len(published) != len(computed):
        return [f"抽取结果条数不符:公布 {len(published)} 条,重算 {len(computed)} 条"]
    published_teams = [list(t.get("officers", [])) for t in document.get("teams", [])]
    for n, (a, b) in enumerate(zip(published_teams, outcome.teams)):  # noqa: B905
        if a != b:
            return [f"第 {n + 1} 检查组不符:公布 {a},重算 {b}"]
    if len(published_teams) != len(outcome.teams):
        return [f"检查组数不符:公布 {len(published_teams)} 组,重算 {len(outcome.teams)} 组"]
    return []


def main(argv: list[str] | None = None) -> int:
    """Verify the published draw JSON given as the only argument; exit 0 on a match, 1 otherwise."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("用法 usage: python clearcheck_draw_verify.py DRAW.json", file=sys.stderr)
        return 2
    try:
        with open(args[0], encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"无法读取 cannot read {args[0]}: {exc}", file=sys.stderr)
        return 2
    problems = verify_document(document)
    if isinstance(document, dict) and document.get("redacted") and document.get("algorithm") in VERSIONS:
        print("无法独立校验 UNVERIFIABLE: " + problems[0])
        return 3
    if problems:
        print("不符 MISMATCH: " + problems[0])
        return 1
    print(f"一致 MATCH: {len(document.get('selection', []))} 户企业、{len(document.get('teams', []))} 个检查组,"
          f"框架哈希 {document['frame_sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
