"""Trees that used to hang or kill a run (issue 9, items 1 and 5): symlink loops, folders nested
deeper than Python's recursion limit, very wide folders. Each run must end with its findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.check import Settings, run_check
from shadowcheck.environment import load_environment
from shadowcheck.ftypes import SHADOWED
from shadowcheck.verify import Target, verify

LOOPS = [
    pytest.param({"a": ".", "b": "."}, id="two-links-to-the-folder"),
    pytest.param({"data/parent": "..", "here": "."}, id="link-to-the-parent-beside-a-link-to-itself"),
]


def link(project: Path, links: dict[str, str]) -> None:
    for name, target in links.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, project / name, target_is_directory=True)


@pytest.mark.parametrize("links", LOOPS)
def test_symlink_loops_end_with_the_findings(links, tmp_path, target_venv, monkeypatch):
    project = make_tree(tmp_path / "project", {"demosingle.py": "", "train.py": "import demosingle\nimport a.b.here\n"})
    link(project, links)
    monkeypatch.chdir(project)
    result = verify(Target(script=Path("train.py")), load_environment(target_venv.python, "--python"), project, {})
    assert [(i.module, i.status) for i in result.imports if i.status == SHADOWED] == [("demosingle", SHADOWED)]
    report = run_check(Settings(python=target_venv.python, use_cache=False), project)
    assert [(f.path, f.module) for f in report.findings] == [("demosingle.py", "demosingle")]


def remove_deep(top: Path) -> None:
    """Remove a tree deeper than the recursion limit (shutil.rmtree, and pytest's clean-up of
    old temporary directories with it, would recurse once per level)."""
    directories, pending = [], [str(top)]
    while pending:  # os.walk recurses too before 3.12
        directory = pending.pop()
        directories.append(directory)
        for entry in os.scandir(directory):
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                os.unlink(entry.path)
    for directory in reversed(directories):
        os.rmdir(directory)


@pytest.fixture
def deep_project(tmp_path):
    project = tmp_path / "project"
    yield project
    monkey_free = os.getcwd()
    if monkey_free.startswith(str(project)):
        os.chdir(tmp_path)
    remove_deep(project)


def test_folders_nested_deeper_than_the_recursion_limit(deep_project, target_venv, monkeypatch):
    # 1,200 nested packages with a script and a shadow at the bottom.
    project = deep_project
    current = str(project)
    os.mkdir(current)
    for _ in range(1200):  # os.makedirs and Path.mkdir(parents=True) recurse themselves
        current = os.path.join(current, "d")
        os.mkdir(current)
        Path(current, "__init__.py").write_text("")
    bottom = Path(current)
    (bottom / "demosingle.py").write_text("")
    (bottom / "tool.py").write_text("import demosingle\nif __name__ == '__main__':\n    pass\n")
    monkeypatch.chdir(project)
    report = run_check(Settings(python=target_venv.python, use_cache=False), project)
    assert [(f.module, str(f.severity)) for f in report.findings] == [("demosingle", "warning")]


def test_a_wide_folder(tmp_path, target_venv, monkeypatch):
    files = {f"m{i}.py": "" for i in range(5000)}
    project = make_tree(tmp_path / "project", {**files, "demopkg.py": "", "train.py": "import m1\nimport demopkg\n"})
    monkeypatch.chdir(project)
    result = verify(Target(script=Path("train.py")), load_environment(target_venv.python, "--python"), project, {})
    assert {(i.module, i.status) for i in result.imports} == {("m1", "ok"), ("demopkg", SHADOWED)}
