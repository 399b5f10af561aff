"""R24: ``clearcheck-draw/1`` is specified precisely enough to re-implement (docs/draws.md).

``tests/draw_spec.py`` is an independent verifier written from docs/draws.md alone: it does not
import ``clearcheck.sampling.algorithm`` and shares no code with it. This module checks it, and the
reference implementation, against the two worked examples of docs/draws.md §11: the documented frame,
seed, selection and teams, and a document that verifies until any part of it is changed. Random and
crowded inputs are in ``test_draw_spec_agreement``, encodings and refusals in
``test_draw_spec_encodings``. Pure Python: no database.
"""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from clearcheck.sampling import algorithm as reference
from tests.draw_spec import (
    SpecRefusal,
    spec_assign,
    spec_canonical,
    spec_deal,
    spec_draw,
    spec_frame,
    spec_keno_canonical,
    spec_keno_entry,
    spec_rankings,
    spec_seed,
    spec_select,
    spec_verify,
)
from tests.draw_spec_support import (
    DOC,
    doc_block,
    document_mutations,
    document_set,
    reference_outcome,
)

EXAMPLE_ENTERPRISES = [
    ("B", "913715243AGYGLUY3Q"), ("B", "91371524E70K239T3E"), ("B", "91371524HTPQQFQQJM"),
    ("B", "91371524W7WKKHDRJP"), ("C", "91371524C8BXBRCPGJ"), ("C", "91371524E0TWMFMA6Y"),
    ("C", "91371524L2PA2HH993"), ("D", "91371524E4WLNNJ90L"), ("D", "91371524JHFU3DGRQR"),
    ("D", "91371524UNBBED2CWW"),
]
EXAMPLE_OFFICERS = [("371524-SCJG", f"3715242001000{k}") for k in range(1, 6)] + [
    ("371524-YJJ", f"3715242005000{k}") for k in range(1, 5)]
EXAMPLE_EXCLUSIONS = [("37152420010001", "913715243AGYGLUY3Q", "recused"),
                      ("37152420010001", "91371524UNBBED2CWW", "rotation")]
EXAMPLE_PARAMETERS = {
    "algorithm": "clearcheck-draw/1", "draw": 7, "title": "2027年第一季度食品经营者联合双随机抽查",
    "lead": "371524-SCJG", "agencies": ["371524-SCJG", "371524-YJJ"],
    "items": {"371524-SCJG": ["SCJG-R03"], "371524-YJJ": ["YJJ-R01"]},
    "filters": {"371524-SCJG": {"exclude_special_sectors": True, "regions": ["371524"]},
                "371524-YJJ": {"regions": ["371524"]}},
    "year": 2027, "window": ["2027-03-01", "2027-03-31"], "stratify": "tier",
    "sample": {"mode": "ratio", "ratios": {"A": "0.02", "B": "0.25", "C": "0.5", "D": "0.34"}},
    "team_size": 2, "max_per_team": 3, "exclusions": ["cap", "recused", "rotation"],
    "public_value": {"kind": "keno", "source": "中国福利彩票快乐8 第2027055期"},
    "special_sector_divisions": ["25", "26", "27", "06", "07", "08", "09", "10", "14", "15", "44", "45", "84"],
}
EXAMPLE_SECRET = "3e0d5b555f4c9243e0732617f14b230ab9768339fca5d22996331eb68009e3d9"
EXAMPLE_NUMBERS = [5, 12, 18, 23, 27, 31, 34, 40, 44, 47, 52, 55, 58, 61, 63, 66, 70, 74, 77, 80]
EXAMPLE_VALUE = "05,12,18,23,27,31,34,40,44,47,52,55,58,61,63,66,70,74,77,80"
EXAMPLE_FRAME_SHA256 = "d6811854c948131a41b8481b631f4ba4e181a281ba2df77a7a1c1dc2b48d6595"
EXAMPLE_COMMITMENT = "7f802ed4c7f7f1f0a88a798ba6b2505a3ecafac1dbb0455b850a56673e9ceb01"
EXAMPLE_SEED = "95bf05d0da5a46f8bc93709020a6f45336317d97b66e671548dc40320f6d98bd"
EXAMPLE_SELECTION = [
    ("913715243AGYGLUY3Q", "B", "045cebaabdb0a385b9272966014dc694c0a556a313fff2f5dd5f3f9fb99737a4", 1),
    ("91371524L2PA2HH993", "C", "51da7fc9dd471cb504f5494291520f20f4eda9358b0e5ba831771abfdb4d0bce", 0),
    ("91371524C8BXBRCPGJ", "C", "78132f1f841c399797258325debf46687f5f1af60706f46af8b440f4b7e48d08", 0),
    ("91371524E4WLNNJ90L", "D", "931bc0445b0745635a19e6b57e2ce0dad1cfaf63fabfbe204b925939d60857e9", 1),
    ("91371524UNBBED2CWW", "D", "e969f6cff45d829857f9d6937c1131de9dee97a7b9f2d45c8dc3a0b659a60775", 1),
]
EXAMPLE_TEAMS = [["37152420010004", "37152420010001", "37152420050001", "37152420050003"],
                 ["37152420010003", "37152420010005", "37152420050004", "37152420050002"]]


