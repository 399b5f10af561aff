"""``verify_document`` and the stand-alone verifier's ``main()`` (R24, clause 五(十五)), pure: no database.

A published draw verifies exactly when it is faithful, and each kind of tampering is named: the frame,
the secret, the selection, a team, the parameters, the public value, the algorithm.
"""

import copy
import json
import random
import string

from clearcheck.sampling import algorithm as alg
from clearcheck.sampling.tests.test_algorithm import (
    KENO,
    OTHER_SECRET,
    _document,
    _parameters,
    _pool,
    _uscc,
)

# --- verify_document ---------------------------------------------------------------------------------


def test_r24_verify_document_matches_a_faithful_document():
    exclusions = [("3715240000" + "0001", _uscc(0), "recused")]
    document = _document(*_pool(), exclusions=exclusions)
    assert alg.verify_document(json.loads(json.dumps(document, ensure_ascii=False))) == []


def test_r24_verify_reports_a_tampered_frame():
    document = _document()
    document["frame"]["enterprises"][0][1] = _uscc(999)
    problems = alg.verify_document(document)
    assert len(problems) == 1 and "框架哈希不符" in problems[0]


def test_r24_verify_reports_an_unreadable_frame():
    document = _document()
    document["frame"]["enterprises"].append(document["frame"]["enterprises"][0])
    assert "框架无法解析" in alg.verify_document(document)[0]
    del document["frame"]
    assert "框架无法解析" in alg.verify_document(document)[0]


def test_r24_verify_reports_a_wrong_secret():
    document = _document()
    document["secret"] = OTHER_SECRET
    assert "密钥与承诺值不符" in alg.verify_document(document)[0]
    document["secret"] = "not hex"
    assert "密钥无效" in alg.verify_document(document)[0]
    document["secret"] = None
    assert "密钥无效" in alg.verify_document(document)[0]


def test_r24_verify_reports_a_changed_selection_order():
    document = _document()
    selection = document["selection"]
    selection[1], selection[2] = selection[2], selection[1]
    problem = alg.verify_document(document)[0]
    assert "抽取结果第 2 条不符" in problem and selection[1]["uscc"] in problem


def test_r24_verify_reports_a_replaced_enterprise_and_a_missing_pick():
    document = _document()
    outsider = next(u for s, u in document["frame"]["enterprises"]
                    if u not in {p["uscc"] for p in document["selection"]})
    changed = copy.deepcopy(document)
    changed["selection"][-1]["uscc"] = outsider
    assert f"抽取结果第 {len(document['selection'])} 条不符" in alg.verify_document(changed)[0]
    shorter = copy.deepcopy(document)
    shorter["selection"].pop()
    assert "抽取结果条数不符" in alg.verify_document(shorter)[0]


def test_r24_verify_reports_a_changed_team():
    document = _document()
    changed = copy.deepcopy(document)
    changed["selection"][0]["team"] = (changed["selection"][0]["team"] + 1) % len(document["teams"])
    assert "抽取结果第 1 条不符" in alg.verify_document(changed)[0]
    swapped = copy.deepcopy(document)
    swapped["teams"][1]["officers"] = list(reversed(swapped["teams"][1]["officers"]))
    assert "第 2 检查组不符" in alg.verify_document(swapped)[0]
    fewer = copy.deepcopy(document)
    fewer["teams"].pop()
    assert "检查组数不符" in alg.verify_document(fewer)[0]


def test_r24_verify_reports_changed_parameters():
    document = _document()
    changed = copy.deepcopy(document)
    changed["parameters"]["max_per_team"] = 4
    assert "种子不符" in alg.verify_document(changed)[0]
    # Without a published seed the changed parameters still show, in the selection.
    unseeded = copy.deepcopy(document)
    unseeded["parameters"]["sample"]["counts"]["B"] = 4
    del unseeded["seed"]
    assert "抽取结果" in alg.verify_document(unseeded)[0]


def test_r24_verify_reports_a_changed_public_value():
    document = _document()
    document["public_value"] = KENO.replace("77", "78")
    assert "种子不符" in alg.verify_document(document)[0]


def test_r24_verify_reports_the_wrong_algorithm():
    document = _document()
    document["algorithm"] = "clearcheck-draw/3"
    problems = alg.verify_document(document)
    assert problems and "clearcheck-draw/3" in problems[0] and alg.ALGORITHM_V2 in problems[0]
    assert alg.ALGORITHM_V1 in problems[0]


def test_r24_verify_reports_parameters_that_cannot_be_drawn():
    document = _document()
    document["parameters"]["team_size"] = 50
    del document["seed"]
    assert "无法重算抽取" in alg.verify_document(document)[0]


# --- main() ------------------------------------------------------------------------------------------


def test_r24_main_exit_codes(tmp_path, capsys):
    good = tmp_path / "draw.json"
    good.write_text(json.dumps(_document(), ensure_ascii=False), encoding="utf-8")
    assert alg.main([str(good)]) == 0
    assert "MATCH" in capsys.readouterr().out
    bad_document = _document()
    bad_document["secret"] = OTHER_SECRET
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_document), encoding="utf-8")
    assert alg.main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH" in out and "密钥与承诺值不符" in out
    assert alg.main([]) == 2
    assert alg.main([str(good), str(bad)]) == 2
    assert "usage" in capsys.readouterr().err


def test_r24_algorithm_random_pools_round_trip_through_verify():
    rng = random.Random(11)
    for _ in range(5):
        usccs = {"".join(rng.choices(string.digits + "ABCDEFGHJKLMNPQRTUWXY", k=18)) for _ in range(rng.randint(10, 60))}
        enterprises = [(rng.choice("BCD"), u) for u in usccs]
        officers = [("SJ", f"O{k}") for k in range(rng.randint(4, 9))]
        counts = {s: min(2, sum(1 for t, _ in enterprises if t == s)) for s in "BCD"}
        parameters = _parameters(sample={"mode": "count", "counts": counts}, max_per_team=10)
        exclusions = [(officers[0][1], u, "rotation") for _, u in enterprises[:3]]
        secret = "".join(rng.choices("0123456789abcdef", k=64))
        assert alg.verify_document(_document(enterprises, officers, exclusions, parameters, secret)) == []
