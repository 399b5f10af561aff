"""An independent implementation of ``clearcheck-draw/1`` and ``/2``, written from docs/draws.md alone (R24).

It does not import ``clearcheck.sampling.algorithm`` and shares no code with it: its JSON writer, ratio
arithmetic, selection, assignment and extra teams are its own. ``tests/test_draw_spec.py`` checks it
against the worked examples of docs/draws.md §11 and against the reference implementation.
"""

from __future__ import annotations

import hashlib
import re

SPEC_ALGORITHM = "clearcheck-draw/1"
SPEC_FRAME_HEADER = "clearcheck-draw-frame/1"
# §13: version 2 changes the header, what an entry may be, and the name of the selection's entry field.
SPEC_VERSIONS = {"clearcheck-draw/1": ("clearcheck-draw-frame/1", "uscc"),
                 "clearcheck-draw/2": ("clearcheck-draw-frame/2", "entry")}
SPEC_USCC_CHARACTERS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
SPEC_REASONS = ("recused", "rotation")
SPEC_RATIO = re.compile(r"[0-9]+(\.[0-9]+)?")
SPEC_SECRET = re.compile(r"[0-9a-fA-F]{64}")
# §5.1: the witness text's whitespace, as listed in the specification.
SPEC_WHITESPACE = frozenset(
    [chr(c) for c in range(0x09, 0x0E)] + [chr(c) for c in range(0x1C, 0x21)]
    + ["\u0085", "\u00a0", "\u1680"] + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])
# §5.1: what separates the 快乐8 numbers on entry, besides that whitespace.
SPEC_KENO_SEPARATORS = SPEC_WHITESPACE | {",", ";", "\uff0c", "\uff1b", "\u3001"}


class SpecRefusal(Exception):
    """The draw has no outcome (docs/draws.md: "refuse")."""


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def spec_entry_allowed(entry: str) -> bool:
    """§13.1: a /2 entry is a USCC (18 characters of its alphabet) not beginning "92", or "p-" and 32 lower-case
    hex digits."""
    if len(entry) == 18 and all(c in SPEC_USCC_CHARACTERS for c in entry):
        return not entry.startswith("92")
    return len(entry) == 34 and entry.startswith("p-") and all(c in "0123456789abcdef" for c in entry[2:])


def spec_frame(enterprises, officers, exclusions, algorithm: str = SPEC_ALGORITHM) -> bytes:
    """§2.1 (§13.1 for /2): header, then E, O and X lines, each group sorted bytewise as whole lines."""
    header, _key = SPEC_VERSIONS[algorithm]
    out = [header.encode("ascii") + b"\n"]
    for tag, rows, width in (("E", enterprises, 2), ("O", officers, 2), ("X", exclusions, 3)):
        lines = []
        for row in rows:
            row = list(row)
            if len(row) != width:
                raise SpecRefusal(f"{tag} line with {len(row)} fields")
            for value in row:
                if not isinstance(value, str) or not value or any(c in value for c in "\t\n\r"):
                    raise SpecRefusal(f"bad field {value!r}")
            if tag == "X" and row[2] not in SPEC_REASONS:
                raise SpecRefusal(f"unknown exclusion reason {row[2]!r}")
            if algorithm != SPEC_ALGORITHM and tag in "EX" and not spec_entry_allowed(row[1]):
                raise SpecRefusal(f"{row[1]!r} is not an entry of {algorithm}")
            try:
                lines.append((tag + "\t" + "\t".join(row) + "\n").encode("utf-8"))
            except UnicodeEncodeError:
                raise SpecRefusal("not encodable as UTF-8") from None
        lines.sort()
        if len(set(lines)) != len(lines):
            raise SpecRefusal(f"duplicate {tag} line")
        out.extend(lines)
    for name, keys in (("USCC", [u for _, u in enterprises]), ("credential", [c for _, c in officers])):
        if len(set(keys)) != len(keys):
            raise SpecRefusal(f"a {name} on two lines")
    return b"".join(out)


def spec_frame_rows(frame: bytes):
    """The (already valid) frame's E, O and X fields."""
    rows = {"E": [], "O": [], "X": []}
    for line in frame.decode("utf-8").split("\n")[1:-1]:
        tag, *fields = line.split("\t")
        rows[tag].append(tuple(fields))
    return rows["E"], rows["O"], rows["X"]


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_string(text: str) -> str:
    parts = []
    for ch in text:
        if ch in _ESCAPES:
            parts.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            parts.append(f"\\u{ord(ch):04x}")
        else:
            parts.append(ch)
    return '"' + "".join(parts) + '"'


