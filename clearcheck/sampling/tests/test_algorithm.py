"""The draw algorithm ``clearcheck-draw/1`` (R24, clause 五(十五)), pure: no database, no Django (``/2`` only
changes what a frame entry may be, ``test_pseudonyms``).

Every property here is one a stranger re-implementing ``docs/draws.md`` relies on: the frame bytes are
canonical, the commitment and seed are exactly the documented hashes, the selection is the k smallest
SHA-256(seed ‖ USCC) per stratum compared as integers, quotas are ⌈ratio × N⌉ without floating point,
teams honour the exclusions (R13 recusal, rotation). ``verify_document``, which names the first difference,
is tested in ``test_algorithm_verify``.
"""

import hashlib
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcheck.sampling import algorithm as alg
from clearcheck.sampling.algorithm import DrawError

KENO = "03,07,11,15,19,22,26,30,34,38,41,45,49,53,57,61,65,69,73,77"
SECRET = "5f" * 32
OTHER_SECRET = "a0" * 32


def _uscc(n: int) -> str:
    return f"91371524{n:09d}X"


def _parameters(**overrides) -> dict:
    parameters = {
        "algorithm": alg.ALGORITHM_V1, "draw": 7, "title": "2026年第1批双随机抽查", "lead": "SJ", "agencies": ["SJ"],
        "sample": {"mode": "count", "counts": {"B": 3, "C": 2}}, "team_size": 2, "max_per_team": 3,
        "public_value": {"kind": "keno", "source": "中国福利彩票快乐8 第2026001期"},
    }
    parameters.update(overrides)
    return parameters


def _pool(n_b: int = 12, n_c: int = 8, officers: int = 6, agency: str = "SJ"):
    enterprises = [("B", _uscc(k)) for k in range(n_b)] + [("C", _uscc(100 + k)) for k in range(n_c)]
    return enterprises, [(agency, f"3715240000{k:04d}") for k in range(officers)]


def _document(enterprises=None, officers=None, exclusions=(), parameters=None, secret=SECRET,
              public_value=KENO) -> dict:
    """A published document built the way ``documents.draw_document`` builds one, without a database: of
    ``clearcheck-draw/1`` unless the parameters name ``/2`` (draws published before ADR 0017 still verify).
    """
    if enterprises is None:
        enterprises, officers = _pool()
    parameters = parameters or _parameters()
    version = alg.VERSIONS[parameters["algorithm"]]
    frame = alg.frame_bytes(enterprises, officers, exclusions, version=version)
    outcome = alg.draw_compute(frame=frame, parameters=parameters, secret_hex=secret, public_value=public_value)
    e, o, x = alg.frame_parse(frame)
    return {
        "algorithm": parameters["algorithm"], "parameters": parameters, "frame_sha256": alg.sha256_hex(frame),
        "commitment": alg.commitment_of(secret), "public_value": public_value,
        "frame": {"enterprises": [list(r) for r in e], "officers": [list(r) for r in o],
                  "exclusions": [list(r) for r in x]},
        "secret": secret, "seed": outcome.seed,
        "selection": [{"position": n, "uscc" if version == 1 else "entry": p.entry, "stratum": p.stratum,
                       "rank": p.rank, "team": p.team}
                      for n, p in enumerate(outcome.picks, start=1)],
        "teams": [{"team": j, "officers": team} for j, team in enumerate(outcome.teams)],
    }


# --- Frame bytes (the documented encoding) ----------------------------------------------------------


def test_r24_frame_bytes_are_the_documented_encoding():
    frame = alg.frame_bytes([("C", "U2"), ("B", "U9"), ("B", "U1")], [("SJ", "O2"), ("AJ", "O1")],
                            [("O2", "U1", "rotation"), ("O1", "U9", "recused")])
    assert frame == (
        b"clearcheck-draw-frame/1\n"
        b"E\tB\tU1\nE\tB\tU9\nE\tC\tU2\n"
        b"O\tAJ\tO1\nO\tSJ\tO2\n"
        b"X\tO1\tU9\trecused\nX\tO2\tU1\trotation\n"
    )
    assert alg.sha256_hex(frame) == hashlib.sha256(frame).hexdigest()


