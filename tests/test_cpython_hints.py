"""CPython's own tests of its shadowing hints, ported: verify's and check's predictions against
every interpreter here, word for word.

The scenarios are those of Lib/test/test_import/__init__.py (test_script_shadowing_stdlib,
test_package_shadowing_stdlib_module, test_script_shadowing_third_party,
test_script_maybe_not_shadowing_third_party, test_script_shadowing_stdlib_sys_path_modification):
the same files, the same ways of starting Python (a script, -m, -c, -P, another working
directory). Where CPython's test asserts a pattern, this test asserts the whole line the
interpreter at hand prints, since the wording differs by version (3.13.0 against 3.13.1+).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import create_venv, make_tree
from wheels import build_wheel

from shadowcheck.cli import main
from shadowcheck.environment import load_environment
from shadowcheck.verify import Target, verify

STDLIB_SCRIPTS = [
    pytest.param("import fractions\nfractions.Fraction\n", id="attribute"),
    pytest.param("from fractions import Fraction\n", id="from-import"),
]
THIRD_PARTY_SCRIPTS = [
    pytest.param("import numpy\nnumpy.array\n", id="attribute"),
    pytest.param("from numpy import array\n", id="from-import"),
]


def real_error(python: str, args: list[str], cwd: Path) -> str | None:
    """The last line Python prints to stderr, or None when the run succeeds."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    run = subprocess.run([python, *args], cwd=cwd, env=environ, capture_output=True, text=True, timeout=60)
    if run.returncode == 0:
        return None
    # 3.10+ tracebacks append name suggestions when printing; not part of the exception.
    return re.sub(r"\. Did you mean: '[^']*'\?$", "", run.stderr.strip().splitlines()[-1])


def verified_error(python: str, target: Target, cwd: Path, safe_path: bool = False) -> str | None:
    """The first error verify predicts for the run (runpy's, then by line)."""
    environment = load_environment(python, "--python")
    result = verify(target, environment, cwd, {}, safe_path)
    failing = [i for i in result.imports if i.predicted_error]
    return min(failing, key=lambda i: (i.line is not None, i.line or 0)).predicted_error if failing else None


def checked_error(python: str, project: Path, path: str, line: int, capsys) -> str | None:
    """The error `check` predicts for the statement at ``path:line``."""
    capsys.readouterr()
    main(["--format", "json", "--python", python, "--no-cache", str(project)])
    report = json.loads(capsys.readouterr().out)
    errors = [
        i["predicted_error"]
        for f in report["findings"]
        for i in f["importers"]
        if os.path.abspath(i["path"]) == str(project / path) and i["line"] == line
    ]
    assert len(errors) == 1, report
    return errors[0]


@pytest.mark.parametrize("script", STDLIB_SCRIPTS)
def test_script_shadowing_stdlib(script, target_python, tmp_path, capsys, monkeypatch):
    python = target_python.path
    project = make_tree(tmp_path / "tmp", {"fractions.py": script})
    monkeypatch.chdir(project)
    expected = real_error(python, [str(project / "fractions.py")], project)
    assert expected is not None and expected.startswith(("AttributeError", "ImportError"))
    assert verified_error(python, Target(script=Path("fractions.py")), project) == expected
    assert real_error(python, ["-m", "fractions"], project) == expected
    assert verified_error(python, Target(module="fractions"), project) == expected
    # `python -c 'import fractions'`: sys.path[0] is the working directory, as for check's root.
    assert real_error(python, ["-c", "import fractions"], project) == expected
    assert checked_error(python, project, "fractions.py", 1, capsys) == expected
    if target_python.version_info >= (3, 11):
        # -P: no shadowing at all.
        assert real_error(python, ["-P", "fractions.py"], project) is None
        assert verified_error(python, Target(script=Path("fractions.py")), project, safe_path=True) is None
    # From another working directory: the script still shadows, -m and -c do not.
    child = project / "child"
    child.mkdir()
    monkeypatch.chdir(child)
    assert real_error(python, [str(project / "fractions.py")], child) == expected
    assert verified_error(python, Target(script=project / "fractions.py"), child) == expected
    assert real_error(python, ["-m", "fractions"], child) is None
    assert verified_error(python, Target(module="fractions"), child) is None


