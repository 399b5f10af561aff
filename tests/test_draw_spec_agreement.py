"""R24: the independent verifier (``tests/draw_spec.py``, written from docs/draws.md alone) and the reference
implementation agree on random draws, on crowded draws that need extra teams (§7.3 step 5) and on
published documents: same frame bytes, seed, selection and teams, and a refusal exactly when the
reference refuses. Pure Python: no database.
"""

from __future__ import annotations

import copy
import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearcheck.sampling import algorithm as reference
from tests.draw_spec import (
    spec_keno_canonical,
    spec_verify,
)
from tests.draw_spec_support import (
    document_mutations,
    document_set,
    reference_outcome,
    spec_outcome,
    spec_refusal,
)

# --- Random inputs: the specification and the reference agree -----------------------------------

AGENCY_CODES = ["371524-SCJG", "371524-YJJ", "371524-WJJ", "乙局"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FIELD = st.one_of(
    st.text(alphabet=USCC_ALPHABET, min_size=1, max_size=18),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r"),
            min_size=1, max_size=5),
)


def _ratio_text(value: int, places: int) -> str:
    return f"{value // 10 ** places}.{value % 10 ** places:0{places}d}" if places else str(value)


@st.composite
def draw_inputs(draw):
    """Frames with strata, officers of 1–3 agencies, exclusions, count or ratio samples, team sizes."""
    strata = ["ALL"] if draw(st.booleans()) else draw(st.lists(st.sampled_from("ABCD甲"), min_size=1,
                                                                max_size=5, unique=True))
    usccs = draw(st.lists(FIELD, max_size=25, unique=True))
    enterprises = [(draw(st.sampled_from(strata)), u) for u in usccs]
    agencies = draw(st.lists(st.sampled_from(AGENCY_CODES), min_size=1, max_size=3, unique=True))
    credentials = draw(st.lists(FIELD.filter(lambda c: c not in usccs), max_size=14, unique=True))
    officers = [(draw(st.sampled_from(agencies)), c) for c in credentials]
    pairs = [(c, u) for c in credentials[:6] for u in usccs[:8]] + [("幽灵", "91GHOST")]
    exclusions = sorted({(c, u, draw(st.sampled_from(reference.EXCLUSION_REASONS)))
                         for c, u in draw(st.lists(st.sampled_from(pairs), max_size=8))})
    listed = sorted(agencies)
    variant = draw(st.sampled_from(["sorted"] * 6 + ["shuffled", "missing", "extra"]))
    if variant == "shuffled":
        listed = draw(st.permutations(listed))
    elif variant == "missing" and len(listed) > 1:
        listed = listed[1:]
    elif variant == "extra":
        listed = sorted([*listed, "371524-NOSUCH"])  # an agency no officer belongs to: both must refuse
    named = draw(st.lists(st.sampled_from([*strata, "Z"]), max_size=5, unique=True))
    mode = draw(st.sampled_from(["count"] * 5 + ["ratio"] * 5 + ["bogus"]))
    if mode == "ratio":
        ratios = {}
        for s in named:
            places = draw(st.integers(0, 6))
            ratios[s] = draw(st.one_of(
                st.integers(0, 10 ** places + 10 ** places // 5).map(lambda v, p=places: _ratio_text(v, p)),
                st.sampled_from(["1", "0", "1.0", "0.5", "2", "1.000001"])))
        sample = {"mode": "ratio", "ratios": ratios}
    else:
        sample = {"mode": mode, "counts": {s: draw(st.integers(-1, 9)) for s in named}}
    parameters = {
        "algorithm": "clearcheck-draw/1", "draw": draw(st.integers(1, 10 ** 6)),
        "title": draw(st.text(max_size=12)), "agencies": listed, "sample": sample,
        "team_size": draw(st.integers(1, 4)), "max_per_team": draw(st.integers(0, 8)),
        "exclusions": ["cap", "recused", "rotation"],
    }
    if draw(st.booleans()):
        value = spec_keno_canonical(draw(st.lists(st.integers(1, 80), min_size=20, max_size=20, unique=True)))
        parameters["public_value"] = {"kind": "keno", "source": "快乐8 第" + str(draw(st.integers(2026001, 2027365)))}
    else:
        value = " ".join(draw(st.text(min_size=1, max_size=30)).split()) or "见证"
        parameters["public_value"] = {"kind": "witness", "source": "公证员现场抽取"}
    secret = draw(st.binary(min_size=32, max_size=32)).hex()
    return enterprises, officers, exclusions, parameters, secret, value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw_inputs())