# §11.2: one enterprise barred from both regular teams gets extra team 2.
EXAMPLE2_ENTERPRISES = [("ALL", u) for u in (
    "913715242415RQR68C", "9137152456C998YXNE", "91371524823BBUGDMF", "91371524CEB8W4KKRY",
    "91371524DBN7P8WKAH", "91371524EUHC8N78HE")]
EXAMPLE2_EXCLUSIONS = [("37152420010001", "91371524DBN7P8WKAH", "recused"),
                       ("37152420010005", "91371524DBN7P8WKAH", "rotation"),
                       ("37152420050003", "91371524DBN7P8WKAH", "recused")]
EXAMPLE2_PARAMETERS = {
    "algorithm": "clearcheck-draw/1", "draw": 8, "title": "2027年第二季度药品零售企业联合双随机抽查",
    "lead": "371524-SCJG", "agencies": ["371524-SCJG", "371524-YJJ"],
    "items": {"371524-SCJG": ["SCJG-R07"], "371524-YJJ": ["YJJ-R02"]},
    "filters": {"371524-SCJG": {"industries": ["5251"]}, "371524-YJJ": {}},
    "year": 2027, "window": ["2027-05-10", "2027-05-28"], "stratify": "none",
    "sample": {"mode": "count", "counts": {"ALL": 3}}, "team_size": 2, "max_per_team": 2,
    "exclusions": ["cap", "recused", "rotation"],
    "public_value": {"kind": "keno", "source": "中国福利彩票快乐8 第2027128期"},
}
EXAMPLE2_ENTERED = "3、7、11、16、20、22、29、33、38、41、45、49、53、57、60、64、68、72、75、79"
EXAMPLE2_VALUE = "03,07,11,16,20,22,29,33,38,41,45,49,53,57,60,64,68,72,75,79"
EXAMPLE2_SECRET = "b5615022d45fbd2b83f4a21a1d9a4d1a0f57a3b0643d64a3eca42bfc3b787fe6"
EXAMPLE2_FRAME_SHA256 = "8e2f491fb4cf1b8786baedbe3d346f76d3a9ee7522ccc38c23a8cc2294fd8407"
EXAMPLE2_COMMITMENT = "323bf7fa87dce75d84b9848595e914c1c2a9038c3015a6fc3fd2ed123c6b3ddd"
EXAMPLE2_SEED = "1ed1cb41f00588d519a5505e0e4426f9cb56caaa9b74df6c74b8ba03f96ad271"
EXAMPLE2_SELECTION = [
    ("91371524CEB8W4KKRY", "ALL", "02600602a7b003006e7e7dc62ab29191d75398ba5b118e742c91276e35f1fb64", 0),
    ("91371524DBN7P8WKAH", "ALL", "20c1b876c483b2b681a88cc56f6c405836df8885b1f2992a00c2bd743185bcd2", 2),
    ("9137152456C998YXNE", "ALL", "30fda5dc28254baf443ee79317009715aefa82a54c9edbcf7ade047f9fe04cb4", 1),
]
EXAMPLE2_TEAMS = [["37152420010004", "37152420010003", "37152420050003", "37152420050002"],
                  ["37152420010001", "37152420010005", "37152420050001", "37152420050004"],
                  ["37152420010004", "37152420010003", "37152420050001", "37152420050002"]]


