"""``clearcheck draw verify FILE`` / ``clearcheck draw export ID [FILE]`` and the standalone verifier
(R24, clause 五(十五)): anyone re-computes a published draw from its JSON alone, with nothing but
Python's standard library, and learns either MATCH or the first difference.
"""

import ast
import datetime as dt
import glob
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clearcheck.sampling import algorithm
from clearcheck.sampling import services as svc
from clearcheck.sampling.documents import draw_document
from clearcheck.sampling.tests.draw_fixtures import *  # noqa: F403 (the shared draw fixtures)
from clearcheck.sampling.tests.draw_fixtures import freeze

pytestmark = pytest.mark.django_db

ALGORITHM_FILE = Path(algorithm.__file__)


@pytest.fixture
def revealed(draw_county, selected_draw, monkeypatch):
    """A draw revealed the day after its window; returns the draw."""
    draw, secret = selected_draw
    freeze(monkeypatch, draw.window_end + dt.timedelta(days=1))
    return svc.draw_reveal(actor=draw_county["admin"], draw_id=draw.pk, secret=secret)


@pytest.fixture
def exported(revealed, tmp_path) -> Path:
    path = tmp_path / f"draw-{revealed.pk}.json"
    call_command("draw", "export", str(revealed.pk), str(path))
    return path