def test_r24_spec_and_reference_agree_on_random_draws(inputs):
    """Same frame bytes, seed, selection, teams — and a refusal exactly when the reference refuses."""
    assert spec_outcome(*inputs) == reference_outcome(*inputs)


def _sweep(count: int, seed: int):
    """Mostly valid random draws (hypothesis explores the edges; this makes sure most draws draw)."""
    rng = random.Random(seed)
    for _ in range(count):
        agencies = rng.sample(AGENCY_CODES, rng.randint(1, 3))
        strata = rng.choice([["ALL"], ["B", "C", "D"], ["A", "D"]])
        usccs = sorted({"".join(rng.choices(USCC_ALPHABET, k=18)) for _ in range(rng.randint(1, 60))})
        enterprises = [(rng.choice(strata), u) for u in usccs]
        team_size = rng.randint(2, 3)
        least = team_size - 1 if rng.random() < 0.05 else team_size  # now and then too few officers
        officers = [(a, f"{a[-3:]}{n:05d}") for a in agencies for n in range(rng.randint(least, 12))]
        exclusions = sorted({(rng.choice(officers)[1], rng.choice(usccs), rng.choice(["recused", "rotation"]))
                             for _ in range(rng.randint(0, 6))})
        if rng.random() < 0.5:
            sample = {"mode": "count", "counts": {s: rng.randint(0, 4) for s in strata}}
        else:
            sample = {"mode": "ratio", "ratios": {s: _ratio_text(rng.randint(0, 4000), 4) for s in strata}}
        parameters = {"algorithm": "clearcheck-draw/1", "agencies": sorted(agencies), "sample": sample,
                      "team_size": team_size, "max_per_team": rng.randint(6, 40), "draw": rng.randint(1, 99)}
        secret = rng.randbytes(32).hex()
        value = spec_keno_canonical(rng.sample(range(1, 81), 20))
        yield enterprises, officers, exclusions, parameters, secret, value


def test_r24_spec_and_reference_agree_on_a_sweep_of_mostly_valid_draws():
    drawn = refused = 0
    for inputs in _sweep(400, seed=24):
        mine = spec_outcome(*inputs)
        assert mine == reference_outcome(*inputs)
        drawn += mine[0] == "drawn"
        refused += mine[0] == "refused"
    assert drawn > 250 and refused > 20  # both paths exercised


def test_r24_spec_and_reference_agree_on_a_large_stratum():
    """Large strata take the reference's bounded pre-filter path (§12); the result is the same."""
    rng = random.Random(5)
    usccs = sorted({"".join(rng.choices(USCC_ALPHABET, k=18)) for _ in range(20000)})
    enterprises = [("BCD"[n % 3], u) for n, u in enumerate(usccs)]
    officers = [("371524-SCJG", f"SC{n:04d}") for n in range(40)]
    for ratios in ({"B": "0.05", "C": "0.1", "D": "0.2"}, {"B": "0.0001", "C": "1", "D": "0.999"}):
        parameters = {"agencies": ["371524-SCJG"], "sample": {"mode": "ratio", "ratios": ratios},
                      "team_size": 2, "max_per_team": 2000}
        inputs = (enterprises, officers, [], parameters, rng.randbytes(32).hex(), "见证 42")
        mine = spec_outcome(*inputs)
        assert mine[0] == "drawn" and mine == reference_outcome(*inputs)


# --- Crowded draws: extra teams (§7.3 step 5) ----------------------------------------------------


class _HypothesisChoices:
    """The choices of ``_crowded`` made by hypothesis (which shrinks them)."""

    def __init__(self, draw):
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, items):
        return self.draw(st.sampled_from(items))

    def subset(self, items, most: int) -> list:
        return sorted(self.draw(st.sets(st.sampled_from(items), max_size=most))) if items else []

    def permutation(self, items) -> list:
        return list(self.draw(st.permutations(items)))


