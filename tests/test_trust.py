"""An interpreter the repository chose runs only when it is a virtualenv made on this machine:
real git repositories, committed interpreters that leave a marker when run, real venvs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import create_venv, make_tree
from shadowcheck.cli import main

pytestmark = pytest.mark.skipif(os.name == "nt", reason="uses /bin/sh scripts as interpreters")


def git(repository: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
        cwd=repository, check=True, capture_output=True,
    )  # fmt: skip


def commit_all(repository: Path) -> None:
    git(repository, "init", "-q")
    git(repository, "add", "-A", "-f")
    git(repository, "commit", "-q", "-m", "untrusted pull request")


def hostile(marker: Path) -> str:
    """An 'interpreter' that leaves a marker when run."""
    return f"#!/bin/sh\necho ran > {marker}\n"


def executable(path: Path) -> None:
    path.chmod(0o755)


@pytest.fixture
def run(monkeypatch, capsys):
    def run_in(directory: Path, *args: str) -> tuple[int, str, str]:
        monkeypatch.chdir(directory)
        for name in ("VIRTUAL_ENV", "CONDA_PREFIX", "SHADOWCHECK_PYTHON"):
            monkeypatch.delenv(name, raising=False)
        capsys.readouterr()
        status = main(["check", ".", "--format", "json", *args])
        out, err = capsys.readouterr()
        return status, out, err

    return run_in


SCRIPT = "it is a script, and a virtualenv's interpreter never is"
NOT_A_VENV = "it is not the interpreter of a virtualenv (no pyvenv.cfg beside its bin/)"


@pytest.mark.parametrize(
    "files, python, chosen_by, reason",
    [
        pytest.param({".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": "HOSTILE"}, ".venv/bin/python", ".venv", SCRIPT, id="committed-venv"),
        pytest.param({"venv/pyvenv.cfg": "home = /usr/bin\n", "venv/bin/python": "HOSTILE"}, "venv/bin/python", "venv", SCRIPT, id="committed-venv-named-venv"),
        pytest.param({"x.sh": "HOSTILE", "pyproject.toml": '[tool.shadowcheck]\npython = "./x.sh"\n'}, "x.sh", "configuration", NOT_A_VENV, id="configured-script"),
        pytest.param(
            {"env/pyvenv.cfg": "home = /usr/bin\n", "env/bin/python": "HOSTILE", "pyproject.toml": '[tool.shadowcheck]\npython = "env/bin/python"\n'},
            "env/bin/python", "configuration", SCRIPT, id="configured-committed-venv",
        ),
    ],
)  # fmt: skip
def test_a_committed_interpreter_is_refused(run, tmp_path, files, python, chosen_by, reason):
    marker = tmp_path / "marker"
    project = tmp_path / "project"
    make_tree(project, {**{k: hostile(marker) if v == "HOSTILE" else v for k, v in files.items()}, "train.py": "import json\n"})
    executable(project / python)
    commit_all(project)

    status, out, err = run(project)

    assert (status, out, marker.exists()) == (2, "", False)
    assert err == (
        f"shadowcheck: error: refusing to run {python} (chosen by the repository: {chosen_by}): {reason}; "
        f"to run it anyway, pass --python {python} (or set SHADOWCHECK_PYTHON)\n"
    )
    # The way out the message gives: the user's own choice runs it (and it is no Python).
    status, _, err = run(project, "--python", python)
    assert marker.exists() and status == 2 and "cannot inspect" in err


def test_a_committed_link_to_a_real_python_is_refused(run, tmp_path):
    # Even a link to the machine's own Python: git tracks it, so the repository made it.
    project = make_tree(tmp_path, {".venv/pyvenv.cfg": "home = /usr/bin\n", "train.py": ""})
    (project / ".venv/bin").mkdir()
    (project / ".venv/bin/python").symlink_to(sys.executable)
    commit_all(project)

    status, _, err = run(project)

    assert status == 2 and "git tracks .venv/bin/python, and a virtualenv is never committed" in err


@pytest.mark.parametrize("checkout", [True, False], ids=["git-checkout", "no-checkout"])
@pytest.mark.parametrize("configured", [False, True], ids=["found", "configured"])
def test_a_real_untracked_venv_runs(run, tmp_path, checkout, configured):
    # The no-op case: a virtualenv made here (ignored by git, or no git at all) is used.
    project = make_tree(tmp_path, {".gitignore": ".venv/\n", "train.py": "import json\n"})
    if configured:
        make_tree(project, {"pyproject.toml": '[tool.shadowcheck]\npython = ".venv/bin/python"\n'})
    if checkout:
        commit_all(project)
    create_venv(project / ".venv")

    status, out, err = run(project)

    assert status == 0, err
    assert '"python": "' + str(project / ".venv/bin/python") in out


def test_a_venv_script_outside_a_checkout_is_refused(run, tmp_path):
    # No git to ask: only a link out of the project passes, and a script never does.
    marker = tmp_path / "marker"
    project = make_tree(tmp_path / "project", {".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": hostile(marker)})
    executable(project / ".venv/bin/python")

    status, _, err = run(project)

    assert (status, marker.exists()) == (2, False)
    assert "it is a script, and a virtualenv's interpreter never is" in err


def test_a_configured_interpreter_outside_the_repository_runs(run, tmp_path):
    # The repository names a program of the machine's: nothing of the repository runs.
    project = make_tree(tmp_path, {"pyproject.toml": f'[tool.shadowcheck]\npython = "{sys.executable}"\n', "train.py": ""})
    commit_all(project)

    status, _, err = run(project)

    assert status == 0, err


def test_the_users_variable_is_trusted(run, tmp_path, monkeypatch):
    marker = tmp_path / "marker"
    project = make_tree(tmp_path / "project", {"x.sh": hostile(marker)})
    executable(project / "x.sh")
    commit_all(project)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SHADOWCHECK_PYTHON", "./x.sh")

    assert main(["check", ".", "--no-cache"]) == 2
    assert marker.exists()


@pytest.mark.parametrize(
    "args, environ, message",
    [
        pytest.param(["--python", ""], {}, "--python is empty: name an interpreter or a virtualenv directory", id="empty-option"),
        pytest.param(["--python", " "], {}, "--python is empty: name an interpreter or a virtualenv directory", id="blank-option"),
        pytest.param(["--python", "/bin/ls"], {}, "cannot inspect /bin/ls: it ", id="not-python"),
        pytest.param(["--python", "no-such-python"], {}, "Python interpreter not found: no-such-python (from --python)", id="missing"),
    ],
)  # fmt: skip
def test_bad_interpreters_are_one_line(run, tmp_path, args, environ, message):
    status, out, err = run(make_tree(tmp_path, {"train.py": ""}), *args, "--no-cache")

    assert status == 2 and out == ""
    assert err.startswith(f"shadowcheck: error: {message}") and err.count("\n") == 1


def test_an_empty_variable_is_no_choice(run, tmp_path, monkeypatch):
    project = make_tree(tmp_path, {"train.py": ""})
    monkeypatch.setenv("SHADOWCHECK_PYTHON", "")
    monkeypatch.chdir(project)

    assert main(["check", ".", "--format", "json"]) == 0