def test_r24_frame_header_only_for_an_empty_pool():
    assert alg.frame_bytes([], []) == b"clearcheck-draw-frame/1\n"


def test_r24_frame_is_independent_of_input_order():
    enterprises, officers = _pool()
    exclusions = [(officers[0][1], enterprises[0][1], "recused"), (officers[1][1], enterprises[3][1], "rotation")]
    reference = alg.frame_bytes(enterprises, officers, exclusions)
    rng = random.Random(5)
    for _ in range(10):
        e, o, x = list(enterprises), list(officers), list(exclusions)
        rng.shuffle(e)
        rng.shuffle(o)
        rng.shuffle(x)
        assert alg.frame_bytes(iter(e), iter(o), iter(x)) == reference


def test_r24_frame_sorting_is_bytewise_not_locale_or_case():
    # Upper case sorts before lower case, digits before letters, and a CJK stratum after ASCII (UTF-8 bytes).
    frame = alg.frame_bytes([("b", "1"), ("B", "2"), ("甲", "3"), ("B", "10"), ("9", "4")], [])
    lines = frame.decode().split("\n")[1:-1]
    assert lines == ["E\t9\t4", "E\tB\t10", "E\tB\t2", "E\tb\t1", "E\t甲\t3"]
    assert lines == sorted(lines, key=lambda line: line.encode("utf-8"))


def test_r24_frame_sorting_matches_utf8_bytes_beyond_the_bmp():
    # U+FF21 (3 UTF-8 bytes) against U+1F600 (4 bytes, a surrogate pair in UTF-16): bytes decide.
    rows = [("S", "\uff21"), ("S", "\U0001f600"), ("S", "\u00e9"), ("S", "z")]
    lines = alg.frame_bytes(rows, []).split(b"\n")[1:-1]
    assert lines == sorted(lines)


@pytest.mark.parametrize("enterprises, officers, exclusions", [
    ([("B", "U\t1")], [], []),
    ([("B\t", "U1")], [], []),
    ([("", "U1")], [], []),
    ([("B", "")], [], []),
    ([], [("SJ", "")], []),
    ([], [("", "O1")], []),
    ([("B", "U1\r")], [], []),
    ([("B", "U1", "extra")], [], []),
    ([("B",)], [], []),
    ([], [], [("O1", "U1")]),
    ([], [], [("O1", "", "recused")]),
])
def test_r24_frame_refuses_tabs_empty_fields_and_wrong_widths(enterprises, officers, exclusions):
    with pytest.raises(DrawError) as caught:
        alg.frame_bytes(enterprises, officers, exclusions)
    assert caught.value.field == "frame"


@pytest.mark.parametrize("row", [("B", "U1\nU2"), ("B\n", "U1"), ("甲\n乙", "U1"), ("B", "U1\n")])
def test_r24_frame_refuses_newlines_inside_a_field(row):
    """A newline in a field would make a frame that frame_parse cannot read (or that reads as other lines)."""
    with pytest.raises(DrawError) as caught:
        alg.frame_bytes([row], [("SJ", "O1")])
    assert caught.value.field == "frame"
    with pytest.raises(DrawError):
        alg.frame_bytes([], [row])


def test_r24_frame_refuses_an_unknown_exclusion_reason():
    """frame_bytes writes only what frame_parse reads: recused or rotation."""
    with pytest.raises(DrawError) as caught:
        alg.frame_bytes([("B", "U1")], [("SJ", "O1")], [("O1", "U1", "friend")])
    assert caught.value.field == "frame"