class _RandomChoices:
    """The same choices made by a seeded ``random.Random`` (for the sweeps that count what happened)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, items):
        return self.rng.choice(items)

    def subset(self, items, most: int) -> list:
        return sorted(self.rng.sample(items, self.rng.randint(0, min(most, len(items)))))

    def permutation(self, items) -> list:
        items = list(items)
        self.rng.shuffle(items)
        return items


def _crowded(pick):
    """Few officers per agency, many exclusions and little room per team, so that extra teams are common:
    because every regular team has a barred member, because the teams an enterprise may take are full,
    or both; and now and then an agency has fewer than team_size officers free of an enterprise.
    """
    agencies = pick.subset(AGENCY_CODES, 3) or ["371524-SCJG"]
    if pick.integer(0, 4) == 0:
        agencies = pick.permutation(agencies)  # §7.2: the order of A, whatever it is
    t = pick.integer(2, 3)
    officers = [(a, f"{n}-{k:02d}") for n, a in enumerate(agencies) for k in range(pick.integer(t, 3 * t + 2))]
    usccs = [f"91Q{k:03d}" for k in range(pick.integer(1, 12))]
    two_strata = pick.integer(0, 2) == 0
    enterprises = [("BC"[k % 2] if two_strata else "ALL", u) for k, u in enumerate(usccs)]
    sizes: dict[str, int] = {}
    for stratum, _uscc in enterprises:
        sizes[stratum] = sizes.get(stratum, 0) + 1
    counts = {s: pick.integer(0, n) for s, n in sorted(sizes.items())}
    if not any(counts.values()):
        counts[enterprises[0][0]] = 1
    picked = sum(counts.values())
    regular = min(sum(1 for a, _c in officers if a == agency) // t for agency in agencies)
    least = -(-picked // regular)  # the least room that passes §7.3 step 1
    most = least + pick.choice([0, 0, 0, 1, 2]) if pick.integer(0, 7) else pick.integer(1, picked + 1)
    credentials = [c for _a, c in officers]
    hot = pick.choice(usccs)
    pairs = {(c, hot) for c in pick.subset(credentials, len(credentials) // 2)}
    pairs |= set(pick.subset([(c, u) for c in credentials for u in usccs], pick.integer(0, 24)))
    exclusions = [(c, u, pick.choice(["recused", "rotation"])) for c, u in sorted(pairs)]
    parameters = {"algorithm": "clearcheck-draw/1", "draw": pick.integer(1, 999), "agencies": agencies,
                  "sample": {"mode": "count", "counts": counts}, "team_size": t, "max_per_team": most}
    secret = "".join(pick.choice("0123456789abcdef") for _ in range(64))
    return enterprises, officers, exclusions, parameters, secret, f"见证 {pick.integer(0, 10 ** 6)}"


@st.composite
def crowded_inputs(draw):
    """``_crowded`` with hypothesis's choices."""
    return _crowded(_HypothesisChoices(draw))


def _extra_teams(inputs, outcome: dict) -> list[str]:
    """Why each extra team of an outcome was formed: "barred" (from every regular team) or "full"."""
    _enterprises, officers, exclusions, parameters, _secret, _value = inputs
    t, agencies = parameters["team_size"], parameters["agencies"]
    regular = min(sum(1 for a, _c in officers if a == agency) // t for agency in agencies)
    barred = {(c, u) for c, u, _reason in exclusions}
    why = []
    for uscc, _stratum, _rank, team in outcome["selection"]:
        if team >= regular:
            members = outcome["teams"][team]
            # Checks from the rule's statement, not from either implementation:
            assert not any((c, uscc) in barred for c in members)
            assert [a for a, c in sorted(officers, key=lambda row: agencies.index(row[0])) if c in members] == [
                a for a in agencies for _ in range(t)]
            open_team = any(not any((c, uscc) in barred for c in outcome["teams"][j]) for j in range(regular))
            why.append("full" if open_team else "barred")
    used = sorted(team for *_rest, team in outcome["selection"] if team >= regular)
    assert used == list(range(regular, len(outcome["teams"])))  # each extra team serves one enterprise
    return why


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_inputs())
def test_r24_spec_and_reference_agree_on_crowded_random_draws(inputs):
    """§7.3 steps 5–6: extra teams, their numbers and members, and their refusal, as the reference has them."""
    mine = spec_outcome(*inputs)
    assert mine == reference_outcome(*inputs)
    if mine[0] == "drawn":
        _extra_teams(inputs, mine[1][1])