def _json_write(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, list):
        return "[" + ",".join(_json_write(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise SpecRefusal("object key is not a string")
        return "{" + ",".join(_json_string(k) + ":" + _json_write(value[k]) for k in sorted(value)) + "}"
    raise SpecRefusal(f"not allowed in parameters: {value!r}")  # floats, above all


def spec_canonical(value) -> bytes:
    """§3.1: canonical JSON as UTF-8 bytes."""
    try:
        return _json_write(value).encode("utf-8")
    except UnicodeEncodeError:
        raise SpecRefusal("not encodable as UTF-8") from None


def _trim(text: str) -> str:
    """Leading and trailing whitespace (the §5.1 set) removed."""
    start, end = 0, len(text)
    while start < end and text[start] in SPEC_WHITESPACE:
        start += 1
    while end > start and text[end - 1] in SPEC_WHITESPACE:
        end -= 1
    return text[start:end]


def spec_secret(text) -> bytes:
    """§4: surrounding whitespace ignored, then exactly 64 hex digits → 32 bytes."""
    if not isinstance(text, str) or not SPEC_SECRET.fullmatch(_trim(text)):
        raise SpecRefusal("secret is not 64 hex digits")
    return bytes.fromhex(_trim(text))


def spec_keno_canonical(numbers) -> str:
    """§5.1: 20 distinct numbers 1–80, ascending, two digits, comma-separated."""
    numbers = sorted(numbers)
    if len(numbers) != 20 or len(set(numbers)) != 20 or not all(1 <= n <= 80 for n in numbers):
        raise SpecRefusal("not a 快乐8 result")
    return ",".join(f"{n:02d}" for n in numbers)


def spec_keno_entry(text: str) -> str:
    """§5.1: the numbers as entered (any run of separators between them) → canonical text."""
    pieces, piece = [], []
    for ch in text + ",":
        if ch in SPEC_KENO_SEPARATORS:
            if piece:
                pieces.append("".join(piece))
                piece = []
        else:
            piece.append(ch)
    if not all(p and all("0" <= ch <= "9" for ch in p) for p in pieces):
        raise SpecRefusal("not ASCII digits")
    return spec_keno_canonical([int(p) for p in pieces])


def spec_witness_canonical(text: str) -> str:
    """§5.1: trim, and collapse every whitespace run to one space."""
    words, word = [], []
    for ch in text:
        if ch in SPEC_WHITESPACE:
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(ch)
    if word:
        words.append("".join(word))
    if not words:
        raise SpecRefusal("empty witness value")
    return " ".join(words)


def spec_seed(frame: bytes, parameters: dict, secret_hex: str, public_value: str) -> bytes:
    """§6: SHA-256(frame hash ‖ u32be(len P) ‖ P ‖ secret ‖ u32be(len V) ‖ V)."""
    p = spec_canonical(parameters)
    v = public_value.encode("utf-8")
    return _sha(_sha(frame) + len(p).to_bytes(4, "big") + p + spec_secret(secret_hex)
                + len(v).to_bytes(4, "big") + v)


def _int(value, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SpecRefusal(f"{name} is not an integer")
    return value


def spec_quota(sample: dict, stratum: str, size: int) -> int:
    """§7.1 steps 2–3: the stratum's quota, by exact integer arithmetic."""
    mode = sample.get("mode")
    if mode == "count":
        k = _int(sample.get("counts", {}).get(stratum, 0), "count")
    elif mode == "ratio":
        text = sample.get("ratios", {}).get(stratum, "0")
        if not isinstance(text, str) or not SPEC_RATIO.fullmatch(text):
            raise SpecRefusal(f"ratio {text!r}")
        whole, _, fraction = text.partition(".")
        a, b = int(whole + fraction), 10 ** len(fraction)
        if a > b:
            raise SpecRefusal(f"ratio {text} above 1")
        k = -((-a * size) // b)
    else:
        raise SpecRefusal(f"mode {mode!r}")
    if k < 0 or k > size:
        raise SpecRefusal(f"quota {k} of {size}")
    return k


def spec_select(seed: bytes, enterprises, sample: dict) -> list[tuple[bytes, str, str]]:
    """§7.1: (rank hash, stratum, uscc) in global rank order."""
    strata: dict[str, list[str]] = {}
    for stratum, uscc in enterprises:
        strata.setdefault(stratum, []).append(uscc)
    if not strata:
        raise SpecRefusal("no enterprise")
    if not isinstance(sample, dict):
        raise SpecRefusal("sample")
    named = sample.get("counts" if sample.get("mode") == "count" else "ratios", {})
    if not isinstance(named, dict):
        raise SpecRefusal("counts or ratios is not an object")
    for stratum in named:
        if stratum not in strata:
            spec_quota(sample, stratum, 0)
    chosen, total = [], 0
    for stratum, usccs in strata.items():
        k = spec_quota(sample, stratum, len(usccs))
        total += k
        ranked = sorted((_sha(seed + u.encode("utf-8")), u) for u in usccs)
        chosen += [(h, stratum, u) for h, u in ranked[:k]]
    if total == 0:
        raise SpecRefusal("quotas sum to 0")
    return sorted(chosen)


def spec_rankings(seed: bytes, officers, team_size, agencies) -> dict[str, list[str]]:
    """§7.2 steps 1–3: each agency's whole officer ranking r_a."""
    t = _int(team_size, "team_size")
    if t < 2:
        raise SpecRefusal("team size below 2")
    if (not isinstance(agencies, list) or not agencies or not all(isinstance(a, str) for a in agencies)
            or len(set(agencies)) != len(agencies)):
        raise SpecRefusal("agencies")
    ranked: dict[str, list[tuple[bytes, str]]] = {a: [] for a in agencies}
    for agency, credential in officers:
        if agency not in ranked:
            raise SpecRefusal(f"officer of {agency} not in agencies")
        ranked[agency].append((_sha(seed + b"\x4f" + credential.encode("utf-8")), credential))
    r = {a: [c for _, c in sorted(rows)] for a, rows in ranked.items()}
    if any(len(rows) < t for rows in r.values()):
        raise SpecRefusal("an agency has too few officers")
    return r


def spec_deal(r: dict[str, list[str]], t: int, agencies: list[str]) -> list[list[str]]:
    """§7.2 steps 4–5: the T regular teams."""
    count = min(len(r[a]) // t for a in agencies)
    return [[r[a][i * count + j] for a in agencies for i in range(t)] for j in range(count)]


def spec_assign(chosen, regular: list[list[str]], exclusions, max_per_team, *, r: dict[str, list[str]],
                t: int, agencies: list[str]) -> tuple[list[int], list[list[str]]]:
    """§7.3: least-loaded eligible regular team, lowest number on ties; else an extra team of its own.

    Returns each enterprise's team number and the whole list of teams (regular, then extra).
    """
    most = _int(max_per_team, "max_per_team")
    if most < 1 or len(regular) * most < len(chosen):
        raise SpecRefusal("not enough room")
    barred = {(c, u) for c, u, _ in exclusions}
    load = [0] * len(regular)
    teams = [list(team) for team in regular]
    result = []
    for _h, _s, uscc in chosen:
        eligible = [j for j in range(len(regular))
                    if load[j] < most and not any((c, uscc) in barred for c in regular[j])]
        if eligible:
            j = min(eligible, key=lambda n: (load[n], n))
            load[j] += 1
            result.append(j)
            continue
        extra = []  # step 5: the first t officers of each agency's ranking free of this enterprise
        for agency in agencies:
            free = [c for c in r[agency] if (c, uscc) not in barred]
            if len(free) < t:
                raise SpecRefusal(f"extra team: {agency} has {len(free)} officers free of {uscc}")
            extra.extend(free[:t])
        teams.append(extra)
        result.append(len(teams) - 1)
    return result, teams


def spec_draw(frame: bytes, parameters: dict, secret_hex: str, public_value: str) -> dict:
    """§7.4: the outcome (seed hex, selection, teams)."""
    if not isinstance(parameters, dict) or not isinstance(public_value, str):
        raise SpecRefusal("parameters or public value")
    enterprises, officers, exclusions = spec_frame_rows(frame)
    seed = spec_seed(frame, parameters, secret_hex, public_value)
    for key in ("sample", "team_size", "max_per_team", "agencies"):
        if key not in parameters:
            raise SpecRefusal(f"no {key}")
    chosen = spec_select(seed, enterprises, parameters["sample"])
    t, agencies = parameters["team_size"], parameters["agencies"]
    r = spec_rankings(seed, officers, t, agencies)
    assigned, teams = spec_assign(chosen, spec_deal(r, t, agencies), exclusions, parameters["max_per_team"],
                                  r=r, t=t, agencies=agencies)
    return {"seed": seed.hex(),
            "selection": [(u, s, h.hex(), j) for (h, s, u), j in zip(chosen, assigned, strict=True)],
            "teams": teams}


def spec_verify(document) -> tuple[bool, str]:
    """§10.1: (True, "") on a match, else (False, the first difference)."""
    if not isinstance(document, dict):
        return False, "not a JSON object"
    if document.get("algorithm") not in SPEC_VERSIONS:
        return False, "algorithm"
    algorithm = document["algorithm"]
    if document.get("redacted"):
        return False, "redacted: cannot be re-computed"
    try:
        frame_lists = document["frame"]
        frame = spec_frame(frame_lists["enterprises"], frame_lists["officers"], frame_lists.get("exclusions", []),
                           algorithm)
    except (SpecRefusal, KeyError, TypeError, AttributeError) as exc:
        return False, f"frame: {exc}"
    if _sha(frame).hex() != document.get("frame_sha256"):
        return False, "frame hash"
    try:
        if _sha(spec_secret(document.get("secret"))).hex() != document.get("commitment"):
            return False, "commitment"
        outcome = spec_draw(frame, document.get("parameters"), document["secret"], document.get("public_value"))
    except SpecRefusal as exc:
        return False, f"refused: {exc}"
    if document.get("seed") is not None and document["seed"] != outcome["seed"]:
        return False, "seed"
    selection, teams = document.get("selection", []), document.get("teams", [])
    if not isinstance(selection, list) or not all(isinstance(p, dict) for p in selection):
        return False, "selection is not a list of objects"
    if not isinstance(teams, list) or not all(isinstance(t, dict) for t in teams):
        return False, "teams is not a list of objects"
    key = SPEC_VERSIONS[algorithm][1]
    published = [(p.get(key), p.get("stratum"), p.get("rank"), p.get("team")) for p in selection]
    if published != outcome["selection"]:
        return False, "selection"
    if [t.get("officers") for t in teams] != outcome["teams"]:
        return False, "teams"
    return True, ""