@pytest.mark.parametrize("enterprises, officers, exclusions", [
    ([("B", "U1"), ("B", "U1")], [], []),
    ([("B", "U1"), ("C", "U1")], [], []),  # one enterprise in two strata would be ranked twice
    ([], [("SJ", "O1"), ("SJ", "O1")], []),
    ([], [("SJ", "O1"), ("YJ", "O1")], []),  # one officer in two agencies would sit in two teams
    ([], [], [("O1", "U1", "recused"), ("O1", "U1", "recused")]),
])
def test_r24_frame_refuses_duplicates(enterprises, officers, exclusions):
    with pytest.raises(DrawError, match="重复"):
        alg.frame_bytes(enterprises, officers, exclusions)


def test_r24_the_same_pair_may_be_excluded_for_two_reasons():
    frame = alg.frame_bytes([("B", "U1")], [("SJ", "O1")], [("O1", "U1", "recused"), ("O1", "U1", "rotation")])
    assert alg.frame_parse(frame)[2] == [("O1", "U1", "recused"), ("O1", "U1", "rotation")]


# --- frame_parse: the inverse ------------------------------------------------------------------------

_field = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(enterprises=st.dictionaries(_field, _field, max_size=12).map(lambda d: {(s, u) for u, s in d.items()}),
       officers=st.dictionaries(_field, _field, max_size=6).map(lambda d: {(a, c) for c, a in d.items()}),
       exclusions=st.sets(st.tuples(_field, _field, st.sampled_from(alg.EXCLUSION_REASONS)), max_size=6))
def test_r24_frame_parse_inverts_frame_bytes(enterprises, officers, exclusions):
    frame = alg.frame_bytes(list(enterprises), list(officers), list(exclusions))
    e, o, x = alg.frame_parse(frame)
    assert set(e) == enterprises and set(o) == officers and set(x) == exclusions
    assert len(e) == len(enterprises) and len(o) == len(officers) and len(x) == len(exclusions)
    assert alg.frame_bytes(e, o, x) == frame
    # Each group is in bytewise order of its lines.
    for tag, rows in (("E", e), ("O", o), ("X", x)):
        lines = [("\t".join((tag, *row))).encode("utf-8") for row in rows]
        assert lines == sorted(lines)


@pytest.mark.parametrize("data, why", [
    (b"clearcheck-draw-frame/1", "no final newline"),
    (b"clearcheck-draw-frame/3\n", "wrong header"),
    (b"clearcheck-draw-frame/2\nE\tB\tU\n", "not an entry of /2"),
    (b"clearcheck-draw-frame/2\nE\tB\t92371524MA3C8K5X1W\n", "an individual business's USCC in /2"),
    (b"clearcheck-draw-frame/1\nE\tB\n", "short E line"),
    (b"clearcheck-draw-frame/1\nQ\tB\tU\n", "unknown tag"),
    (b"clearcheck-draw-frame/1\nX\tO\tU\tfriend\n", "unknown reason"),
    (b"clearcheck-draw-frame/1\n\nE\tB\tU\n", "blank line"),
])
def test_r24_frame_parse_refuses_malformed_frames(data, why):
    with pytest.raises(DrawError):
        alg.frame_parse(data)


# --- Commitment and secret ---------------------------------------------------------------------------


def test_r24_commitment_is_sha256_of_the_32_raw_secret_bytes():
    assert alg.commitment_of(SECRET) == hashlib.sha256(bytes.fromhex(SECRET)).hexdigest()
    assert alg.commitment_of(SECRET) != hashlib.sha256(SECRET.encode()).hexdigest()
    # Case and surrounding blanks do not change the secret.
    assert alg.commitment_of("  " + SECRET.upper() + "\n") == alg.commitment_of(SECRET)


