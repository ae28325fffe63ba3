"""check and verify ask one import system, so they agree: on every tree of the check
differential suite (the shadows verify finds for a script in a root are the ones check
reports for that root), and where no environment can be asked (only requirements.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_tree
from test_check_differential import SEEDS, _suffix, generate_tree

from shadowcheck.check import Checker, Settings, run_check
from shadowcheck.environment import load_environment
from shadowcheck.environment.isolation import declared_environment
from shadowcheck.ftypes import SHADOWED
from shadowcheck.importsystem.installed import Installed
from shadowcheck.verify import Target, verify


def verify_shadows(environment, script: Path, cwd: Path) -> set[str]:
    result = verify(Target(script=script), environment, cwd, {})
    return {i.shadowed_module for i in result.imports if i.status == SHADOWED}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_check_and_verify_agree_on_every_differential_tree(seed, tmp_path, target_venv, monkeypatch):
    project, roots = generate_tree(seed, tmp_path, _suffix(target_venv.python))
    monkeypatch.chdir(project)
    environment = load_environment(target_venv.python, "--python")
    for root in roots:
        (root / "zz_agree.py").write_text("")
    report = run_check(Settings(python=target_venv.python, use_cache=False), project)
    for root in roots:
        label = "." if root == project else root.relative_to(project).as_posix()
        checked = {f.module for f in report.findings if f.root == label}
        assert verify_shadows(environment, root / "zz_agree.py", project) == checked, label


def test_only_requirements_txt(tmp_path, target_venv, monkeypatch):
    # No environment to ask (the pre-commit fallback): the declared keras stands in for an
    # installed one, for both commands (issue 7, item 3).
    tree = {"requirements.txt": "keras\n", "keras.py": "", "train.py": "from keras.models import Sequential\n"}
    project = make_tree(tmp_path / "project", tree)
    monkeypatch.chdir(project)
    base = load_environment(target_venv.python, "--python")
    environment = declared_environment(base, ("requirements.txt",), {"keras": ("keras",)})
    result = verify(Target(script=Path("train.py")), environment, project, {})
    (record,) = [i for i in result.imports if i.line == 1]
    assert (record.status, record.shadowed_module, record.code) == (SHADOWED, "keras", "SC101")
    assert record.predicted_error == "ModuleNotFoundError: No module named 'keras.models'; 'keras' is not a package"
    findings, _ = Checker(Settings(), environment, project).check_project(project)
    (finding,) = findings
    assert (finding.code, finding.module, finding.path) == ("SC101", "keras", "keras.py")
    assert finding.importers[0].predicted_error == record.predicted_error
    assert "declared in requirements.txt" in finding.message
    assert Installed(environment).find("keras", tuple(environment.sys_path)) is not None
