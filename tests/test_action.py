"""The composite GitHub Action (action.yml), run here as the runner runs it: each step's `run`
script through `bash --noprofile --norc -eo pipefail`, with the environment variables Actions
sets and the step's `env:` filled from the inputs. Installing needs PyPI (setuptools, click,
libcst), as on a runner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import make_tree

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{\s*(inputs|github)\.([\w-]+)\s*\}\}")


def test_the_action_is_a_composite_whose_scripts_take_inputs_through_env_only():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] and ACTION["description"]
    for step in ACTION["runs"]["steps"]:
        assert step["shell"] == "bash"
        # An input spliced into a script is a script injection: env: only.
        assert "${{" not in step["run"], step["name"]
        for value in step.get("env", {}).values():
            for scope, name in EXPRESSION.findall(value):
                assert scope == "inputs" and name in ACTION["inputs"], value
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and "default" in spec, name


def _snapshot(destination: Path) -> Path:
    """This checkout's files as git lists them (no build output): what `uses:` checks out."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        if (REPO_ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, destination / name)
    return destination


class Runner:
    """Runs the action's steps in order, as a runner would, in one job's directories."""

    def __init__(self, action_path: Path, temp: Path):
        self.action_path = action_path
        self.temp = temp

    def environ(self, workspace: Path) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWCHECK_", "VIRTUAL_ENV", "PYTHON"))}
        files = {name: self.temp / name.lower() for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.touch()
        return {
            **base, **{k: str(v) for k, v in files.items()},
            "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(workspace), "GITHUB_ACTION_PATH": str(self.action_path),
        } | {k: v for k, v in os.environ.items() if k == "SHADOWCHECK_CACHE_DIR"}  # fmt: skip

    def step(self, index: int, workspace: Path, inputs: dict[str, str]) -> subprocess.CompletedProcess:
        step = ACTION["runs"]["steps"][index]
        values = {name: spec["default"] for name, spec in ACTION["inputs"].items()} | inputs

        def fill(text: str) -> str:
            return EXPRESSION.sub(lambda m: values[m.group(2)] if m.group(1) == "inputs" else str(self.action_path), text)

        script = self.temp / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = self.environ(workspace) | {name: fill(value) for name, value in step.get("env", {}).items()}
        cwd = workspace / fill(step.get("working-directory", "."))
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """The install step, run once: later steps find shadowcheck where it put it."""
    made = Runner(_snapshot(tmp_path_factory.mktemp("action")), tmp_path_factory.mktemp("runner-temp"))
    installed = made.step(0, tmp_path_factory.mktemp("workspace"), {})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return made


def test_install_puts_shadowcheck_in_a_virtualenv_of_its_own_with_its_schemas(runner):
    python = runner.temp / "shadowcheck-venv" / "bin" / "python"
    probe = (
        "import importlib.resources, sys, shadowcheck; "
        "names = sorted(p.name for p in (importlib.resources.files('shadowcheck') / 'schemas').iterdir()); "
        "print(sys.prefix, names)"
    )
    shown = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True).stdout
    assert shown.startswith(str(runner.temp / "shadowcheck-venv"))
    assert "['check.schema.json', 'doctor.schema.json', 'explain.schema.json', 'verify.schema.json']" in shown


def test_run_annotates_and_writes_sarif(runner, tmp_path, target_venv):
    import jsonschema

    workspace = make_tree(tmp_path / "workspace", {"app/demopkg.py": "", "app/train.py": "from demopkg.models import Sequential\n"})
    (workspace / ".git").mkdir()
    inputs = {"python": target_venv.python, "sarif-file": "shadowcheck.sarif", "working-directory": "app", "args": "--ignore SC102"}
    result = runner.step(1, workspace, inputs)
    assert result.returncode == 1, result.stderr
    annotations = result.stdout.splitlines()
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=app/demopkg.py,line=1,col=1,title=SC101 shadows-installed-package::")
    sarif = json.loads((workspace / "app" / "shadowcheck.sarif").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["SC101"]
    assert "Report written to shadowcheck.sarif." in result.stderr


@pytest.mark.parametrize(
    "tree, args, status",
    [
        ({"train.py": "import json\n"}, "", 0),
        ({"fractions.py": ""}, "--fail-on error", 0),
        ({"fractions.py": ""}, "", 1),
        ({"fractions.py": ""}, "--fail-on   warning --select SC102", 1),
        ({"train.py": ""}, "--frob", 2),
    ],
    ids=["clean", "warning-with-fail-on-error", "warning", "spaced-args", "bad-args"],
)
def test_run_exit_status_is_shadowchecks(runner, tmp_path, target_venv, tree, args, status):
    workspace = make_tree(tmp_path / "workspace", tree)
    result = runner.step(1, workspace, {"python": target_venv.python, "args": args})
    assert result.returncode == status, result.stdout + result.stderr
    assert not (workspace / "shadowcheck.sarif").exists()  # no sarif-file, no SARIF


def test_run_without_python_input_inspects_python3_on_path(runner, tmp_path):
    workspace = make_tree(tmp_path / "workspace", {"queue.py": "", "run.py": "import queue\n"})
    result = runner.step(1, workspace, {})
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=queue.py,line=1,col=1,title=SC102 shadows-stdlib-module::")
