"""The command line as a user meets it: exit statuses, one-line errors, configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck import __version__

KERAS_LIKE = {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n"}


@pytest.fixture
def run(cli, target_venv):
    """The CLI in a directory, against the demo venv; (status, out, err)."""

    def run_in(directory: Path, *args: str, python: str | None = None):
        result = cli(*args, "--python", python or target_venv.python, cwd=directory)
        return result.status, result.out, result.err

    return run_in


def findings(out: str) -> set[tuple[str, str]]:
    return {(f["code"], f["path"]) for f in json.loads(out)["findings"]}


# --- exit statuses and the default command ---------------------------------------------------


def test_finding_exits_1_and_prints_compiler_style(run, tmp_path):
    status, out, err = run(make_tree(tmp_path, KERAS_LIKE), ".")
    assert status == 1, err
    lines = out.splitlines()
    assert lines[0].startswith("demopkg.py:1:1: SC101 [error] `demopkg.py` shadows the installed package `demopkg` from demo-pkg 1.0 (")
    assert lines[1] == (
        "    train.py:1 `from demopkg.models import Sequential` will fail: ModuleNotFoundError: "
        "No module named 'demopkg.models'; 'demopkg' is not a package"
    )
    assert lines[2] == "    help: rename demopkg.py (e.g. to demopkg_experiments.py)"
    assert lines[-1].startswith("Found 1 problem (1 error, 0 warnings) in 2 files with ")
    assert "(Python 3." in lines[-1] and "--python)" in lines[-1]


def test_clean_tree_exits_0(run, tmp_path):
    status, out, _ = run(make_tree(tmp_path, {"train.py": "import demopkg\n"}), ".")
    assert status == 0
    assert out.startswith("All checks passed: nothing shadowed in 1 file with ")


def test_exit_zero(run, tmp_path):
    status, out, _ = run(make_tree(tmp_path, KERAS_LIKE), ".", "--exit-zero")
    assert status == 0 and "SC101" in out


def test_check_subcommand_is_the_default(run, tmp_path):
    project = make_tree(tmp_path, KERAS_LIKE)
    assert run(project, "check", ".")[1] == run(project, ".")[1] == run(project)[1]


def test_python_m_and_version(tmp_path):
    for args in (["-m", "shadowcheck", "--version"], ["-m", "shadowcheck", "-V"], ["-m", "shadowcheck", "check", "--help"]):
        result = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert __version__ in subprocess.run(
        [sys.executable, "-m", "shadowcheck", "--version"], capture_output=True, text=True
    ).stdout


def test_json_format(run, tmp_path, target_venv):
    status, out, _ = run(make_tree(tmp_path, {**KERAS_LIKE, "scripts/fractions.py": ""}), ".", "--format", "json")
    report = json.loads(out)
    assert status == 1
    assert report["schema_version"] == 2 and report["version"] == __version__
    assert report["python"] == target_venv.python
    assert report["root"] == str(tmp_path)
    assert report["summary"] == {"files": 3, "errors": 1, "warnings": 1, "problems": 0, "notes": 0}
    assert report["problems"] == [] and report["notes"] == []
    sc101, sc102 = report["findings"]
    assert sc101["code"] == "SC101" and sc101["module"] == "demopkg" and sc101["import_root"] == "."
    assert sc101["name"] == "shadows-installed-package" and sc101["help"].startswith("rename demopkg.py")
    assert sc101["shadows"] == {
        "kind": "third-party",
        "origin": str(target_venv.site_packages / "demopkg" / "__init__.py"),
        "distributions": [{"name": "demo-pkg", "version": "1.0"}],
    }
    assert sc101["importers"] == [
        {
            "path": "train.py",
            "line": 1,
            "statement": "from demopkg.models import Sequential",
            "predicted_error": "ModuleNotFoundError: No module named 'demopkg.models'; 'demopkg' is not a package",
            "cell": None,
            "chain": [],
        }
    ]
    assert sc101["runs"] == [] and sc101["rename_to"] == "demopkg_experiments.py"
    # The import meant the installed package: the fix renames the file and edits nothing.
    assert sc101["fix"] == {"rename": {"from": "demopkg.py", "to": "demopkg_experiments.py"}, "edits": [], "deletions": [], "left_alone": []}
    assert sc102["path"] == "scripts/fractions.py" and sc102["severity"] == "warning"
    assert sc102["import_root"] == "scripts" and sc102["shadows"]["kind"] == "stdlib"
    assert sc102["message"].endswith("for scripts run from scripts/")


def test_paths_are_relative_to_the_working_directory(run, tmp_path):
    make_tree(tmp_path / "project", KERAS_LIKE)
    status, out, _ = run(tmp_path, "project", "--format", "json")
    assert findings(out) == {("SC101", "project/demopkg.py")}


def test_two_providers_are_both_named(run, tmp_path):
    _, out, _ = run(make_tree(tmp_path, {"demodup.py": ""}), ".", "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert finding["shadows"]["distributions"] == [
        {"name": "demo-dup-a", "version": "1.1"},
        {"name": "demo-dup-b", "version": "1.2"},
    ]


def test_color(run, tmp_path, monkeypatch):
    project = make_tree(tmp_path, KERAS_LIKE)
    assert "\033[" in run(project, ".", "--color", "always")[1]
    assert "\033[" not in run(project, ".", "--color", "never")[1]
    assert "\033[" not in run(project, ".")[1]  # not a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run(project, ".", "--color", "auto")[1]


# --- bad input: one line, exit 2, never a traceback --------------------------------------------


def _one_line_error(status: int, err: str, *fragments: str) -> None:
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("shadowcheck: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_syntax_error_in_an_importer(run, tmp_path):
    # The target's Python (3.11, as the running one) rejects it: a problem, one line, exit 2. Its
    # imports are still read (by tokens), so the importer still counts and the finding is printed.
    status, out, err = run(make_tree(tmp_path, {"demopkg.py": "", "train.py": "import demopkg\ndef (:\n"}), ".")
    _one_line_error(status, err, "train.py:2: syntax error: invalid syntax")
    assert "SC101" in out and "train.py:1" in out


def test_undecodable_importer(run, tmp_path):
    project = make_tree(tmp_path, {"demopkg.py": "", "train.py": b"import demopkg\nname = '\xff\xfe'\n"})
    _one_line_error(*run(project, ".")[::2], "train.py", "cannot decode")


@pytest.mark.parametrize("broken", [True, False], ids=["undecodable-file", "every-file-read"])
def test_a_run_that_could_not_read_everything_does_not_say_it_passed(run, tmp_path, broken):
    files = {"train.py": "import json\n", "notes.py": b"x = '\xff'\n" if broken else "x = 1\n"}
    status, out, _ = run(make_tree(tmp_path, files), ".")
    assert status == (2 if broken else 0)
    assert out.startswith("All checks passed") is not broken
    assert ("1 error above stopped part of the check" in out) is broken


def test_unreadable_importer(run, tmp_path):
    # /proc/self/mem is a regular file that fails to read at offset 0, even for root.
    project = make_tree(tmp_path, {"demopkg.py": ""})
    (project / "train.py").symlink_to("/proc/self/mem")
    if not Path("/proc/self/mem").exists():
        pytest.skip("needs /proc/self/mem, an unreadable regular file")
    # The shadow's name must occur in a file before it is read: make it occur in the path.
    (project / "demopkg_train.py").symlink_to("/proc/self/mem")
    status, _, err = run(project, ".")
    assert status == 2 and "cannot read" in err and "Traceback" not in err


def test_symlink_loop(run, tmp_path):
    project = make_tree(tmp_path, {"train.py": ""})
    (project / "again").symlink_to(project, target_is_directory=True)
    (project / "self.py").symlink_to(project / "self.py")
    status, _, err = run(project, ".")
    assert status == 2
    assert "again: symlink loop" in err and "self.py: symlink loop" in err
    assert "Traceback" not in err


def test_fifo_named_like_a_module_is_not_read(run, tmp_path):
    # Reading a FIFO would block forever; it is not a source file either.
    project = make_tree(tmp_path, {"demopkg.py": "", "train.py": "import demopkg\n"})
    os.mkfifo(project / "demopkg_notes.py")
    status, out, err = run(project, ".", "--format", "json")
    assert status == 1 and json.loads(out)["summary"]["files"] == 2, err


def test_missing_interpreter(run, tmp_path):
    status, _, err = run(make_tree(tmp_path, KERAS_LIKE), ".", python=str(tmp_path / "no-python"))
    _one_line_error(status, err, "no-python")


def test_missing_path(run, tmp_path):
    _one_line_error(*run(tmp_path, "nowhere")[::2], "nowhere: no such file or directory")


def test_unknown_code_on_the_command_line(run, tmp_path):
    _one_line_error(*run(make_tree(tmp_path, KERAS_LIKE), ".", "--ignore", "SC1")[::2], "unknown rule code 'SC1'")


# --- suppression ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment, expected",
    [
        ("# shadowcheck: ignore", set()),
        ("x = 1  # shadowcheck: ignore[SC101]", set()),
        ("# shadowcheck: ignore[SC102, SC101]", set()),
        ("# shadowcheck: ignore[SC102]", {("SC101", "demopkg.py")}),
        ("# shadowcheck ignore", {("SC101", "demopkg.py")}),
    ],
    ids=["bare", "code", "list", "other-code", "malformed"],
)
def test_suppression_comment(run, tmp_path, comment, expected):
    project = make_tree(tmp_path, {**KERAS_LIKE, "demopkg.py": f"'''doc'''\n{comment}\n"})
    assert findings(run(project, ".", "--format", "json")[1]) == expected


# --- what is not the project -------------------------------------------------------------------


def test_gitignored_virtualenv_and_build_directories_are_skipped(run, tmp_path):
    project = make_tree(
        tmp_path,
        {
            "train.py": "",
            ".gitignore": "experiments/\n",
            "experiments/fractions.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/fractions.py": "",
            "build/lib/fractions.py": "",
            "node_modules/x/fractions.py": "",
        },
    )
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    status, out, _ = run(project, ".", "--format", "json")
    assert findings(out) == set() and status == 0
    (project / ".gitignore").unlink()
    assert findings(run(project, ".", "--format", "json")[1]) == {("SC102", "experiments/fractions.py")}


def test_cache_is_used_and_can_be_bypassed(run, tmp_path, isolated_cache):
    project = make_tree(tmp_path, KERAS_LIKE)
    run(project, ".")
    cached = sorted(p for p in Path(isolated_cache).rglob("*") if p.is_file())
    assert cached, "the probe's answer is cached"
    mtimes = [p.stat().st_mtime_ns for p in cached]
    run(project, ".", "--no-cache")
    assert [p.stat().st_mtime_ns for p in cached] == mtimes


def test_environment_variable_selects_the_interpreter(cli, tmp_path, target_venv):
    project = make_tree(tmp_path, KERAS_LIKE)
    result = cli("--format", "json", cwd=project, env={"VIRTUAL_ENV": str(target_venv.path), "SHADOWCHECK_PYTHON": None})
    assert result.status == 1
    assert result.json()["python"] == target_venv.python
    if os.name != "nt":
        assert Path(target_venv.python).is_symlink()  # the venv's path is kept, not resolved


# --- which statements count as importers ---------------------------------------------------------


@pytest.mark.parametrize(
    "source, lines",
    [
        ("import demopkg\n", [1]),
        ("import demopkg.models as m\n", [1]),
        ("import demopkg as d\n", [1]),
        ("from demopkg import VALUE\n", [1]),
        ("def f():\n    import demopkg\n", [2]),
        ("try:\n    import demopkg\nexcept ImportError:\n    demopkg = None\n", [2]),
        ("import importlib\nimportlib.import_module('demopkg.models')\n", [2]),
        ("from importlib import import_module\nimport_module('demopkg')\n", [2]),
        ("__import__('demopkg')\n", [1]),
        ("import os, demopkg\n", [1]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import demopkg\n", []),
        ("import demopkgx\nimport mydemopkg\n", []),
        ("name = 'demopkg'\nimport importlib\nimportlib.import_module(name)\n", []),
        ("from . import demopkg\n", []),
    ],
    ids=["import", "import-submodule-as", "import-as", "from-import", "in-function", "in-try",
         "import-module", "import-module-bare", "dunder-import", "one-of-several", "type-checking",
         "other-names", "non-literal", "relative"],
)  # fmt: skip
def test_import_forms(run, tmp_path, source, lines):
    project = make_tree(tmp_path, {"demopkg.py": "", "train.py": source})
    (finding,) = json.loads(run(project, ".", "--format", "json")[1])["findings"]
    assert [i["line"] for i in finding["importers"]] == lines
    assert finding["severity"] == ("error" if lines else "warning")


def test_notebook_directory_is_a_root_and_its_imports_count(run, tmp_path):
    cells = [
        {"cell_type": "markdown", "source": ["# try demopkg"]},
        {"cell_type": "code", "source": ["%matplotlib inline\n", "!pip list\n", "from demopkg.models import Sequential\n"]},
    ]
    project = make_tree(
        tmp_path,
        {"notebooks/demopkg.py": "", "notebooks/explore.ipynb": json.dumps({"cells": cells, "nbformat": 4})},
    )
    (finding,) = json.loads(run(project, ".", "--format", "json")[1])["findings"]
    assert finding["path"] == "notebooks/demopkg.py" and finding["import_root"] == "notebooks"
    (importer,) = finding["importers"]
    assert importer["path"] == "notebooks/explore.ipynb"
    assert importer["predicted_error"].endswith("'demopkg' is not a package")


def test_python_m_is_not_shadowed_by_the_project_it_checks(tmp_path, target_venv):
    # The project has its own click.py and libcst.py: `python -m shadowcheck` must still work.
    project = make_tree(tmp_path, {"click.py": "raise SystemExit('project click imported')\n", "libcst.py": ""})
    result = subprocess.run(
        [sys.executable, "-m", "shadowcheck", "--python", target_venv.python, "--format", "json", "."],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    assert "project click imported" not in result.stderr
