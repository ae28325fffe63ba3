"""--fix never loses anything: refusals change nothing, and a failure part way through leaves
the tree (and git's index) byte for byte as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_tree
from fixhelpers import commit_all, git, plan_on, snapshot

from shadowcheck.fix.apply import apply_plan
from shadowcheck.fix.model import FixError

KERAS = "def build_model():\n    return 'local'\n"
TREE = {
    "keras.py": KERAS,
    "train.py": "from keras import build_model\n",
    "app.py": "import keras\nkeras.build_model()\n",
    "nb.ipynb": '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n    "from keras import build_model"\n   ]\n  }\n ]\n}\n',
    "pyproject.toml": '[tool.shadowcheck]\nallow = ["keras"]\n',
    "__pycache__/keras.cpython-311.pyc": b"stale",
}

# id, extra files, plan options, the one-line error
REFUSED = [
    pytest.param({"keras_experiments.py": ""}, {"new": "keras_experiments"}, "keras_experiments.py: already exists; choose another name with --rename keras=NAME", id="target-exists"),
    pytest.param({"keras_experiments/data.txt": ""}, {"new": "keras_experiments"}, "keras_experiments: already exists", id="target-directory-exists"),
    pytest.param({}, {"new": "random"}, "random: that name is already taken", id="new-name-shadows-something"),
    pytest.param({}, {"new": "class"}, "'class': not a valid module name", id="keyword"),
    pytest.param({}, {"new": "1keras"}, "'1keras': not a valid module name", id="not-an-identifier"),
    pytest.param({"broken.py": "from keras import (\n"}, {}, "broken.py:1: cannot parse", id="importer-does-not-parse"),
    pytest.param({"bad.ipynb": "{not json keras"}, {}, "bad.ipynb: not a readable notebook", id="notebook-does-not-parse"),
    pytest.param({"cell.ipynb": '{"cells": [{"cell_type": "code", "source": "from keras import ("}]}'}, {}, "cell.ipynb: cell 1, line 1: cannot parse", id="notebook-cell-does-not-parse"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "options", "message"), REFUSED)
def test_refused_with_one_line_and_nothing_changed(tmp_path, extra, options, message):
    root = make_tree(tmp_path, {**TREE, **extra})
    before = snapshot(root)
    with pytest.raises(FixError) as refused:
        plan_on(root, "keras", "keras.py", **options)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert snapshot(root) == before


def test_refuses_a_module_outside_the_project_root(tmp_path):
    make_tree(tmp_path, {"elsewhere/keras.py": KERAS, "project/train.py": "from keras import build_model\n"})
    with pytest.raises(FixError, match="outside the project root"):
        plan_on(tmp_path / "project", "keras", "../elsewhere/keras.py")


def test_refuses_to_edit_through_a_link_that_leaves_the_project(tmp_path):
    make_tree(tmp_path, {"outside/shared.py": "from keras import build_model\n", "project/keras.py": KERAS})
    (tmp_path / "project" / "shared.py").symlink_to(tmp_path / "outside" / "shared.py")
    with pytest.raises(FixError, match="shared.py: would need editing but is outside the project root"):
        plan_on(tmp_path / "project", "keras", "keras.py")


def test_refuses_an_excluded_module(tmp_path):
    root = make_tree(tmp_path, TREE)
    with pytest.raises(FixError, match="^keras.py: excluded by configuration; refusing to rename it$"):
        plan_on(root, "keras", "keras.py", excluded=[root / "keras.py"])


@pytest.mark.parametrize(
    ("dirty", "message"),
    [
        pytest.param("train.py", "uncommitted changes in train.py", id="modified-importer"),
        pytest.param("keras.py", "uncommitted changes in keras.py", id="modified-module"),
    ],
)
def test_refuses_dirty_files_in_git_unless_allowed(tmp_path, dirty, message):
    root = make_tree(tmp_path, TREE)
    commit_all(root)
    (root / dirty).write_text((root / dirty).read_text() + "# work in progress\n")
    with pytest.raises(FixError, match=f"{message}: commit or stash them first, or pass --allow-dirty"):
        plan_on(root, "keras", "keras.py")
    plan = plan_on(root, "keras", "keras.py", allow_dirty=True)
    apply_plan(plan)
    assert "# work in progress" in (plan.destination_of(root / dirty)).read_text()


def test_untracked_module_counts_as_uncommitted(tmp_path):
    root = make_tree(tmp_path, {"train.py": "from keras import build_model\n"})
    commit_all(root)
    make_tree(root, {"keras.py": KERAS})
    with pytest.raises(FixError, match="uncommitted changes in keras.py"):
        plan_on(root, "keras", "keras.py")


def test_clean_checkout_is_fixed_with_git_mv(tmp_path):
    root = make_tree(tmp_path, TREE)
    (root / ".gitignore").write_text("__pycache__/\n")
    commit_all(root)
    plan = plan_on(root, "keras", "keras.py")
    apply_plan(plan)
    assert plan.use_git
    assert "R  keras.py -> keras_experiments.py" in git(root, "status", "--porcelain").splitlines()
    git(root, "commit", "-q", "-am", "fix")
    # History follows the file.
    assert git(root, "log", "--follow", "--format=%s", "--", "keras_experiments.py").splitlines() == ["fix", "before the fix"]
    assert not (root / "__pycache__" / "keras.cpython-311.pyc").exists()


def _steps(plan) -> list[tuple[str, Path]]:
    return [
        *(("write", c.path) for c in plan.changes),
        *(("rename", r.source) for r in plan.renames),
        *(("delete", p) for p in plan.deletions),
    ]


@pytest.mark.parametrize("in_git", [False, True], ids=["plain-tree", "git-checkout"])
def test_a_failure_at_any_step_leaves_the_tree_as_it_was(tmp_path, in_git):
    root = make_tree(tmp_path, TREE)
    if in_git:
        commit_all(root)
    plan = plan_on(root, "keras", "keras.py", allow_dirty=True)
    steps = _steps(plan)
    assert [kind for kind, _ in steps] == ["write"] * 4 + ["rename", "delete"]
    before, index = snapshot(root), git(root, "status", "--porcelain") if in_git else ""
    for failing in range(len(steps)):
        calls = []

        def fault(kind: str, path: Path) -> None:
            calls.append((kind, path))
            if len(calls) == failing + 1:
                raise OSError(28, "No space left on device", str(path))

        with pytest.raises(FixError, match="No space left on device; every change was undone"):
            apply_plan(plan, fault=fault)
        assert calls == steps[: failing + 1]
        assert snapshot(root) == before, f"after a failure at step {failing}: {steps[failing]}"
        if in_git:
            assert git(root, "status", "--porcelain") == index


def test_a_real_failure_at_the_last_step_undoes_the_rest(tmp_path):
    # The stale bytecode is moved aside before it is deleted; a non-empty directory where it
    # would go makes that rename fail for real, after every edit and the rename succeeded.
    root = make_tree(tmp_path, {**TREE, "__pycache__/.keras.cpython-311.pyc.shadowcheck-removed/x": ""})
    plan = plan_on(root, "keras", "keras.py")
    before = snapshot(root)
    with pytest.raises(FixError, match="every change was undone"):
        apply_plan(plan)
    assert snapshot(root) == before


def test_a_file_changed_after_planning_stops_everything(tmp_path):
    root = make_tree(tmp_path, TREE)
    plan = plan_on(root, "keras", "keras.py")
    os.remove(root / "train.py")
    (root / "train.py").mkdir()
    before = snapshot(root)
    with pytest.raises(FixError, match="train.py: cannot read: Is a directory; nothing was changed"):
        apply_plan(plan)
    assert snapshot(root) == before


def test_default_name_steps_around_an_existing_file(tmp_path):
    root = make_tree(tmp_path, {**TREE, "keras_experiments.py": "# someone else's\n"})
    plan = plan_on(root, "keras", "keras.py")
    assert plan.renames[0].destination.name == "keras_local.py"
