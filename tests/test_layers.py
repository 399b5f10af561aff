"""The layers are checked by a machine (issue 18): the import contracts in ``.importlinter`` pass on this tree,
and fail when a forbidden import is added, including one hidden inside a function.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[dev]')")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", "--config", str(tree / ".importlinter")], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def tree_copy(tmp_path):
    """A copy of the package and the contracts, to break on purpose."""
    shutil.copytree(ROOT / "clearcheck", tmp_path / "clearcheck",
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static", "templates", "locale"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_contracts_hold_on_this_tree():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "statement", "contract"), [
    # an import inside a function, to dodge a cycle, is caught like any other
    ("planning/rules.py", "def _hidden():\n    from clearcheck.inspections import rules  # noqa\n",
     "planning and registry know nothing of on-site work or draws"),
    ("inspections/rules.py", "from clearcheck.supervision import engine  # noqa\n",
     "The loop never depends on its watchers"),
    ("core/clock.py", "from clearcheck.accounts import choices  # noqa\n", "core knows no app"),
    ("inspections/rules.py", "from clearcheck.sampling import algorithm  # noqa\n",
     "sampling may import inspections, never the reverse"),
    ("registry/rules.py", "from clearcheck.feedback import choices  # noqa\n", "Apps import only the apps below them"),
])
def test_a_forbidden_import_breaks_the_contracts(tree_copy, module, statement, contract):
    path = tree_copy / "clearcheck" / module
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + statement, encoding="utf-8")
    result = _lint(tree_copy)
    assert result.returncode != 0, result.stdout
    assert contract in result.stdout.replace("\n", " ")
    assert "BROKEN" in result.stdout
