"""shadowcheck run from a virtualenv of its own (a pre-commit hook's) never mistakes it for the
project's: real virtualenvs, shadowcheck run inside them as pre-commit would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tree

REPO_ROOT = Path(__file__).resolve().parent.parent
# pre-commit names a python hook's environment py_env-<language_version> (lang_base.py).
HOOK_ENV, USER_ENV = "py_env-python3", "myenv"


@pytest.fixture(scope="session")
def envs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A virtualenv named as pre-commit names a hook's, and one named as a user names theirs.

    --system-site-packages lends them this interpreter's click and libcst, as pip install would.
    """
    made = {}
    for name in (HOOK_ENV, USER_ENV):
        path = tmp_path_factory.mktemp("store") / name
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(path)], check=True)
        made[name] = path
    # Run as the hook's console script runs: from a file outside the project. (`python -m
    # shadowcheck` would put the project first on sys.path, and its click.py would shadow ours.)
    runner = tmp_path_factory.mktemp("bin") / "shadowcheck_entry.py"
    runner.write_text("from shadowcheck.cli import main\nraise SystemExit(main())\n", encoding="utf-8")
    made["runner"] = runner
    return made


def python_in(env: Path) -> str:
    return str(env / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))


def run_in(env: Path, args: list[str], environ: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PRE_COMMIT", "PRE_COMMIT_HOME")}
    return subprocess.run(
        [python_in(env), *args], cwd=cwd, capture_output=True, text=True, check=False,
        env={**clean, "PYTHONPATH": str(REPO_ROOT), **environ},
    )  # fmt: skip


def is_own(env: Path, prefix: str, environ: dict[str, str], project_root: str | None = None) -> bool:
    code = (
        "import json, os, sys; from pathlib import Path; from shadowcheck.environment.isolation import is_own_isolated_environment as f; "
        "root = sys.argv[2] or None; "
        "print(json.dumps(f(sys.argv[1], os.environ, Path(root) if root else None)))"
    )
    result = run_in(env, ["-c", code, prefix, project_root or ""], environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "env_name, environ, project_root, prefix, expected",
    [
        pytest.param(HOOK_ENV, {"PRE_COMMIT": "1"}, None, "self", True, id="pre-commit-hook-env"),
        pytest.param(HOOK_ENV, {"PRE_COMMIT_HOME": "parent"}, None, "self", True, id="inside-pre-commit-home"),
        pytest.param(HOOK_ENV, {}, None, "self", False, id="not-run-by-pre-commit"),
        pytest.param(HOOK_ENV, {"PRE_COMMIT": "1"}, None, "other", False, id="another-environment"),
        pytest.param(HOOK_ENV, {"PRE_COMMIT": "1"}, "parent", "self", False, id="inside-the-project"),
        pytest.param(USER_ENV, {"PRE_COMMIT": "1"}, None, "self", False, id="system-hook-in-the-users-env"),
    ],
)
def test_is_own_isolated_environment(envs, env_name, environ, project_root, prefix, expected, tmp_path):
    env = envs[env_name]
    environ = {k: str(env.parent) if v == "parent" else v for k, v in environ.items()}
    shown_prefix = str(env) if prefix == "self" else str(tmp_path)
    root = str(env.parent) if project_root == "parent" else None
    assert is_own(env, shown_prefix, environ, root) is expected


def check_in_hook_env(envs, project: Path, extra: dict[str, str] | None = None):
    env = envs[HOOK_ENV]
    environ = {"VIRTUAL_ENV": str(env), "PRE_COMMIT": "1", **(extra or {})}
    return run_in(env, [str(envs["runner"]), "--format", "json", "."], environ, cwd=project)


def test_hook_env_falls_back_to_declared_dependencies(envs, tmp_path):
    project = make_tree(tmp_path, {
        "keras.py": "", "click.py": "", "train.py": "import keras.models\nimport click\n",
        "requirements.txt": "keras>=3\n",
    })  # fmt: skip
    result = check_in_hook_env(envs, project)
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["findings"]] == ["keras.py"], result.stderr
    assert report["findings"][0]["shadows"] == {"kind": "third-party", "origin": None, "distributions": [{"name": "keras", "version": ""}]}
    # The base interpreter answers for the standard library: not the hook's own python.
    assert not report["python"].startswith(str(envs[HOOK_ENV]))
    assert result.returncode == 1


