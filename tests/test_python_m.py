"""`python -m` puts the working directory on sys.path before runpy imports what it needs.

A project module named like one of runpy's imports is imported in its place, and the run dies
before the module starts; which modules those are depends on the version (3.11 froze runpy and
importlib.util; 3.12 imports types again). verify reads runpy's imports from the interpreter's
own standard library and must predict exactly what each interpreter here prints.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.environment import load_environment
from shadowcheck.ftypes import SHADOWED
from shadowcheck.verify import Target, verify

MAIN = {"main.py": "print('main ran')\n"}
LOCAL = [
    pytest.param({"types.py": ""}, id="types"),
    pytest.param({"functools.py": ""}, id="functools"),
    pytest.param({"contextlib.py": ""}, id="contextlib"),
    pytest.param({"collections.py": ""}, id="collections"),
    pytest.param({"importlib/__init__.py": ""}, id="importlib-package"),
    pytest.param({"fractions.py": ""}, id="not-imported-by-runpy"),
]


def real_outcome(python: str, project: Path) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run([python, "-m", "main"], cwd=project, env=environ, capture_output=True, text=True, timeout=60)
    return run.stdout.strip() if run.returncode == 0 else run.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("local", LOCAL)
def test_runpy_imports_meet_the_working_directory(local, target_python, tmp_path, monkeypatch):
    project = make_tree(tmp_path / "project", {**MAIN, **local})
    monkeypatch.chdir(project)
    result = verify(Target(module="main"), load_environment(target_python.path, "--python"), project, {})
    before_main = [i for i in result.imports if i.statement == "python -m (runpy's own imports)"]
    predicted = before_main[0].predicted_error if before_main else "main ran"
    assert predicted == real_outcome(target_python.path, project)
    if before_main:
        (record,) = before_main
        assert record.status == SHADOWED and record.severity == "error"
        # The chain starts in runpy and ends at the statement that meets the project's module.
        assert record.via and Path(record.via[0].path).name == "runpy.py"
