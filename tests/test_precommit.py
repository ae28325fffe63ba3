"""The pre-commit hooks, run for real: `pre-commit try-repo` on a project made here.

pre-commit builds the `shadowcheck` hook its own virtualenv (pip-installing shadowcheck and its
dependencies from PyPI), sets $VIRTUAL_ENV to it and runs the hook from the project's root. The
hook must still judge the project by the project's environment, or by the dependencies it
declares when it has none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import create_venv, make_tree
from wheels import build_wheel

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git")


def _pre_commit() -> list[str] | None:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        found = shutil.which("pre-commit")
        return [found] if found else None
    return [sys.executable, "-m", "pre_commit"]


PRE_COMMIT = _pre_commit()
if GIT is None or PRE_COMMIT is None:
    pytest.skip(
        f"needs git and pre-commit ({'git' if GIT is None else 'pre-commit'} is not installed; "
        "pip install pre-commit)",
        allow_module_level=True,
    )

KERAS_WHEEL = {"keras/__init__.py": "", "keras/models.py": "class Sequential:\n    pass\n"}
TRAIN = "from keras.models import Sequential\nimport click\n\nmodel = Sequential()\n"


def git(cwd: Path, *args: str) -> None:
    subprocess.run([GIT, *args], cwd=cwd, env=git_environ(dict(os.environ)), check=True, capture_output=True)


def commit_all(cwd: Path, message: str) -> None:
    git(cwd, "add", "-A")
    git(cwd, "commit", "-q", "--no-verify", "-m", message)


def git_environ(base: dict[str, str]) -> dict[str, str]:
    return {
        **base,
        "GIT_AUTHOR_NAME": "shadowcheck tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
        "GIT_COMMITTER_NAME": "shadowcheck tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's working tree, committed into a repository of its own.

    try-repo takes uncommitted changes of tracked files along (`git add -u`, commands/try_repo.py)
    but not files git does not track yet, so the checkout itself could be missing new modules.
    """
    listed = subprocess.run(
        [GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")  # fmt: skip
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed):
        source = REPO_ROOT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q")
    commit_all(snapshot, "snapshot of the working tree")
    return snapshot


@pytest.fixture(scope="session")
def keras_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheels"), "keras", "3.0.0", KERAS_WHEEL)


@pytest.fixture
def environ(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a `git commit` in a plain shell: nothing activated."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PRE_COMMIT", "SHADOWCHECK_PYTHON", "SHADOWCHECK_OUTPUT_FORMAT")
    }
    return git_environ({**base, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))})


def make_project(root: Path, files: dict[str, str]) -> Path:
    make_tree(root, {".gitignore": ".venv/\n", **files})
    git(root, "init", "-q")
    commit_all(root, "project")
    return root


def try_repo(project: Path, hook_repo: Path, hook: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(hook_repo), hook, "--all-files", "--color", "never"],
        cwd=project, env=environ, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def rename_and_commit(project: Path) -> None:
    git(project, "mv", "keras.py", "keras_experiments.py")
    git(project, "commit", "-q", "--no-verify", "-m", "rename")


def assert_fails_with_keras_only(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "keras.py:1:1: SC101 [error]" in output, output
    # click is in the hook's own virtualenv (shadowcheck needs it), not the project's.
    assert "click.py" not in output, output


def test_hook_falls_back_to_declared_dependencies(tmp_path, hook_repo, environ):
    project = make_project(
        tmp_path / "project",
        {"keras.py": "x = 1\n", "click.py": "", "train.py": TRAIN, "requirements.txt": "keras>=3\n"},
    )
    result = try_repo(project, hook_repo, "shadowcheck", environ)
    assert_fails_with_keras_only(result)
    assert "(declared in requirements.txt)" in result.stdout
    assert "with declared dependencies from requirements.txt" in result.stdout

    rename_and_commit(project)
    result = try_repo(project, hook_repo, "shadowcheck", environ)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout or "Passed" in result.stdout


def test_hook_inspects_the_projects_venv(tmp_path, hook_repo, keras_wheel, environ):
    project = make_project(tmp_path / "project", {"keras.py": "x = 1\n", "click.py": "", "train.py": TRAIN})
    create_venv(project / ".venv", [keras_wheel])
    result = try_repo(project, hook_repo, "shadowcheck", environ)
    assert_fails_with_keras_only(result)
    assert "`keras` 3.0.0 (.venv/lib/" in result.stdout, result.stdout
    assert ".venv/bin/python (Python " in result.stdout

    rename_and_commit(project)
    result = try_repo(project, hook_repo, "shadowcheck", environ)
    assert result.returncode == 0, result.stdout + result.stderr


def test_system_hook_uses_the_shadowcheck_on_path(tmp_path, hook_repo, keras_wheel, environ):
    version = subprocess.run([*PRE_COMMIT, "--version"], capture_output=True, text=True, check=True).stdout
    if tuple(int(p) for p in version.split()[-1].split(".")[:2]) < (4, 4):
        pytest.skip(f"shadowcheck-system needs pre-commit 4.4.0 (`language: unsupported`); this is {version.strip()}")
    scripts = Path(sys.executable).parent
    if not (scripts / ("shadowcheck.exe" if os.name == "nt" else "shadowcheck")).exists():
        pytest.skip(f"shadowcheck is not installed beside {sys.executable} (pip install -e .)")
    environ["PATH"] = str(scripts) + os.pathsep + environ.get("PATH", "")
    project = make_project(tmp_path / "project", {"keras.py": "x = 1\n", "train.py": TRAIN})
    create_venv(project / ".venv", [keras_wheel])
    result = try_repo(project, hook_repo, "shadowcheck-system", environ)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "keras.py:1:1: SC101 [error]" in result.stdout