@pytest.mark.parametrize("script", [pytest.param("fractions.Fraction\n", id="attribute"), STDLIB_SCRIPTS[1]])
def test_package_shadowing_stdlib_module(script, target_python, tmp_path, capsys, monkeypatch):
    python = target_python.path
    tree = {"fractions/__init__.py": "shadowing_module = True", "main.py": "import fractions; fractions.shadowing_module\n" + script}
    project = make_tree(tmp_path / "tmp", tree)
    monkeypatch.chdir(project)
    expected = real_error(python, [str(project / "main.py")], project)
    assert expected is not None
    assert verified_error(python, Target(script=Path("main.py")), project) == expected
    assert real_error(python, ["-m", "main"], project) == expected
    assert verified_error(python, Target(module="main"), project) == expected
    line = 1 if script.startswith("fractions.") else 2
    assert checked_error(python, project, "main.py", line, capsys) == expected
    if target_python.version_info >= (3, 11):
        # With -P the standard library's fractions is imported: whatever fails then is not a shadow.
        assert "consider renaming" not in (real_error(python, ["-P", "main.py"], project) or "")
        assert verified_error(python, Target(script=Path("main.py")), project, safe_path=True) is None


@pytest.fixture
def numpy_venv(target_python, tmp_path_factory):
    """A venv of the target version with a distribution that provides `numpy`."""
    return _numpy_venv(target_python.path, tmp_path_factory)


_NUMPY_VENVS: dict[str, str] = {}


def _numpy_venv(python: str, tmp_path_factory) -> str:
    if python not in _NUMPY_VENVS:
        wheels = tmp_path_factory.mktemp("numpy-wheel")
        wheel = build_wheel(wheels, "numpy", "2.0", {"numpy/__init__.py": "array = list\n"})
        _NUMPY_VENVS[python] = create_venv(tmp_path_factory.mktemp("numpy-venv") / "venv", [wheel], python=python).python
    return _NUMPY_VENVS[python]


@pytest.mark.parametrize("script", THIRD_PARTY_SCRIPTS)
def test_script_shadowing_third_party(script, numpy_venv, tmp_path, capsys, monkeypatch):
    project = make_tree(tmp_path / "tmp", {"numpy.py": script})
    monkeypatch.chdir(project)
    expected = real_error(numpy_venv, [str(project / "numpy.py")], tmp_path)
    assert expected is not None
    assert verified_error(numpy_venv, Target(script=Path("numpy.py")), project) == expected
    assert real_error(numpy_venv, ["-m", "numpy"], project) == expected
    assert verified_error(numpy_venv, Target(module="numpy"), project) == expected
    assert real_error(numpy_venv, ["-c", "import numpy"], project) == expected
    assert checked_error(numpy_venv, project, "numpy.py", 1, capsys) == expected


@pytest.mark.parametrize(
    "code", [pytest.param("import numpy; numpy.attr\n", id="attribute"), pytest.param("from numpy import attr\n", id="from-import")]
)
def test_script_maybe_not_shadowing_third_party(code, numpy_venv, tmp_path, capsys, monkeypatch):
    # CPython runs the code with -c; a script beside numpy.py starts with the same sys.path[0].
    project = make_tree(tmp_path / "tmp", {"numpy.py": "this_script_does_not_attempt_to_import_numpy = True", "main.py": code})
    monkeypatch.chdir(project)
    expected = real_error(numpy_venv, ["-c", code], project)
    assert expected is not None and "consider renaming" not in expected
    assert real_error(numpy_venv, ["main.py"], project) == expected
    assert verified_error(numpy_venv, Target(script=Path("main.py")), project) == expected
    assert checked_error(numpy_venv, project, "main.py", 1, capsys) == expected


@pytest.mark.parametrize("script", STDLIB_SCRIPTS)
def test_script_shadowing_stdlib_sys_path_modification(script, target_python, tmp_path, capsys, monkeypatch):
    # The hint compares with sys.path[0] as the interpreter computed it at start-up, not with
    # what the script makes of sys.path afterwards.
    python = target_python.path
    tree = {"fractions.py": "shadowing_module = True", "main.py": 'import sys; sys.path.insert(0, "this_folder_does_not_exist")\n' + script}
    project = make_tree(tmp_path / "tmp", tree)
    monkeypatch.chdir(project)
    expected = real_error(python, ["main.py"], project)
    assert expected is not None
    assert verified_error(python, Target(script=Path("main.py")), project) == expected
    assert checked_error(python, project, "main.py", 2, capsys) == expected
