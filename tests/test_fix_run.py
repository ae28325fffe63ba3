"""After `shadowcheck --fix`, the script that failed runs for real and imports the real
package, and the local module's own users still work. The interpreter is the judge."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tree
from fixhelpers import commit_all, git, snapshot

from shadowcheck.cli import main

# id, tree, scripts that fail before, expected output of each script after
RUNS = [
    pytest.param(
        {
            "demopkg.py": "def build_model():\n    return 'local model'\n",
            "train.py": "from demopkg.models import Sequential\nfrom demopkg import build_model\nimport demopkg.models\n"
                        "print(Sequential.__module__, demopkg.models.__file__.endswith('site-packages/demopkg/models.py'), build_model())\n",
            "app.py": "import demopkg\n\nprint(demopkg.build_model())\n",
        },
        ["train.py"],
        {"train.py": "demopkg.models True local model\n", "app.py": "local model\n"},
        id="module-shadows-an-installed-package",
    ),
    pytest.param(
        {
            "demopkg/__init__.py": "from .helpers import build_model\n",
            "demopkg/helpers.py": "def build_model():\n    return 'local model'\n",
            "train.py": "from demopkg.models import Sequential\nfrom demopkg.helpers import build_model\nprint(Sequential.__name__, build_model())\n",
            "app.py": "import demopkg\nprint(demopkg.build_model())\n",
        },
        ["train.py"],
        {"train.py": "Sequential local model\n", "app.py": "local model\n"},
        id="package-shadows-an-installed-package",
    ),
    pytest.param(
        {
            "random.py": "def pick(items):\n    return items[0]\n",
            "main.py": "import random\nfrom random import pick\nprint(random.randint(3, 3), pick([5]))\n",
            "use.py": "import random\nprint(random.pick([7]))\n",
        },
        ["main.py"],
        {"main.py": "3 5\n", "use.py": "7\n"},
        id="module-shadows-the-standard-library",
    ),
]  # fmt: skip


def _run(python: str, root: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, script], cwd=root, capture_output=True, text=True, timeout=60)


def _shadowcheck(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "shadowcheck", *args], cwd=root, capture_output=True, timeout=120)


@pytest.mark.parametrize(("tree", "failing", "outputs"), RUNS)
def test_fixed_scripts_run_for_real(tmp_path, target_venv, monkeypatch, capsys, tree, failing, outputs):
    root = make_tree(tmp_path, tree)
    for script in failing:
        assert _run(target_venv.python, root, script).returncode != 0
    monkeypatch.chdir(root)
    assert main([".", "--fix", "--python", target_venv.python]) == 0, capsys.readouterr()
    for script, expected in outputs.items():
        result = _run(target_venv.python, root, script)
        assert (result.returncode, result.stdout) == (0, expected), result.stderr
    assert main([".", "--python", target_venv.python]) == 0, capsys.readouterr().out


def test_diff_is_a_patch_git_applies_to_the_same_tree_as_fix(tmp_path, target_venv):
    tree = {**RUNS[1].values[0], "notebooks/explore.ipynb": _notebook("from demopkg import build_model\n")}
    fixed = make_tree(tmp_path / "fixed", tree)
    patched = make_tree(tmp_path / "patched", tree)
    for root in (fixed, patched):
        commit_all(root)
    diff = _shadowcheck(patched, ".", "--diff", "--python", target_venv.python)
    assert diff.returncode == 1, diff.stderr
    assert b"rename from demopkg/helpers.py\nrename to demopkg_experiments/helpers.py\n" in diff.stdout
    assert snapshot(patched) == snapshot(fixed), "--diff wrote something"
    (tmp_path / "fix.patch").write_bytes(diff.stdout)
    git(patched, "apply", "--index", str(tmp_path / "fix.patch"))
    result = _shadowcheck(fixed, ".", "--fix", "--python", target_venv.python)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines()[0] == "Renamed demopkg/ -> demopkg_experiments/ (git mv)"
    assert snapshot(patched) == snapshot(fixed)


def _notebook(source: str) -> str:
    return '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n   "outputs": [],\n   "source": [\n    ' + repr(source).replace("'", '"') + '\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n'


# --- the command line ---------------------------------------------------------------------

KERAS_LIKE = {"demopkg.py": "def build_model():\n    return 1\n", "train.py": "from demopkg import build_model\n"}


@pytest.fixture
def run(target_venv, monkeypatch, capsys):
    def run_in(directory: Path, *args: str):
        monkeypatch.chdir(directory)
        capsys.readouterr()
        status = main([*args, "--python", target_venv.python])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run_in


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["--diff", "--fix"], "give one of --diff (show) and --fix (write)", id="diff-and-fix"),
        pytest.param(["--fix", "--format", "json"], "--diff and --fix print a patch or a summary, not --output-format json", id="fix-with-json"),
        pytest.param(["--rename", "demopkg=x"], "--rename and --allow-dirty go with --diff or --fix", id="rename-alone"),
        pytest.param(["--fix", "--rename", "demopkg"], "--rename demopkg: expected OLD=NEW", id="rename-without-equals"),
        pytest.param(["--fix", "--rename", "numpy=np_local"], "nothing in this project shadows `numpy`", id="rename-of-an-unshadowed-name"),
        pytest.param(["--fix", "--rename", "demopkg=demosingle"], "demosingle: that name is already taken", id="rename-onto-an-installed-name"),
    ],
)
def test_bad_fix_options_are_one_line(run, tmp_path, args, error):
    root = make_tree(tmp_path, KERAS_LIKE)
    before = snapshot(root)
    status, out, err = run(root, ".", *args)
    assert status == 2
    # One line says what is wrong (click adds its usage lines above a usage error).
    assert error in err.strip().splitlines()[-1], err
    assert snapshot(root) == before


def test_rename_chooses_the_name(run, tmp_path):
    root = make_tree(tmp_path, KERAS_LIKE)
    status, out, _ = run(root, ".", "--fix", "--rename", "demopkg=my_models")
    assert status == 0
    assert out.splitlines()[0] == "Renamed demopkg.py -> my_models.py"
    assert (root / "train.py").read_text() == "from my_models import build_model\n"


def test_nothing_to_fix(run, tmp_path):
    root = make_tree(tmp_path, {"train.py": "import demopkg\n"})
    for flag in ("--diff", "--fix"):
        assert run(root, ".", flag)[:2] == (0, "Nothing to fix.\n")


def test_left_alone_is_listed_and_exits_1(run, tmp_path):
    root = make_tree(tmp_path, {**KERAS_LIKE, "odd.py": "import demopkg\nprint(demopkg)\n"})
    status, out, _ = run(root, ".", "--fix")
    assert status == 1
    assert "Left alone: odd.py:1 `import demopkg`: uses no attribute of `demopkg` that tells which module it meant" in out


def test_dirty_checkout_is_refused_in_one_line(run, tmp_path):
    root = make_tree(tmp_path, KERAS_LIKE)
    commit_all(root)
    (root / "train.py").write_text("from demopkg import build_model\nbuild_model()\n")
    status, _, err = run(root, ".", "--fix")
    assert (status, err) == (2, "shadowcheck: error: uncommitted changes in train.py: commit or stash them first, or pass --allow-dirty\n")
    assert run(root, ".", "--fix", "--allow-dirty")[0] == 0


# The fix engine (libcst, and the planning modules that read every importer) is loaded only for
# --diff/--fix and for the formats that carry each finding's fix, and only when there are
# findings; fix.names (the naming rule check shares) and fix.report (plain data) are light.
FIX_ENGINE = ("libcst", "shadowcheck.fix.plan", "shadowcheck.fix.rewrite", "shadowcheck.fix.command")


@pytest.mark.parametrize(
    "tree, args, loaded",
    [
        pytest.param(KERAS_LIKE, (), False, id="text"),
        pytest.param(KERAS_LIKE, ("--output-format", "concise"), False, id="concise"),
        pytest.param(KERAS_LIKE, ("--output-format", "github"), False, id="github"),
        pytest.param(KERAS_LIKE, ("--output-format", "json", "--statistics"), False, id="statistics"),
        pytest.param({"train.py": "import demopkg\n"}, ("--output-format", "json"), False, id="json-nothing-found"),
        pytest.param(KERAS_LIKE, ("--output-format", "json"), True, id="json"),
        pytest.param(KERAS_LIKE, ("--output-format", "sarif"), True, id="sarif"),
    ],
)
def test_the_fix_engine_loads_only_for_formats_that_show_fixes(tmp_path, target_venv, tree, args, loaded):
    root = make_tree(tmp_path, tree)
    code = (
        "import sys; from shadowcheck.cli import main; status = main(['.', '--python', %r, *%r]);"
        "print(status, sorted(m for m in %r if m in sys.modules), file=sys.stderr)" % (target_venv.python, args, FIX_ENGINE)
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    status, modules = result.stderr.splitlines()[-1].split(" ", 1)
    assert status == ("1" if tree is KERAS_LIKE else "0"), result.stderr
    assert modules == (repr(sorted(FIX_ENGINE)) if loaded else "[]"), result.stderr