def _spec_assign_plain(seed: bytes, officers, parameters, chosen, exclusions) -> list[int]:
    """The assignment (§7.3) with the given exclusions, for the examples' "without the exclusions"."""
    t, agencies = parameters["team_size"], parameters["agencies"]
    r = spec_rankings(seed, officers, t, agencies)
    return spec_assign(chosen, spec_deal(r, t, agencies), exclusions, parameters["max_per_team"], r=r, t=t,
                       agencies=agencies)[0]


# --- Worked example 1 (docs/draws.md §11.1) -----------------------------------------------------


def test_r24_worked_example_frame_is_the_documented_text_and_hash():
    frame = spec_frame(EXAMPLE_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE_EXCLUSIONS)
    assert frame.decode("utf-8") == doc_block("clearcheck-draw-frame/1\n", "text")
    assert len(frame) == 600 and "600 bytes" in DOC
    assert hashlib.sha256(frame).hexdigest() == EXAMPLE_FRAME_SHA256
    assert frame == reference.frame_bytes(EXAMPLE_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE_EXCLUSIONS)
    # Input order does not matter: the frame sorts.
    assert frame == spec_frame(EXAMPLE_ENTERPRISES[::-1], EXAMPLE_OFFICERS[::-1], EXAMPLE_EXCLUSIONS[::-1])


def test_r24_worked_example_parameters_secret_value_and_seed_are_as_documented():
    canonical = spec_canonical(EXAMPLE_PARAMETERS)
    assert canonical.decode("utf-8") + "\n" == doc_block('{"agencies"', "text")
    assert len(canonical) == 743 and canonical == reference.canonical_json(EXAMPLE_PARAMETERS)
    assert hashlib.sha256(bytes.fromhex(EXAMPLE_SECRET)).hexdigest() == EXAMPLE_COMMITMENT
    assert hashlib.sha256(b"ClearCheck draw worked example").hexdigest() == EXAMPLE_SECRET
    assert spec_keno_canonical(EXAMPLE_NUMBERS[::-1]) == EXAMPLE_VALUE
    assert spec_keno_entry(" ".join(str(n) for n in EXAMPLE_NUMBERS)) == EXAMPLE_VALUE
    assert reference.keno_normalise(" ".join(str(n) for n in EXAMPLE_NUMBERS)) == EXAMPLE_VALUE
    frame = spec_frame(EXAMPLE_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE_EXCLUSIONS)
    assert spec_seed(frame, EXAMPLE_PARAMETERS, EXAMPLE_SECRET, EXAMPLE_VALUE).hex() == EXAMPLE_SEED
    for text in (EXAMPLE_FRAME_SHA256, EXAMPLE_COMMITMENT, EXAMPLE_SECRET, EXAMPLE_VALUE, EXAMPLE_SEED,
                 "000002e7", "0000003b"):
        assert text in DOC


