"""SC304 and SC305 against the real thing, and check's findings inside doctor's report.

SC304's oracle is the interpreter: every module it reports missing fails `python -c "import X"`
in that environment with the error it predicts, and every import it leaves alone (outside the
project's own modules and regular packages' submodules) succeeds. SC305's oracle is the
interpreter's own map of modules to distributions (importlib.metadata.packages_distributions)
minus the declarations as read."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import make_tree

from shadowcheck.check import Settings, run_check
from shadowcheck.doctor.run import DoctorSettings, run_doctor
from shadowcheck.environment.declared import declared_dependencies
from shadowcheck.environment.import_names import normalize_distribution_name

# target_venv holds demopkg (a package), demosingle (a module), demons.functools (a namespace
# portion), demodup (two providers).
PROJECT = {
    "train.py": (
        "import os, json\n"
        "import demopkg.models\n"
        "from demosingle import helper\n"
        "import demons.functools\n"
        "import helpers\n"
        "from lib import tool\n"
        "from . import sibling\n"
        "import yaml\n"  # missing
        "from sklearn.linear_model import Ridge\n"  # missing, the distribution is scikit-learn
        "import demons.absent\n"  # missing inside a namespace package
        "import demopkg.absent\n"  # beneath a regular package: not called missing
    ),
    "helpers.py": "",
    "lib/__init__.py": "",
    "lib/tool.py": "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n",  # missing, guarded
    "cli.py": "def main():\n    import rich\n",  # missing, only when called
    "compat.py": "import sys\nif sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n",
    "typing_only.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n",
    "notebook.ipynb": json.dumps(
        {"cells": [{"cell_type": "code", "source": ["import pandas\n"], "metadata": {}, "outputs": []}],
         "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    ),
}  # fmt: skip
MISSING = {"yaml": "error", "sklearn": "error", "demons.absent": "error", "ujson": "warning", "rich": "warning", "pandas": "error"}
RESOLVED = ["os", "json", "demopkg.models", "demosingle", "demons.functools", "tomllib"]


def doctor(python: str, root, codes, monkeypatch, **settings):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    report = run_doctor(DoctorSettings(root=root, python=python, select=frozenset(codes), **settings), cwd=root)
    assert not report.problems, report.problems
    return report


def real_import(python: str, module: str, cwd) -> str | None:
    """The last line of the error `import module` raises in a fresh `python -c`, or None."""
    result = subprocess.run([python, "-c", f"import {module}"], capture_output=True, text=True, cwd=cwd, check=False)
    return result.stderr.strip().splitlines()[-1] if result.returncode else None


def test_missing_dependencies_are_what_the_interpreter_cannot_import(target_venv, tmp_path, monkeypatch):
    project = make_tree(tmp_path / "project", PROJECT)
    findings = doctor(target_venv.python, project, {"SC304"}, monkeypatch).findings
    assert {f.module: str(f.severity) for f in findings} == MISSING
    elsewhere = make_tree(tmp_path / "elsewhere", {"README.md": ""})  # no project directory on sys.path
    for finding in findings:
        assert real_import(target_venv.python, finding.module, elsewhere) == f"ModuleNotFoundError: No module named '{finding.module}'"
        assert all(i.predicted_error == f"ModuleNotFoundError: No module named '{finding.module}'" for i in finding.importers)
    for module in RESOLVED:
        assert real_import(target_venv.python, module, elsewhere) is None, module
    by_module = {f.module: f for f in findings}
    assert by_module["sklearn"].help == f"install scikit-learn: `{target_venv.python} -m pip install scikit-learn`"
    assert (by_module["yaml"].path, by_module["yaml"].line) == ("train.py", 8)
    assert by_module["pandas"].importers[0].cell == 1
    assert "only under a guard, a condition or in a function" in by_module["ujson"].message


@pytest.mark.parametrize(
    "files, expected",
    [
        pytest.param({"requirements.txt": "yaml-tools\n"}, "install yaml-tools", id="declared-distribution-named"),
        pytest.param({}, "install PyYAML", id="from-the-table"),
    ],
)
def test_what_to_install_comes_from_the_declarations_first(target_venv, tmp_path, monkeypatch, files, expected):
    # yaml-tools is not really PyYAML: what the project declares (and lacks) is what it means.
    files = {**files, "train.py": "import yaml_tools\nimport yaml\n"}
    project = make_tree(tmp_path / "project", files)
    findings = doctor(target_venv.python, project, {"SC304"}, monkeypatch).findings
    helps = {f.module: f.help for f in findings}
    assert helps["yaml"].startswith("install PyYAML: `")
    if files.get("requirements.txt"):
        assert helps["yaml_tools"].startswith(expected + ": `")
        assert "yaml-tools is declared in requirements.txt, and not installed" in next(f for f in findings if f.module == "yaml_tools").message
    else:
        assert helps["yaml_tools"].startswith("install the distribution that provides `yaml_tools`")


def test_uv_environments_get_uv_commands(target_venv, tmp_path, monkeypatch):
    # uv writes `uv = VERSION` into pyvenv.cfg; the probe reads it (made_by_uv).
    config = target_venv.path / "pyvenv.cfg"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "uv = 0.4.0\n", encoding="utf-8")
    try:
        project = make_tree(tmp_path / "project", {"train.py": "import sklearn\n"})
        (finding,) = doctor(target_venv.python, project, {"SC304"}, monkeypatch, use_cache=False).findings
    finally:
        config.write_text(original, encoding="utf-8")
    assert finding.help == f"install scikit-learn: `uv pip install --python {target_venv.python} scikit-learn`"


PACKAGES_DISTRIBUTIONS = "import importlib.metadata, json; print(json.dumps(importlib.metadata.packages_distributions()))"


@pytest.mark.parametrize(
    "declarations",
    [
        pytest.param({"requirements.txt": "demo-pkg\n"}, id="requirements"),
        pytest.param({"pyproject.toml": "[project]\nname = 'app'\ndependencies = ['demo-pkg']\n[project.optional-dependencies]\ntest = ['demo-single']\n"}, id="pyproject-and-extra"),
        pytest.param({"environment.yml": "dependencies:\n  - python=3.11\n  - pip:\n    - demo-pkg\n    - demo-ns-functools\n"}, id="environment-yml"),
        pytest.param({}, id="nothing-declared"),
    ],
)
def test_undeclared_dependencies_are_the_imported_distributions_not_declared(target_venv, tmp_path, monkeypatch, declarations):
    project = make_tree(tmp_path / "project", {
        **declarations,
        "train.py": "import demopkg\nimport demosingle\nimport demons.functools\nimport json\nimport app_local\n",
        "app_local.py": "",
    })  # fmt: skip
    findings = doctor(target_venv.python, project, {"SC305"}, monkeypatch).findings
    mapping = json.loads(subprocess.run([target_venv.python, "-c", PACKAGES_DISTRIBUTIONS], capture_output=True, text=True, check=True).stdout)
    imported = {normalize_distribution_name(d) for top in ("demopkg", "demosingle", "demons") for d in mapping.get(top, [])}
    declared = set(declared_dependencies(project).distributions)
    expected = imported - declared if declared else set()
    assert {normalize_distribution_name(f.module) for f in findings} == expected
    assert all(str(f.severity) == "warning" and f.help.startswith("declare it in ") for f in findings)


@pytest.mark.parametrize(
    "comment, reported",
    [
        pytest.param("", {"yaml"}, id="no-comment"),
        pytest.param("# shadowcheck: ignore[SC304]\n", set(), id="ignore-the-code"),
        pytest.param("# shadowcheck: ignore[SC101]\n", {"yaml"}, id="ignore-another-code"),
    ],
)
def test_suppression_comments_work_as_for_check(target_venv, tmp_path, monkeypatch, comment, reported):
    project = make_tree(tmp_path / "project", {"train.py": comment + "import yaml\n"})
    findings = doctor(target_venv.python, project, {"SC304"}, monkeypatch).findings
    assert {f.module for f in findings} == reported


# --- check's findings, in doctor's report --------------------------------------------------------


def test_doctor_reports_what_check_reports_for_the_project_root(target_venv, tmp_path, monkeypatch):
    tree = {"demopkg.py": "", "train.py": "from demopkg.models import Sequential\n", "scripts/queue.py": "", "scripts/run.py": "import queue\n"}
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    checked = run_check(Settings(python=target_venv.python), cwd=project)
    report = doctor(target_venv.python, project, {"SC101", "SC102"}, monkeypatch)
    assert checked.findings and sorted(report.findings) == sorted(checked.findings)
    assert report.checks == ("SC101", "SC102")
    ignored = doctor(target_venv.python, project, {"SC101", "SC102"}, monkeypatch, ignore=frozenset({"SC102"}))
    assert {f.code for f in ignored.findings} == {"SC101"}
    allowed = doctor(target_venv.python, project, {"SC101", "SC102"}, monkeypatch, allow=frozenset({"demopkg"}))
    assert {f.code for f in allowed.findings} == {"SC102"}