@pytest.mark.parametrize("secret", [
    "", None, "5f" * 31, "5f" * 31 + "5", "5f" * 33, "5f" * 31 + "zz", "0x" + "5f" * 31, "g" * 64,
    "5f" * 16,  # 128 bits: too few
    " ".join(["5f"] * 32), "5f" * 16 + "\n" + "5f" * 16,  # blanks inside: not 64 hex digits
    bytes.fromhex("5f" * 32),
])
def test_r24_secret_must_be_64_hex_digits(secret):
    with pytest.raises(DrawError) as caught:
        alg.secret_decode(secret)
    assert caught.value.field == "secret"


# --- 快乐8 normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    KENO,
    KENO.replace(",", ","),
    KENO.replace(",", "、"),
    KENO.replace(",", " "),
    KENO.replace(",", "\u3000"),
    KENO.replace(",", " , "),
    ",".join(reversed(KENO.split(","))),
    ",".join(str(int(n)) for n in KENO.split(",")),
    "  " + KENO.replace(",", "  ") + "  ",
])
def test_r24_keno_numbers_normalise_to_one_canonical_text(text):
    assert alg.keno_normalise(text) == KENO
    assert alg.public_value_normalise("keno", text) == KENO


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\t", ";", ";", " ;\n"])
def test_r24_keno_numbers_accept_any_separator(separator):
    assert alg.keno_normalise(KENO.replace(",", separator)) == KENO


@pytest.mark.parametrize("text", [
    "", None, ",".join(KENO.split(",")[:19]),  # 19 numbers
    KENO + ",78",  # 21 numbers
    KENO.replace("03", "07"),  # a repeat
    KENO.replace("03", "0"),  # below 1
    KENO.replace("77", "81"),  # above 80
    KENO.replace("03", "3.0"), KENO.replace("03", "三"), KENO.replace("03", "-3"),
])
def test_r24_keno_refusals(text):
    with pytest.raises(DrawError) as caught:
        alg.keno_normalise(text)
    assert caught.value.field == "public_value"


def test_r24_witness_value_keeps_its_text_with_blanks_collapsed():
    assert alg.public_value_normalise("witness", "  8 3\n 1  ") == "8 3 1"
    with pytest.raises(DrawError):
        alg.public_value_normalise("witness", " \n ")


# --- Seed --------------------------------------------------------------------------------------------


def test_r24_seed_is_the_documented_hash():
    frame_hash = alg.sha256_hex(b"frame")
    parameters = _parameters()
    params = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    value = KENO.encode()
    message = (bytes.fromhex(frame_hash) + len(params).to_bytes(4, "big") + params + bytes.fromhex(SECRET)
               + len(value).to_bytes(4, "big") + value)
    assert alg.seed_of(frame_hash, parameters, SECRET, KENO) == hashlib.sha256(message).digest()


def test_r24_seed_depends_on_every_input():
    frame_hash = alg.sha256_hex(b"frame")
    base = alg.seed_of(frame_hash, _parameters(), SECRET, KENO)
    variants = [
        alg.seed_of(alg.sha256_hex(b"frame2"), _parameters(), SECRET, KENO),
        alg.seed_of(frame_hash, _parameters(team_size=3), SECRET, KENO),
        alg.seed_of(frame_hash, _parameters(title="另一批"), SECRET, KENO),
        alg.seed_of(frame_hash, _parameters(), OTHER_SECRET, KENO),
        alg.seed_of(frame_hash, _parameters(), SECRET, KENO.replace("77", "78")),
    ]
    assert len({base, *variants}) == 6
    # The key order of the parameters is not an input: they are canonical JSON.
    reordered = dict(reversed(list(_parameters().items())))
    assert alg.seed_of(frame_hash, reordered, SECRET, KENO) == base


def test_r24_canonical_json_sorts_keys_without_spaces_and_keeps_unicode():
    assert alg.canonical_json({"b": 1, "a": ["甲", 2]}) == '{"a":["甲",2],"b":1}'.encode()