def test_r24_worked_example_selection_teams_and_assignment_are_as_documented():
    frame = spec_frame(EXAMPLE_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE_EXCLUSIONS)
    outcome = spec_draw(frame, EXAMPLE_PARAMETERS, EXAMPLE_SECRET, EXAMPLE_VALUE)
    assert outcome == {"seed": EXAMPLE_SEED, "selection": EXAMPLE_SELECTION, "teams": EXAMPLE_TEAMS}
    assert reference_outcome(EXAMPLE_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE_EXCLUSIONS, EXAMPLE_PARAMETERS,
                              EXAMPLE_SECRET, EXAMPLE_VALUE) == ("drawn", (frame, outcome))
    # §11.1: without the exclusions the assignment would have been 0, 1, 0, 1, 0.
    seed = bytes.fromhex(EXAMPLE_SEED)
    chosen = spec_select(seed, EXAMPLE_ENTERPRISES, EXAMPLE_PARAMETERS["sample"])
    assert _spec_assign_plain(seed, EXAMPLE_OFFICERS, EXAMPLE_PARAMETERS, chosen, []) == [0, 1, 0, 1, 0]
    for uscc, _stratum, rank, _team in EXAMPLE_SELECTION:
        assert rank in DOC and uscc in DOC
    for _stratum, uscc in EXAMPLE_ENTERPRISES:  # every rank hash of the table
        assert hashlib.sha256(seed + uscc.encode()).hexdigest() in DOC
    for _agency, credential in EXAMPLE_OFFICERS:
        assert hashlib.sha256(seed + b"O" + credential.encode()).hexdigest() in DOC


def test_r24_worked_example_document_verifies_with_both_and_any_change_is_caught():
    document = json.loads(doc_block('{\n "algorithm"', "json", 0))
    assert document["parameters"] == EXAMPLE_PARAMETERS and document["seed"] == EXAMPLE_SEED
    assert spec_verify(document) == (True, "")
    assert reference.verify_document(document) == []
    for change in document_mutations(document):
        changed = change(copy.deepcopy(document))
        assert spec_verify(changed)[0] is False
        assert reference.verify_document(changed) != []


# --- Worked example 2: an extra team (docs/draws.md §11.2) --------------------------------------


def test_r24_worked_example_2_inputs_and_seed_are_as_documented():
    frame = spec_frame(EXAMPLE2_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE2_EXCLUSIONS)
    assert frame.decode("utf-8") == doc_block("clearcheck-draw-frame/1\n", "text", 1)
    assert len(frame) == 564 and "(564 bytes)" in DOC
    assert hashlib.sha256(frame).hexdigest() == EXAMPLE2_FRAME_SHA256
    assert frame == reference.frame_bytes(EXAMPLE2_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE2_EXCLUSIONS)
    canonical = spec_canonical(EXAMPLE2_PARAMETERS)
    assert canonical.decode("utf-8") + "\n" == doc_block('{"agencies"', "text", 1)
    assert len(canonical) == 567 and "567 bytes" in DOC and canonical == reference.canonical_json(EXAMPLE2_PARAMETERS)
    assert hashlib.sha256(b"ClearCheck draw worked example 2").hexdigest() == EXAMPLE2_SECRET
    assert hashlib.sha256(bytes.fromhex(EXAMPLE2_SECRET)).hexdigest() == EXAMPLE2_COMMITMENT
    assert spec_keno_entry(EXAMPLE2_ENTERED) == EXAMPLE2_VALUE == reference.keno_normalise(EXAMPLE2_ENTERED)
    assert spec_seed(frame, EXAMPLE2_PARAMETERS, EXAMPLE2_SECRET, EXAMPLE2_VALUE).hex() == EXAMPLE2_SEED
    assert 32 + 4 + 567 + 32 + 4 + 59 == 698 and "= 698 bytes" in DOC and len(canonical).to_bytes(4, "big").hex() == "00000237"
    for text in (EXAMPLE2_FRAME_SHA256, EXAMPLE2_COMMITMENT, EXAMPLE2_SECRET, EXAMPLE2_VALUE, EXAMPLE2_SEED,
                 EXAMPLE2_ENTERED, "00000237"):
        assert text in DOC