def verify(path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("draw", "verify", str(path), stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def rewrite(path: Path, change) -> Path:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    target = path.with_name("tampered.json")
    target.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return target


# --- export -----------------------------------------------------------------------------------------------


def test_r24_export_writes_the_published_document(revealed, exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document == json.loads(json.dumps(draw_document(revealed), ensure_ascii=False))
    assert document["secret"] == revealed.secret and len(document["selection"]) == 6
    assert document["frame_sha256"] == revealed.frame_sha256


def test_r24_export_to_stdout(revealed):
    out = io.StringIO()
    call_command("draw", "export", str(revealed.pk), stdout=out)
    assert json.loads(out.getvalue())["draw"]["id"] == revealed.pk


def test_r24_only_a_revealed_draw_is_exported(draw_county, selected_draw, tmp_path):
    draw, _ = selected_draw
    path = tmp_path / "early.json"
    with pytest.raises(CommandError):
        call_command("draw", "export", str(draw.pk), str(path))
    assert not path.exists()
    with pytest.raises(CommandError):
        call_command("draw", "export", "999999")


# --- verify -----------------------------------------------------------------------------------------------


def test_r24_verify_reports_match(revealed, exported):
    code, out = verify(exported)
    assert code == 0 and "MATCH" in out and "MISMATCH" not in out
    assert revealed.frame_sha256 in out and "6 户企业" in out


@pytest.mark.parametrize("change, difference", [
    (lambda d: d["selection"].__setitem__(0, {**d["selection"][0], "entry": "91371524999999999X"}), "抽取结果第 1 条不符"),
    (lambda d: d["selection"].insert(0, d["selection"].pop(2)), "抽取结果第 1 条不符"),
    (lambda d: d["selection"][3].__setitem__("team", (d["selection"][3]["team"] + 1) % 3), "抽取结果第 4 条不符"),
    (lambda d: d["selection"].pop(), "抽取结果条数不符"),
    (lambda d: d["teams"][2]["officers"].reverse(), "第 3 检查组不符"),
    (lambda d: d["frame"]["enterprises"].pop(), "框架哈希不符"),
    (lambda d: d["frame"]["officers"].pop(), "框架哈希不符"),
    (lambda d: d.__setitem__("secret", "0f" * 32), "密钥与承诺值不符"),
    (lambda d: d.__setitem__("commitment", "0" * 64), "密钥与承诺值不符"),
    (lambda d: d["parameters"].__setitem__("max_per_team", 4), "种子不符"),
    (lambda d: d.__setitem__("public_value", d["public_value"].replace("03", "04")), "种子不符"),
    (lambda d: d.__setitem__("algorithm", "clearcheck-draw/0"), "clearcheck-draw/0"),
])
def test_r24_verify_names_the_first_difference_of_a_tampered_file(exported, change, difference):
    code, out = verify(rewrite(exported, change))
    assert code != 0
    assert out.startswith("MISMATCH") and difference in out


def test_r24_verify_refuses_unreadable_files(tmp_path):
    with pytest.raises(CommandError):
        call_command("draw", "verify", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("draw", "verify", str(broken))


@pytest.mark.parametrize("text", ["[]", '"a draw"', "42", "null"])
def test_r24_verify_reports_json_that_is_not_a_draw_document(tmp_path, text):
    odd = tmp_path / "odd.json"
    odd.write_text(text, encoding="utf-8")
    code, out = verify(odd)
    assert code != 0 and out.startswith("MISMATCH")


@pytest.mark.parametrize("change", [
    lambda d: d.__setitem__("selection", [1, 2]),
    lambda d: d.__setitem__("teams", ["x"]),
    lambda d: d.__setitem__("parameters", "x"),
    lambda d: d.__setitem__("public_value", 5),
    lambda d: d["frame"].__setitem__("enterprises", "x"),
])
def test_r24_verify_reports_malformed_parts_without_a_traceback(exported, change):
    code, out = verify(rewrite(exported, change))
    assert code != 0 and out.startswith("MISMATCH")


def test_r24_the_public_endpoint_and_the_export_agree(revealed, exported, client):
    published = client.get(f"/api/public/draws/{revealed.pk}.json").json()
    assert published == json.loads(exported.read_text(encoding="utf-8"))


# --- the standalone verifier --------------------------------------------------------------------------------


def run_standalone(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a copy of algorithm.py in isolated mode (-I) without site-packages (-S): stdlib only."""
    script = tmp_path / "clearcheck_draw_verify.py"
    shutil.copyfile(ALGORITHM_FILE, script)
    return subprocess.run([sys.executable, "-I", "-S", script.name, *args], cwd=tmp_path, capture_output=True,
                          timeout=120, check=False)


def test_r24_standalone_verifier_needs_only_the_standard_library(revealed, exported, tmp_path):
    shutil.copyfile(exported, tmp_path / "draw.json")
    result = run_standalone(tmp_path, "draw.json")
    out = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "MATCH" in out and revealed.frame_sha256 in out

    tampered = rewrite(exported, lambda d: d["selection"].reverse())
    assert tampered.parent == tmp_path
    result = run_standalone(tmp_path, tampered.name)
    assert result.returncode == 1 and "MISMATCH" in result.stdout.decode("utf-8", "replace")

    assert run_standalone(tmp_path).returncode == 2
    assert run_standalone(tmp_path, "a.json", "b.json").returncode == 2


def test_r24_standalone_verifier_imports_only_stdlib_and_parses_as_python_3_9():
    source = ALGORITHM_FILE.read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 9))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports in the standalone verifier"
            imported.add(node.module.split(".")[0])
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def _python39() -> str | None:
    for candidate in [shutil.which("python3.9"), *sorted(glob.glob("/root/.pyenv/versions/3.9*/bin/python3.9")),
                      *sorted(glob.glob("/usr/bin/python3.9")), *sorted(glob.glob("/usr/local/bin/python3.9"))]:
        if candidate and subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 9)"],
                                        capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def test_r24_standalone_verifier_uses_nothing_newer_than_python_3_9():
    """The file promises Python 3.9+: zip(strict=...) is 3.10 (on 3.9 it made a genuine draw 'MISMATCH')."""
    tree = ast.parse(ALGORITHM_FILE.read_text(encoding="utf-8"), feature_version=(3, 9))
    newer = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
             and getattr(node.func, "id", None) == "zip" and any(k.arg == "strict" for k in node.keywords)]
    assert newer == [], f"zip(strict=...) (Python 3.10+) on lines {newer}"


def test_r24_standalone_verifier_runs_on_python_3_9(revealed, exported, tmp_path):
    python39 = _python39()
    if python39 is None:
        pytest.skip("no Python 3.9 interpreter on this machine")
    shutil.copyfile(exported, tmp_path / "draw.json")
    script = tmp_path / "clearcheck_draw_verify.py"
    shutil.copyfile(ALGORITHM_FILE, script)
    result = subprocess.run([python39, "-I", "-S", script.name, "draw.json"], cwd=tmp_path, capture_output=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "MATCH" in result.stdout.decode("utf-8", "replace")