def test_r24_parameters_with_floats_are_refused():
    """0.05 has no exact binary form: a float in the parameters would make the seed platform-dependent."""
    with pytest.raises(DrawError) as caught:
        alg.canonical_json({"sample": {"ratios": {"B": 0.05}}})
    assert caught.value.field == "parameters"
    with pytest.raises(DrawError):
        alg.seed_of(alg.sha256_hex(b"f"), _parameters(extra=[1, 2.5]), SECRET, KENO)


# --- Selection ---------------------------------------------------------------------------------------


def _reference_select(seed: bytes, enterprises, k_of) -> list[tuple[int, str, str]]:
    """Brute force: rank every enterprise by SHA-256(seed ‖ USCC) read as a big-endian integer."""
    strata: dict[str, list[str]] = {}
    for stratum, uscc in enterprises:
        strata.setdefault(stratum, []).append(uscc)
    chosen = []
    for stratum, usccs in strata.items():
        ranked = sorted((int.from_bytes(hashlib.sha256(seed + u.encode()).digest(), "big"), u) for u in usccs)
        chosen += [(rank, stratum, uscc) for rank, uscc in ranked[:k_of(stratum, len(usccs))]]
    return sorted(chosen)


@pytest.mark.parametrize("n_b, n_c, counts", [
    (12, 8, {"B": 3, "C": 2}),
    (12, 8, {"B": 12, "C": 8}),  # everything
    (5000, 40, {"B": 7, "C": 1}),  # large stratum: the bounded scan path
    (300, 3, {"B": 299, "C": 0}),  # nearly all of a stratum, none of the other
])
def test_r24_selection_is_the_k_smallest_hashes_per_stratum(n_b, n_c, counts):
    enterprises = [("B", _uscc(k)) for k in range(n_b)] + [("C", _uscc(10_000 + k)) for k in range(n_c)]
    for trial in range(3):
        seed = hashlib.sha256(f"seed{trial}".encode()).digest()
        chosen = alg.enterprises_select(seed, enterprises, {"mode": "count", "counts": counts})
        expected = _reference_select(seed, enterprises, lambda s, n: counts.get(s, 0))
        assert [(int.from_bytes(d, "big"), s, u) for d, s, u in chosen] == expected


@settings(max_examples=60, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), n=st.integers(1, 400), data=st.data())
def test_r24_selection_matches_the_reference_for_any_seed_and_size(seed, n, data):
    k = data.draw(st.integers(1, n))
    enterprises = [("ALL", _uscc(i)) for i in range(n)]
    chosen = alg.enterprises_select(seed, enterprises, {"mode": "count", "counts": {"ALL": k}})
    expected = _reference_select(seed, enterprises, lambda s, size: k)
    assert [(int.from_bytes(d, "big"), s, u) for d, s, u in chosen] == expected


def test_r24_selection_does_not_depend_on_the_order_of_the_pool():
    enterprises, _ = _pool(300, 50)
    seed = hashlib.sha256(b"x").digest()
    sample = {"mode": "ratio", "ratios": {"B": "0.05", "C": "0.1"}}
    shuffled = list(enterprises)
    random.Random(1).shuffle(shuffled)
    assert alg.enterprises_select(seed, enterprises, sample) == alg.enterprises_select(seed, shuffled, sample)


@pytest.mark.parametrize("ratio, size, k", [
    ("0", 20, 0), ("0", 0, 0), ("1", 20, 20), ("1", 0, 0), ("0.05", 20, 1), ("0.05", 21, 2), ("0.05", 40, 2),
    ("0.05", 41, 3), ("0.05", 1, 1), ("0.1", 10, 1), ("0.1", 11, 2), ("0.2", 100, 20), ("0.000001", 1_000_000, 1),
    ("0.000001", 1_000_001, 2), ("0.333333", 3, 1), ("0.333334", 3, 2),
    # 0.07 × 100 is 7.000000000000001 in binary floating point: a float ceiling would say 8.
    ("0.07", 100, 7), ("0.29", 100, 29), ("0.57", 100, 57),
])
def test_r24_ratio_quota_is_the_integer_ceiling(ratio, size, k):
    assert alg.stratum_quota({"mode": "ratio", "ratios": {"B": ratio}}, "B", size) == k