def test_r24_worked_example_2_gives_the_barred_enterprise_an_extra_team():
    """§7.3 step 5: barred from both regular teams, 91371524DBN7P8WKAH gets team 2 of its own."""
    frame = spec_frame(EXAMPLE2_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE2_EXCLUSIONS)
    outcome = spec_draw(frame, EXAMPLE2_PARAMETERS, EXAMPLE2_SECRET, EXAMPLE2_VALUE)
    assert outcome == {"seed": EXAMPLE2_SEED, "selection": EXAMPLE2_SELECTION, "teams": EXAMPLE2_TEAMS}
    assert reference_outcome(EXAMPLE2_ENTERPRISES, EXAMPLE_OFFICERS, EXAMPLE2_EXCLUSIONS, EXAMPLE2_PARAMETERS,
                              EXAMPLE2_SECRET, EXAMPLE2_VALUE) == ("drawn", (frame, outcome))
    seed = bytes.fromhex(EXAMPLE2_SEED)
    r = spec_rankings(seed, EXAMPLE_OFFICERS, 2, EXAMPLE2_PARAMETERS["agencies"])
    assert r == {"371524-SCJG": ["37152420010004", "37152420010001", "37152420010003", "37152420010005",
                                 "37152420010002"],
                 "371524-YJJ": ["37152420050003", "37152420050001", "37152420050002", "37152420050004"]}
    assert spec_deal(r, 2, EXAMPLE2_PARAMETERS["agencies"]) == EXAMPLE2_TEAMS[:2]
    # The extra team: the first two free officers of each ranking; team 0's SCJG officers may serve it too.
    assert EXAMPLE2_TEAMS[2][:2] == EXAMPLE2_TEAMS[0][:2]
    # Without the exclusions: no extra team, and 0, 1, 0.
    chosen = spec_select(seed, EXAMPLE2_ENTERPRISES, EXAMPLE2_PARAMETERS["sample"])
    assert _spec_assign_plain(seed, EXAMPLE_OFFICERS, EXAMPLE2_PARAMETERS, chosen, []) == [0, 1, 0]
    for _stratum, uscc in EXAMPLE2_ENTERPRISES:
        assert hashlib.sha256(seed + uscc.encode()).hexdigest() in DOC
    for _agency, credential in EXAMPLE_OFFICERS:
        assert hashlib.sha256(seed + b"O" + credential.encode()).hexdigest() in DOC
    # With two more YJJ officers barred (same seed), YJJ has only one free officer left: §7.3 step 5
    # refuses, which is why the platform leaves such an enterprise out of the frame (§2.2).
    crowded = [*EXAMPLE2_EXCLUSIONS, ("37152420050001", "91371524DBN7P8WKAH", "recused"),
               ("37152420050002", "91371524DBN7P8WKAH", "rotation")]
    with pytest.raises(SpecRefusal, match="extra team: 371524-YJJ has 1 officers free"):
        spec_assign(chosen, EXAMPLE2_TEAMS[:2], crowded, 2, r=r, t=2, agencies=EXAMPLE2_PARAMETERS["agencies"])
    with pytest.raises(reference.DrawError):
        reference.teams_assign(chosen, [list(team) for team in EXAMPLE2_TEAMS[:2]], crowded, max_per_team=2,
                               ranked=r, team_size=2)


def test_r24_worked_example_2_document_verifies_with_both_and_any_change_is_caught():
    document = json.loads(doc_block('{\n "algorithm"', "json", 1))
    assert document["parameters"] == EXAMPLE2_PARAMETERS and document["frame_counts"]["excluded_unstaffed"] == 1
    assert spec_verify(document) == (True, "")
    assert reference.verify_document(document) == []
    extra = [document_set(["teams"], lambda teams: teams[:-1]),  # the extra team left out
             document_set(["teams", 2, "officers"], lambda members: [*members[:3], "37152420050004"]),
             document_set(["selection", 1, "team"], 1)]
    for change in document_mutations(document) + extra:
        changed = change(copy.deepcopy(document))
        assert spec_verify(changed)[0] is False
        assert reference.verify_document(changed) != []


def test_r24_entropy_figures_in_the_spec_are_exact():
    import math

    assert "3,535,316,142,212,174,320" in DOC and f"{math.comb(80, 20):,}" == "3,535,316,142,212,174,320"
    assert f"{math.log2(math.comb(80, 20)):.2f}" == "61.62" and "61.62 bits" in DOC
    assert f"{math.log2(1000):.2f}" == "9.97" and "9.97 bits" in DOC
    assert math.ceil(0.07 * 100) == 8 and -((-7 * 100) // 100) == 7  # §7.1: why no floating point
