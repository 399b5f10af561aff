"""R24, ADR 0017: ``clearcheck-draw/2`` (docs/draws.md §13), and ``/1`` documents that still verify.

The worked example of §13.4 is checked with the independent implementation (``tests/draw_spec.py``, written
from the document alone) and with the reference (``clearcheck.sampling.algorithm``, the file the public site
serves as its verifier): the frame bytes, the pseudonyms and the draw key's fingerprint, the parameters, the
seed, the selection and the published document, which verifies until any part of it changes, and which is
refused when a pseudonym is replaced by the individual business's USCC. Pure Python: no database.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json

import pytest

from clearcheck.sampling import algorithm as reference
from tests.draw_spec import spec_canonical, spec_draw, spec_frame, spec_verify
from tests.draw_spec_support import DOC, doc_block, document_mutations, document_set

V2 = "clearcheck-draw/2"
KEY = hashlib.sha256(b"ClearCheck pseudonym key example").digest()
INDIVIDUALS = {"92371524MA3C8K5X1R": "p-951e2b828b03fa9593e261b48cb854eb",
               "92371524JT7H4RQ2NU": "p-e421a6b251081e47116c56c259b8b7f9"}
FRAME_SHA256 = "345b37c0a42108a07a6987f5fb004eac97b726d13cffd4debf1a72e04ea9b7d7"
SEED = "1d83d1ad96944ef42d4d15bd3d31aa4793036173ce6c767afeecf99a6f2dfb75"


def _document() -> dict:
    return json.loads(doc_block('{\n "algorithm": "clearcheck-draw/2"', "json"))


def _rows(document: dict):
    frame = document["frame"]
    return ([tuple(r) for r in frame["enterprises"]], [tuple(r) for r in frame["officers"]],
            [tuple(r) for r in frame["exclusions"]])


def test_r24_v2_example_frame_is_the_documented_bytes():
    enterprises, officers, exclusions = _rows(_document())
    block = doc_block("clearcheck-draw-frame/2\n", "text")
    ours = reference.frame_bytes(enterprises, officers, exclusions, version=2)
    theirs = spec_frame(enterprises[::-1], officers[::-1], exclusions, V2)
    assert ours == theirs == block.encode("utf-8") and len(ours) == 382
    assert hashlib.sha256(ours).hexdigest() == FRAME_SHA256 == _document()["frame_sha256"]
    assert reference.frame_version(ours) == 2 and reference.frame_parse(ours) == (enterprises, officers, exclusions)


def test_r24_v2_example_pseudonyms_and_key_fingerprint():
    """§13.2 from the standard library alone, and as the platform computes them."""
    from clearcheck.sampling.pseudonyms import draw_key, key_fingerprint, pseudonym_of

    k_9 = hmac.new(KEY, b"clearcheck-pseudonym/1 draw 9", hashlib.sha256).digest()
    assert k_9 == draw_key(KEY, 9)
    assert k_9.hex() == "0d935eb4d1b163ac13e3aa7685b746abc97eb2edaba4de1b34f929daeca8d8c2"
    assert hashlib.sha256(k_9).hexdigest() == key_fingerprint(k_9) == _document()["parameters"]["pseudonyms"]["key_sha256"]
    for uscc, pseudonym in INDIVIDUALS.items():
        assert "p-" + hmac.new(k_9, uscc.encode("utf-8"), hashlib.sha256).hexdigest()[:32] == pseudonym
        assert pseudonym_of(k_9, uscc) == pseudonym
        assert f"| {uscc} | `{pseudonym}` |" in DOC  # §13.4's table
    entries = {e for _, e in _rows(_document())[0]} | {e for _, e, _ in _rows(_document())[2]}
    assert not entries & set(INDIVIDUALS)  # no individual business's USCC is published


def test_r24_v2_example_parameters_seed_and_outcome():
    document = _document()
    parameters = document["parameters"]
    assert spec_canonical(parameters).decode("utf-8") + "\n" == doc_block('{"agencies"', "text", 2)
    assert reference.canonical_json(parameters) == spec_canonical(parameters) and len(spec_canonical(parameters)) == 662
    frame = doc_block("clearcheck-draw-frame/2\n", "text").encode("utf-8")
    ours = reference.draw_compute(frame=frame, parameters=parameters, secret_hex=document["secret"],
                                  public_value=document["public_value"])
    theirs = spec_draw(frame, parameters, document["secret"], document["public_value"])
    assert ours.seed == theirs["seed"] == SEED == document["seed"]
    published = [(p["entry"], p["stratum"], p["rank"], p["team"]) for p in document["selection"]]
    assert [(p.entry, p.stratum, p.rank, p.team) for p in ours.picks] == theirs["selection"] == published
    assert ours.teams == theirs["teams"] == [t["officers"] for t in document["teams"]]
    # The recusal of 37152420010002 sent the individual business to team 0 (§13.4).
    assert published[1][0] == INDIVIDUALS["92371524MA3C8K5X1R"] and published[1][3] == 0


def test_r24_v2_example_document_verifies_with_both_verifiers(tmp_path, capsys):
    document = _document()
    assert reference.verify_document(document) == []
    assert spec_verify(document) == (True, "")
    path = tmp_path / "draw-9.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert reference.main([str(path)]) == 0 and "MATCH" in capsys.readouterr().out


@pytest.mark.parametrize("n", range(20))
def test_r24_v2_example_document_fails_when_any_part_changes(n):
    changes = document_mutations(_document())
    if n >= len(changes):
        pytest.skip("fewer mutations")
    changed = changes[n](copy.deepcopy(_document()))
    assert reference.verify_document(changed) != []
    assert spec_verify(changed)[0] is False


@pytest.mark.parametrize("replace", ["usccs", "malformed"])
def test_r24_v2_refuses_an_individual_business_uscc_or_a_malformed_entry(replace):
    """A /2 frame never holds a USCC of type 92, nor an entry that is neither a USCC nor a pseudonym."""
    document = _document()
    swap = ({p: u for u, p in INDIVIDUALS.items()} if replace == "usccs"
            else {INDIVIDUALS["92371524MA3C8K5X1R"]: "P-951E2B828B03FA9593E261B48CB854EB"})
    text = json.dumps(document, ensure_ascii=False)
    for old, new in swap.items():
        text = text.replace(old, new)
    changed = json.loads(text)
    problems = reference.verify_document(changed)
    assert problems and "框架无法解析" in problems[0]
    assert spec_verify(changed)[0] is False
    with pytest.raises(reference.DrawError):
        reference.frame_bytes(*_rows(changed), version=2)


@pytest.mark.parametrize("index", [0, 1])
def test_r24_v1_documents_still_verify(index, tmp_path, capsys):
    """Draws published before ADR 0017 (the worked examples of §11) verify with today's verifier."""
    document = json.loads(doc_block('{\n "algorithm": "clearcheck-draw/1"', "json", index))
    assert reference.verify_document(document) == []
    assert spec_verify(document) == (True, "")
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert reference.main([str(path)]) == 0 and "MATCH" in capsys.readouterr().out
    # The same document relabelled /2 does not verify: the header is part of the frame's hash.
    assert reference.verify_document(document_set(["algorithm"], V2)(copy.deepcopy(document))) != []


def test_r24_a_redacted_v1_document_is_unverifiable_not_a_mismatch(tmp_path, capsys):
    """§13.3: a /1 document published without its individual businesses says so, and the verifier says it
    cannot re-compute it (exit 3) instead of calling it tampered."""
    document = json.loads(doc_block('{\n "algorithm": "clearcheck-draw/1"', "json", 1))
    hidden = document["selection"][1]
    document["frame"]["enterprises"] = [r for r in document["frame"]["enterprises"] if r[1] != hidden["uscc"]]
    document["frame"]["exclusions"] = [r for r in document["frame"]["exclusions"] if r[1] != hidden["uscc"]]
    document["selection"][1] = {"position": 2, "redacted": True, "stratum": hidden["stratum"], "team": hidden["team"]}
    document["redacted"] = {"enterprises": 1, "selection": 1, "reason": "个体工商户"}
    problems = reference.verify_document(document)
    assert problems and "无法独立重算" in problems[0]
    assert spec_verify(document)[0] is False
    path = tmp_path / "draw-redacted.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert reference.main([str(path)]) == 3 and "UNVERIFIABLE" in capsys.readouterr().out