def test_hook_env_summary_names_the_declared_files(envs, tmp_path):
    project = make_tree(tmp_path, {"keras.py": "", "pyproject.toml": '[project]\nname = "p"\ndependencies = ["keras"]\n'})
    result = run_in(envs[HOOK_ENV], [str(envs["runner"]), "."], {"VIRTUAL_ENV": str(envs[HOOK_ENV]), "PRE_COMMIT": "1"}, cwd=project)
    assert result.stdout.splitlines()[0].startswith("keras.py:1:1: SC101 [warning]")
    assert "(declared in pyproject.toml)" in result.stdout
    assert result.stdout.splitlines()[-1].endswith(
        "with declared dependencies from pyproject.toml (no project environment found, and pre-commit's environment "
        "is shadowcheck's own; Python %d.%d.%d standard library)." % sys.version_info[:3]
    )


def test_hook_env_with_nothing_declared_checks_the_stdlib_only(envs, tmp_path):
    project = make_tree(tmp_path, {"click.py": "", "queue.py": "", "main.py": "import click, queue\n"})
    result = check_in_hook_env(envs, project)
    report = json.loads(result.stdout)
    assert [(f["path"], f["code"]) for f in report["findings"]] == [("queue.py", "SC102")], result.stderr


def test_hook_env_prefers_the_projects_venv(envs, tmp_path):
    project = make_tree(tmp_path, {"keras.py": "", "requirements.txt": "keras\n"})
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True)
    result = check_in_hook_env(envs, project)
    report = json.loads(result.stdout)
    # The project's .venv has no keras: nothing is shadowed, whatever requirements.txt says.
    assert report["findings"] == [], result.stderr
    assert report["python"] == python_in(project / ".venv")


# --- pipx, uv tool and uvx environments, as each tool lays them out ---------------------------

# What each tool leaves in the environments it makes (isolation.py), and a user's own uv venv.
TOOL_LAYOUTS = {
    "pipx": ("pipx/venvs/shadowcheck", {"pipx_metadata.json": "{}"}, "pipx"),
    "uv-tool": ("uv/tools/shadowcheck", {"uv-receipt.toml": "[tool]\n"}, "uv tool"),
    "uvx": ("uv-cache/archive-v0/Xq1", {}, "uvx"),
    "users-uv-venv": ("project-env", {}, None),
}


@pytest.fixture(scope="session")
def tool_envs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {}
    base = tmp_path_factory.mktemp("tools")
    for name, (where, files, _) in TOOL_LAYOUTS.items():
        path = base / where
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(path)], check=True)
        make_tree(path, files)
        if name.startswith("uv") or name == "users-uv-venv":
            with open(path / "pyvenv.cfg", "a", encoding="utf-8") as config:
                config.write("uv = 0.13.9\n")
        made[name] = path
    return made


@pytest.mark.parametrize("name", list(TOOL_LAYOUTS))
def test_tool_environments_are_recognised(tool_envs, name):
    env = tool_envs[name]
    code = (
        "import json, os, sys; from shadowcheck.environment.isolation import own_tool_environment as f; "
        "print(json.dumps(f(sys.prefix, os.environ)))"
    )
    result = run_in(env, ["-c", code], {})
    assert json.loads(result.stdout) == TOOL_LAYOUTS[name][2], result.stderr


@pytest.mark.parametrize("name", ["pipx", "uvx"])
def test_tool_environment_falls_back_to_declared_dependencies(tool_envs, name, tmp_path):
    # shadowcheck ships PyYAML (through libcst): a project yaml.py is not a shadow of the
    # project's, and keras.py is, by requirements.txt.
    project = make_tree(tmp_path, {"keras.py": "", "yaml.py": "", "train.py": "import keras, yaml\n", "requirements.txt": "keras\n"})
    env = tool_envs[name]
    result = run_in(env, ["-c", "import sys; from shadowcheck.cli import main; sys.exit(main())", "."], {}, cwd=project)
    assert result.returncode == 1, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "SC1" in line] == ["keras.py"]
    label = TOOL_LAYOUTS[name][2]
    assert f"(no project environment found, and {label}'s environment is shadowcheck's own; Python" in result.stdout.splitlines()[-1]
