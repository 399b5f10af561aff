"""R24: the encodings of docs/draws.md §3.1 and §5.1 (canonical JSON, the 快乐8 value, the secret, the
witness text) and the refusals, as the independent verifier and the reference implement them.
Pure Python: no database.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcheck.sampling import algorithm as reference
from tests.draw_spec import (
    SPEC_WHITESPACE,
    SpecRefusal,
    spec_canonical,
    spec_frame,
    spec_keno_canonical,
    spec_keno_entry,
    spec_secret,
    spec_verify,
    spec_witness_canonical,
)
from tests.draw_spec_support import (
    doc_block,
    document_set,
    reference_outcome,
    spec_outcome,
    spec_refusal,
)

# --- §3.1 and §5.1: encodings ---------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10 ** 30), 10 ** 30), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_r24_canonical_json_as_specified_equals_the_reference(value):
    assert spec_canonical(value) == reference.canonical_json(value)


@settings(max_examples=200, deadline=None)
@given(st.floats(), JSON_VALUES)
def test_r24_a_float_anywhere_in_the_parameters_is_refused_by_both(number, value):
    """§3.1: no floating-point numbers, at any depth."""
    nested = {"sample": {"mode": "ratio", "ratios": {"B": number}}, "other": [value]}
    with pytest.raises(SpecRefusal):
        spec_canonical(nested)
    with pytest.raises(reference.DrawError):
        reference.canonical_json(nested)


KENO_SEPARATORS = [",", "、", " ", ", ", "\u3000", ";", "\uff0c", "\uff1b", "\t", "\r\n", " 、 "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 80), min_size=20, max_size=20, unique=True),
       st.lists(st.sampled_from(KENO_SEPARATORS), min_size=21, max_size=21), st.booleans())
def test_r24_keno_canonical_text_as_specified_equals_the_reference(numbers, separators, zeros):
    """§5.1: any separators of the list, leading zeros, leading and trailing separators."""
    written = [f"{n:03d}" if zeros else str(n) for n in numbers]
    entered = separators[0] + "".join(n + sep for n, sep in zip(written, separators[1:], strict=True))
    assert spec_keno_entry(entered) == spec_keno_canonical(numbers)
    assert spec_keno_canonical(numbers) == reference.public_value_normalise("keno", entered)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("0123456789" * 4 + ",、;；，  \u3000\n-+x８٣"),
                                  st.characters(blacklist_categories=("Cs",))), max_size=80))
def test_r24_keno_entry_as_specified_accepts_and_refuses_what_the_reference_does(text):
    """§5.1: the entry rule (separators, ASCII digits only, 20 distinct numbers 1–80) on arbitrary text."""
    try:
        mine = spec_keno_entry(text)
    except SpecRefusal:
        mine = None
    try:
        theirs = reference.keno_normalise(text)
    except reference.DrawError:
        theirs = None
    assert mine == theirs


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(SPEC_WHITESPACE)), max_size=3),
       st.text(alphabet="0123456789abcdefABCDEF", min_size=62, max_size=66),
       st.text(alphabet=st.sampled_from(sorted(SPEC_WHITESPACE) + ["x", " "]), max_size=3))
def test_r24_secret_text_as_specified_equals_the_reference(before, digits, after):
    """§4: surrounding whitespace ignored, then exactly 64 hex digits of either case."""
    text = before + digits + after
    try:
        mine = spec_secret(text)
    except SpecRefusal:
        mine = None
    try:
        theirs = reference.secret_decode(text)
    except reference.DrawError:
        theirs = None
    assert mine == theirs


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(sorted(SPEC_WHITESPACE)), st.characters(blacklist_categories=("Cs",))),
               max_size=20))
def test_r24_witness_whitespace_listed_in_the_spec_is_pythons(text):
    try:
        mine = spec_witness_canonical(text)
    except SpecRefusal:
        mine = None
    try:
        theirs = reference.public_value_normalise("witness", text)
    except reference.DrawError:
        theirs = None
    assert mine == theirs


def test_r24_the_spec_whitespace_list_is_exactly_str_isspace():
    import sys

    assert {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} == SPEC_WHITESPACE


# --- Refusals: the specification and the reference ----------------------------------------------

# Inputs that docs/draws.md refuses and that the reference refuses too (they were open bugs once).
STRICT_CASES = {
    "uscc_in_two_strata": ([("B", "U1"), ("C", "U1")], [("A1", "c1"), ("A1", "c2")], [],
                           {"mode": "count", "counts": {"B": 1, "C": 1}}, ["A1"]),
    "credential_in_two_agencies": ([("ALL", "U1")], [("A1", "c1"), ("A1", "c2"), ("A2", "c1"), ("A2", "c3")], [],
                                   {"mode": "count", "counts": {"ALL": 1}}, ["A1", "A2"]),
    "agency_listed_twice": ([("ALL", "U1")], [("A1", "c1"), ("A1", "c2")], [],
                            {"mode": "count", "counts": {"ALL": 1}}, ["A1", "A1"]),
    "no_agency": ([("ALL", "U1")], [], [], {"mode": "count", "counts": {"ALL": 1}}, []),
    "ratio_as_a_fraction": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                            {"mode": "ratio", "ratios": {"ALL": "1/2"}}, ["A1"]),
    "ratio_with_exponent": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                            {"mode": "ratio", "ratios": {"ALL": "5e-1"}}, ["A1"]),
    "ratio_without_leading_digit": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                                    {"mode": "ratio", "ratios": {"ALL": ".5"}}, ["A1"]),
    "count_as_a_string": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                          {"mode": "count", "counts": {"ALL": "1"}}, ["A1"]),
    "count_as_a_boolean": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                           {"mode": "count", "counts": {"ALL": True}}, ["A1"]),
    "float_in_parameters": ([("ALL", "U1"), ("ALL", "U2")], [("A1", "c1"), ("A1", "c2")], [],
                            {"mode": "count", "counts": {"ALL": 1}, "weight": 0.5}, ["A1"]),
    "unknown_exclusion_reason": ([("ALL", "U1")], [("A1", "c1"), ("A1", "c2")], [("c1", "U1", "holiday")],
                                 {"mode": "count", "counts": {"ALL": 1}}, ["A1"]),
    "no_free_officers_for_an_extra_team": ([("ALL", "U1")], [("A1", "c1"), ("A1", "c2"), ("A1", "c3")],
                                           [("c1", "U1", "recused"), ("c2", "U1", "rotation")],
                                           {"mode": "count", "counts": {"ALL": 1}}, ["A1"]),
}


def _strict_inputs(name: str, cases=None):
    enterprises, officers, exclusions, sample, agencies = (cases or STRICT_CASES)[name]
    parameters = {"agencies": agencies, "sample": sample, "team_size": 2, "max_per_team": 5}
    return enterprises, officers, exclusions, parameters, "ab" * 32, "见证 7"


@pytest.mark.parametrize("name", sorted(STRICT_CASES))
def test_r24_spec_and_reference_refuse_ambiguous_inputs(name):
    assert spec_outcome(*_strict_inputs(name)) == ("refused", None)
    assert reference_outcome(*_strict_inputs(name)) == ("refused", None)


def test_r24_one_free_officer_short_of_an_extra_team_is_a_refusal_and_enough_is_a_draw():
    """§7.3 step 5: t free officers per agency are needed; the third officer alone is not enough."""
    inputs = _strict_inputs("no_free_officers_for_an_extra_team")
    assert "extra team" in spec_refusal(inputs)
    enterprises, officers, exclusions, parameters, secret, value = inputs
    officers = [*officers, ("A1", "c4")]
    mine = spec_outcome(enterprises, officers, exclusions, parameters, secret, value)
    assert mine == reference_outcome(enterprises, officers, exclusions, parameters, secret, value)
    assert mine[0] == "drawn" and mine[1][1]["teams"][-1] in (["c3", "c4"], ["c4", "c3"])


# Inputs that docs/draws.md refuses but algorithm.py still accepts (open: see the report with this file).
OPEN_CASES = {
    # draw_compute reads int(parameters["team_size"]) and int(parameters["max_per_team"]): "2" and true pass.
    "team_size_as_a_string": ({"team_size": "2"}, [("A1", "c1"), ("A1", "c2")], ["A1"]),
    "max_per_team_as_a_boolean": ({"max_per_team": True}, [("A1", "c1"), ("A1", "c2")], ["A1"]),
    # draw_compute reads list(parameters["agencies"]): the string "AB" becomes the agencies A and B.
    "agencies_as_a_string": ({}, [("A", "c1"), ("A", "c2"), ("B", "c3"), ("B", "c4")], "AB"),
}


def _open_inputs(name: str):
    overrides, officers, agencies = OPEN_CASES[name]
    parameters = {"agencies": agencies, "sample": {"mode": "count", "counts": {"ALL": 1}}, "team_size": 2,
                  "max_per_team": 5, **overrides}
    return [("ALL", "U1")], officers, [], parameters, "ab" * 32, "见证 7"


@pytest.mark.parametrize("name", sorted(OPEN_CASES))
def test_r24_spec_refuses_parameters_of_the_wrong_type(name):
    assert spec_outcome(*_open_inputs(name)) == ("refused", None)


@pytest.mark.parametrize("name", sorted(OPEN_CASES))
def test_r24_reference_refuses_parameters_of_the_wrong_type(name):
    assert reference_outcome(*_open_inputs(name)) == ("refused", None)


def _misshapen(name: str):
    """The worked example 1 document with one part of the wrong JSON type (§10.1 step 5)."""
    document = json.loads(doc_block('{\n "algorithm"', "json", 0))
    if name == "document_is_a_list":
        return [document]
    path, value = {
        "sample_is_a_string": (["parameters", "sample"], "ratio"),
        "ratios_is_a_list": (["parameters", "sample", "ratios"], ["0.25"]),
        "selection_entry_is_a_string": (["selection", 0], "913715243AGYGLUY3Q"),
        "selection_is_an_object": (["selection"], {"position": 1}),
        "team_entry_is_a_list": (["teams", 0], ["37152420010004"]),
    }[name]
    return document_set(path, value)(document)


MISSHAPEN = ["document_is_a_list", "ratios_is_a_list", "sample_is_a_string", "selection_entry_is_a_string",
             "selection_is_an_object", "team_entry_is_a_list"]


@pytest.mark.parametrize("name", MISSHAPEN)
def test_r24_spec_verifier_reports_a_misshapen_document_as_a_mismatch(name):
    assert spec_verify(_misshapen(name))[0] is False


@pytest.mark.parametrize("name", MISSHAPEN)
def test_r24_reference_verifier_reports_a_misshapen_document_as_a_mismatch(name):
    assert reference.verify_document(_misshapen(name)) != []


def test_r24_spec_refuses_malformed_frames_and_secrets():
    with pytest.raises(SpecRefusal):
        spec_frame([("B", "U1\nE")], [], [])  # LF inside a field
    with pytest.raises(SpecRefusal):
        spec_frame([("B", "")], [], [])
    with pytest.raises(SpecRefusal):
        spec_frame([], [], [("c1", "U1", "holiday")])
    with pytest.raises(SpecRefusal):
        spec_frame([("B", "U1"), ("B", "U1")], [], [])
    for secret in ("ab" * 31, "ab" * 33, "zz" * 32, " ".join(["abcd"] * 16), "0x" + "ab" * 31, "ab" * 31 + "a\u0663"):
        with pytest.raises(SpecRefusal):
            spec_secret(secret)
        with pytest.raises(reference.DrawError):
            reference.secret_decode(secret)
    assert spec_secret("AB" * 32) == spec_secret("\u3000" + "ab" * 32 + "\n") == bytes([0xAB]) * 32
