"""One naming rule: the name check's help suggests, the fix its JSON carries, what `--fix` renames
to without `--rename`, and verify's advice are one choice (fix.names.suggest_name), which avoids
the names the environment answers to and the files beside the module."""

from __future__ import annotations

import pytest
from conftest import make_tree

from shadowcheck.cli import cli as command_line

IMPORTER = "import demopkg\ndemopkg.build_model()\n"


@pytest.mark.parametrize(
    "tree, shown, expected",
    [
        pytest.param({"demopkg.py": "def build_model(): pass\n"}, "demopkg.py", "demopkg_experiments.py", id="module"),
        pytest.param(
            {"demopkg.py": "def build_model(): pass\n", "demopkg_experiments.py": ""}, "demopkg.py", "demopkg_local.py",
            id="first-choice-is-a-file",
        ),
        pytest.param(
            {"demopkg/__init__.py": "def build_model(): pass\n", "demopkg_experiments/__init__.py": "", "demopkg_local.txt": ""},
            "demopkg/", "demopkg_local2/", id="package-and-two-collisions",
        ),
        pytest.param({"queue.py": "def build_model(): pass\n"}, "queue.py", "queue_utils.py", id="stdlib"),
        pytest.param(
            {"queue.py": "def build_model(): pass\n", "queue_utils/__init__.py": ""}, "queue.py", "queue_local.py",
            id="stdlib-first-choice-is-a-package",
        ),
    ],
)  # fmt: skip
def test_help_json_fix_and_verify_name_the_same_file(cli, tmp_path, target_venv, tree, shown, expected):
    module = shown.rstrip("/").removesuffix(".py")
    root = make_tree(tmp_path, {**tree, "train.py": IMPORTER.replace("demopkg", module)})
    args = ("--python", target_venv.python)
    text = cli(*args, cwd=root).out
    assert f"help: rename {shown} (e.g. to {expected})" in text
    finding = next(f for f in cli(*args, "--output-format", "json", cwd=root).json()["findings"] if f["module"] == module)
    assert finding["rename_to"] == expected
    assert finding["fix"]["rename"] == {"from": shown, "to": expected}
    verified = cli("verify", "train.py", *args, cwd=root).out
    assert f"fix: rename {shown} (e.g. to {expected})" in verified
    diff = cli(*args, "--diff", cwd=root).out
    assert f"rename to {expected.rstrip('/')}" in diff
    assert cli(*args, "--fix", "--allow-dirty", cwd=root).status == 0
    assert (root / expected.rstrip("/")).exists() and not (root / shown.rstrip("/")).exists()


def test_rename_help_states_the_default_rule():
    (option,) = [p for p in command_line.commands["check"].params if p.name == "rename"]
    assert "OLD_experiments, OLD_utils, else OLD_local" in option.help