def test_r24_spec_and_reference_agree_on_a_sweep_of_crowded_draws():
    """Every kind of extra team happens, and so does the refusal of one (an agency short of free officers)."""
    seen: dict[str, int] = {}
    rng = random.Random(513)
    for _ in range(900):
        inputs = _crowded(_RandomChoices(rng))
        mine = spec_outcome(*inputs)
        assert mine == reference_outcome(*inputs)
        if mine[0] == "drawn":
            why = _extra_teams(inputs, mine[1][1])
            for kind in why + ["drawn"] + (["two or more extra teams"] if len(why) > 1 else []):
                seen[kind] = seen.get(kind, 0) + 1
        else:
            kind = "refused: " + spec_refusal(inputs).split(":")[0]
            seen[kind] = seen.get(kind, 0) + 1
    assert seen.get("drawn", 0) > 500 and seen.get("refused: extra team", 0) > 100, seen
    assert seen.get("barred", 0) > 200 and seen.get("full", 0) > 5, seen
    assert seen.get("two or more extra teams", 0) > 30, seen


# --- Published documents: the same verdict ------------------------------------------------------


def _document(inputs) -> dict:
    enterprises, officers, exclusions, parameters, secret, value = inputs
    frame = reference.frame_bytes(enterprises, officers, exclusions)
    outcome = reference.draw_compute(frame=frame, parameters=parameters, secret_hex=secret, public_value=value)
    rows = reference.frame_parse(frame)
    return json.loads(json.dumps({
        "algorithm": reference.ALGORITHM_V1, "parameters": parameters, "frame_sha256": reference.sha256_hex(frame),
        "commitment": reference.commitment_of(secret), "public_value": value,
        "frame": {"enterprises": rows[0], "officers": rows[1], "exclusions": rows[2]},
        "secret": secret, "seed": outcome.seed,
        "selection": [{"position": n, "uscc": p.uscc, "stratum": p.stratum, "rank": p.rank, "team": p.team}
                      for n, p in enumerate(outcome.picks, start=1)],
        "teams": [{"team": j, "officers": t} for j, t in enumerate(outcome.teams)],
    }, ensure_ascii=False))






def test_r24_spec_and_reference_give_the_same_verdict_on_published_documents():
    verdicts, extra = set(), 0
    rng = random.Random(2025)
    crowded = [_crowded(_RandomChoices(rng)) for _ in range(60)]
    for inputs in [*_sweep(60, seed=2024), *crowded]:
        try:
            document = _document(inputs)
        except reference.DrawError:
            continue
        extra += any(p["team"] >= _regular_teams(inputs) for p in document["selection"])
        reordered = copy.deepcopy(document)
        for rows in reordered["frame"].values():
            rows.reverse()  # the frame's published order does not matter (§9.2)
        spaced = document_set(["secret"], lambda s: "\u3000" + s.upper() + "\n")(copy.deepcopy(document))  # §4
        for candidate in [document, reordered, spaced] + [change(copy.deepcopy(document))
                                                         for change in document_mutations(document)]:
            ok, _why = spec_verify(candidate)
            assert ok is (reference.verify_document(candidate) == []), candidate
            verdicts.add(ok)
        assert spec_verify(reordered) == (True, "") and spec_verify(spaced) == (True, "")
    assert verdicts == {True, False} and extra > 10


def _regular_teams(inputs) -> int:
    """T of §7.2 step 4, from the inputs."""
    _enterprises, officers, _exclusions, parameters, _secret, _value = inputs
    t = parameters["team_size"]
    return min(sum(1 for a, _c in officers if a == agency) // t for agency in parameters["agencies"])