def test_r24_quota_of_a_stratum_the_sample_does_not_name_is_zero():
    assert alg.stratum_quota({"mode": "ratio", "ratios": {}}, "B", 50) == 0
    assert alg.stratum_quota({"mode": "count", "counts": {}}, "B", 50) == 0


@pytest.mark.parametrize("sample", [
    {"mode": "ratio", "ratios": {"B": "1.01"}}, {"mode": "ratio", "ratios": {"B": "-0.1"}},
    {"mode": "ratio", "ratios": {"B": "abc"}}, {"mode": "ratio", "ratios": {"B": "1/0"}},
    {"mode": "ratio", "ratios": {"B": "1/3"}}, {"mode": "ratio", "ratios": {"B": "5e-2"}},
    {"mode": "ratio", "ratios": {"B": 0.05}},  # a float: never, not even one that looks exact
    {"mode": "count", "counts": {"B": -1}}, {"mode": "count", "counts": {"B": 21}},
    {"mode": "count", "counts": {"B": "2"}}, {"mode": "count", "counts": {"B": True}}, {"mode": "weird"},
])
def test_r24_bad_quotas_are_refused(sample):
    with pytest.raises(DrawError) as caught:
        alg.stratum_quota(sample, "B", 20)
    assert caught.value.field == "sample"


def test_r24_a_sample_larger_than_the_pool_is_refused():
    enterprises, _ = _pool(4, 2)
    seed = bytes(32)
    with pytest.raises(DrawError, match="超过"):
        alg.enterprises_select(seed, enterprises, {"mode": "count", "counts": {"B": 5}})
    # A positive count for a stratum with no enterprise at all is refused too.
    with pytest.raises(DrawError, match="超过"):
        alg.enterprises_select(seed, enterprises, {"mode": "count", "counts": {"B": 1, "D": 1}})


def test_r24_an_empty_pool_is_refused():
    with pytest.raises(DrawError) as caught:
        alg.enterprises_select(bytes(32), [], {"mode": "count", "counts": {"B": 1}})
    assert caught.value.field == "pool"


def test_r24_a_selection_of_zero_enterprises_is_refused():
    enterprises, _ = _pool(4, 2)
    with pytest.raises(DrawError):
        alg.enterprises_select(bytes(32), enterprises, {"mode": "ratio", "ratios": {"B": "0", "C": "0"}})


# --- Teams -------------------------------------------------------------------------------------------


def test_r24_teams_rank_officers_by_keyed_hash_and_deal_them_out():
    seed = hashlib.sha256(b"teams").digest()
    officers = [("SJ", f"S{k}") for k in range(7)]
    teams = alg.teams_form(seed, officers, team_size=2, agencies=["SJ"])
    ranked = sorted(officers, key=lambda o: hashlib.sha256(seed + b"O" + o[1].encode()).digest())
    r = [c for _, c in ranked]
    assert teams == [[r[0], r[3]], [r[1], r[4]], [r[2], r[5]]]  # T = 7 // 2 = 3; the 7th officer sits out


def test_r24_joint_teams_have_team_size_officers_of_each_agency():
    seed = hashlib.sha256(b"joint").digest()
    officers = [("SJ", f"S{k}") for k in range(7)] + [("YJ", f"Y{k}") for k in range(4)]
    teams = alg.teams_form(seed, officers, team_size=2, agencies=["SJ", "YJ"])
    assert len(teams) == 2  # min(7 // 2, 4 // 2)
    agency_of = {c: a for a, c in officers}
    for team in teams:
        assert [agency_of[c] for c in team] == ["SJ", "SJ", "YJ", "YJ"]
    every = [c for team in teams for c in team]
    assert len(every) == len(set(every))


