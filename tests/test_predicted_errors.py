"""Each predicted error is the line a real interpreter prints, on every version installed.

A case is a tree, the script to run, and the line of the import in it. The test asks
shadowcheck what will happen, runs the script with the same interpreter, and compares.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from conftest import make_tree

from shadowcheck.cli import main

# id, tree, script, line of the import statement in the script
STDLIB_CASES = [
    ("from-import-missing-name", {"fractions.py": "x = 1\n", "main.py": "from fractions import Fraction\n"}, "main.py", 1),
    ("from-import-defined-name", {"fractions.py": "Fraction = 1\n", "main.py": "from fractions import Fraction\n"}, "main.py", 1),
    ("submodule-of-a-module", {"fractions.py": "", "main.py": "import fractions.sub\n"}, "main.py", 1),
    ("from-submodule-of-a-module", {"fractions.py": "", "main.py": "from fractions.sub import x\n"}, "main.py", 1),
    ("dynamic-import", {"fractions.py": "", "main.py": "import importlib\nimportlib.import_module('fractions.sub')\n"}, "main.py", 2),
    ("attribute-missing", {"fractions.py": "", "main.py": "import fractions\nfractions.Fraction(1)\n"}, "main.py", 1),
    ("attribute-defined", {"fractions.py": "def Fraction(x): pass\n", "main.py": "import fractions\nfractions.Fraction(1)\n"}, "main.py", 1),
    ("aliased-attribute-missing", {"fractions.py": "", "main.py": "import fractions as fr\nfr.Fraction(1)\n"}, "main.py", 1),
    ("package-missing-name", {"queue/__init__.py": "", "main.py": "from queue import Queue\n"}, "main.py", 1),
    ("package-missing-submodule", {"queue/__init__.py": "", "main.py": "import queue.other\n"}, "main.py", 1),
    ("package-present-submodule", {"queue/__init__.py": "", "queue/sub.py": "", "main.py": "import queue.sub\n"}, "main.py", 1),
    ("package-submodule-name", {"queue/__init__.py": "", "queue/sub.py": "", "main.py": "from queue import sub\n"}, "main.py", 1),
    ("imports-itself", {"queue.py": "import queue\nq = queue.Queue()\n"}, "queue.py", 1),
    ("from-imports-itself", {"token.py": "from token import NAME\n"}, "token.py", 1),
    ("from-imports-itself-defined-above", {"token.py": "NAME = 1\nfrom token import NAME\n"}, "token.py", 2),
]  # fmt: skip

THIRD_PARTY_CASES = [
    ("not-a-package", {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n"}, "train.py", 1),
    ("cannot-import-name", {"demopkg.py": "", "train.py": "from demopkg import VALUE\n"}, "train.py", 1),
    ("namespace-submodule", {"demons/functools.py": "x = 1\n", "train.py": "from demons.functools import pass_none\n"}, "train.py", 1),
    ("single-module-attribute", {"demosingle.py": "", "train.py": "import demosingle\ndemosingle.helper()\n"}, "train.py", 1),
    ("third-party-imports-itself", {"demosingle.py": "import demosingle\ndemosingle.helper()\n"}, "demosingle.py", 1),
]  # fmt: skip


def predicted(python: str, project, script: str, line: int, capsys) -> str | None:
    capsys.readouterr()
    main(["--format", "json", "--python", python, str(project)])
    report = json.loads(capsys.readouterr().out)
    matches = [
        i["predicted_error"]
        for f in report["findings"]
        for i in f["importers"]
        if i["path"] == script and i["line"] == line
    ]
    assert len(matches) == 1, report
    return matches[0]


def actual(python: str, project, script: str) -> str | None:
    run = subprocess.run([python, script], cwd=project, capture_output=True, text=True, timeout=60)
    if run.returncode == 0:
        return None
    last = run.stderr.strip().splitlines()[-1]
    # 3.10+ tracebacks append name suggestions when printing; they are not part of the
    # exception that is raised, which is what shadowcheck predicts.
    return re.sub(r"\. Did you mean: '[^']*'\?$", "", last)


def _compare(python, tmp_path, tree, script, line, capsys, monkeypatch):
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    assert predicted(python, project, script, line, capsys) == actual(python, project, script)


@pytest.mark.parametrize("tree, script, line", [c[1:] for c in STDLIB_CASES], ids=[c[0] for c in STDLIB_CASES])
def test_stdlib_shadow_errors(target_python, tree, script, line, tmp_path, capsys, monkeypatch):
    _compare(target_python.path, tmp_path, tree, script, line, capsys, monkeypatch)


@pytest.mark.parametrize("tree, script, line", [c[1:] for c in THIRD_PARTY_CASES], ids=[c[0] for c in THIRD_PARTY_CASES])
def test_third_party_shadow_errors(target_venv, tree, script, line, tmp_path, capsys, monkeypatch):
    _compare(target_venv.python, tmp_path, tree, script, line, capsys, monkeypatch)