@pytest.mark.parametrize("officers, agencies, team_size, field", [
    ([("SJ", "S1"), ("SJ", "S2")], ["SJ"], 3, "team_size"),
    ([("SJ", "S1"), ("SJ", "S2"), ("YJ", "Y1")], ["SJ", "YJ"], 2, "team_size"),  # too few of the second agency
    ([("SJ", "S1"), ("SJ", "S2")], ["SJ", "YJ"], 2, "team_size"),  # none of the second agency
    ([("SJ", "S1"), ("SJ", "S2")], ["SJ"], 1, "team_size"),  # a team of one is never allowed
    ([("SJ", "S1"), ("SJ", "S2"), ("XX", "X1")], ["SJ"], 2, "frame"),  # an officer of an agency not drawing
])
def test_r24_team_size_larger_than_the_officers_is_refused(officers, agencies, team_size, field):
    with pytest.raises(DrawError) as caught:
        alg.teams_form(bytes(32), officers, team_size=team_size, agencies=agencies)
    assert caught.value.field == field


def _chosen(n: int):
    return [(hashlib.sha256(bytes([k])).digest(), "B", f"U{k}") for k in range(n)]


def test_r24_assignment_balances_loads_and_respects_max_per_team():
    teams = [["a", "b"], ["c", "d"], ["e", "f"]]
    assigned = alg.teams_assign(_chosen(8), teams, [], max_per_team=3)
    assert assigned == [0, 1, 2, 0, 1, 2, 0, 1]
    loads = [assigned.count(j) for j in range(3)]
    assert max(loads) - min(loads) <= 1 and max(loads) <= 3


def test_r13_r24_assignment_never_gives_an_excluded_officer_the_enterprise():
    teams = [["a", "b"], ["c", "d"], ["e", "f"]]
    chosen = _chosen(6)
    exclusions = [("a", "U0", "recused"), ("c", "U0", "rotation"), ("f", "U3", "recused"), ("d", "U3", "recused")]
    assigned = alg.teams_assign(chosen, teams, exclusions, max_per_team=2)
    assert assigned[0] == 2 and assigned[3] == 0
    assert sorted(assigned.count(j) for j in range(3)) == [2, 2, 2]
    barred = {(c, u) for c, u, _ in exclusions}
    for (_d, _s, uscc), j in zip(chosen, assigned, strict=True):
        assert not any((c, uscc) in barred for c in teams[j])


def test_r24_assignment_refuses_when_no_team_may_take_an_enterprise():
    teams = [["a", "b"], ["c", "d"]]
    with pytest.raises(DrawError) as caught:
        alg.teams_assign(_chosen(2), teams, [("a", "U1", "recused"), ("d", "U1", "rotation")], max_per_team=5)
    assert caught.value.field == "teams"
    with pytest.raises(DrawError) as caught:
        alg.teams_assign(_chosen(5), teams, [], max_per_team=2)
    assert caught.value.field == "max_per_team"
    with pytest.raises(DrawError):
        alg.teams_assign(_chosen(1), teams, [], max_per_team=0)


def test_r24_draw_compute_is_deterministic_and_consistent():
    enterprises, officers = _pool()
    frame = alg.frame_bytes(enterprises, officers)
    first = alg.draw_compute(frame=frame, parameters=_parameters(), secret_hex=SECRET, public_value=KENO)
    again = alg.draw_compute(frame=frame, parameters=_parameters(), secret_hex=SECRET.upper(), public_value=KENO)
    assert first == again
    assert [p.stratum for p in first.picks].count("B") == 3 and [p.stratum for p in first.picks].count("C") == 2
    assert [p.rank for p in first.picks] == sorted(p.rank for p in first.picks)
    assert len(first.teams) == 3 and all(len(t) == 2 for t in first.teams)
    other = alg.draw_compute(frame=frame, parameters=_parameters(), secret_hex=OTHER_SECRET, public_value=KENO)
    assert other.seed != first.seed
