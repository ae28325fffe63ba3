"""shadowcheck installed the usual ways for a linter, by the real tools: `pipx install`,
`uv tool install` and `uvx`. In a project with only requirements.txt it must not inspect its
own environment (which holds click, libcst and PyYAML) but the declared dependencies.

The tools and shadowcheck's dependencies come from PyPI: few tests, skipped with the reason
when they cannot be installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_tree

REPO_ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name == "nt", reason="POSIX layouts")]


def quiet(argv: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False, **kwargs)


@pytest.fixture(scope="session")
def tools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("real-tools")
    venv = base / "tools"
    made = quiet([sys.executable, "-m", "venv", str(venv)])
    installed = made.returncode == 0 and quiet([str(venv / "bin/python"), "-m", "pip", "install", "-q", "uv", "pipx"])
    if not installed or installed.returncode != 0:
        pytest.skip(f"cannot install uv and pipx from PyPI: {(installed or made).stderr.strip().splitlines()[-1:]}")
    # Everything the tools write stays here: their homes, caches and bin directories.
    home = base / "home"
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "UV_", "PIPX_", "XDG_"))},
        "HOME": str(home), "PATH": f"{base / 'bin'}{os.pathsep}{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "UV_TOOL_BIN_DIR": str(base / "bin"), "PIPX_BIN_DIR": str(base / "bin"), "UV_PYTHON": sys.executable,
        "PIPX_DEFAULT_PYTHON": sys.executable, "UV_NO_PROGRESS": "1",
    }  # fmt: skip
    built = quiet([str(venv / "bin/uv"), "build", "--wheel", "-o", str(base / "dist"), str(REPO_ROOT)], env=environ)
    if built.returncode != 0:
        pytest.skip(f"cannot build shadowcheck's wheel: {built.stderr.strip().splitlines()[-1:]}")
    [wheel] = (base / "dist").glob("shadowcheck-*.whl")
    return {"venv": venv, "environ": environ, "wheel": wheel, "bin": base / "bin"}


def install(tools: dict, how: str) -> list[str]:
    """Install shadowcheck with ``how``; the command that runs it."""
    uv, pipx = str(tools["venv"] / "bin/uv"), str(tools["venv"] / "bin/pipx")
    wheel = str(tools["wheel"])
    if how == "uvx":
        return [uv, "tool", "run", "--isolated", "--from", wheel, "shadowcheck"]
    argv = [pipx, "install", "--force", wheel] if how == "pipx" else [uv, "tool", "install", "--force", wheel]
    result = quiet(argv, env=tools["environ"])
    if result.returncode != 0:
        pytest.skip(f"{how} could not install shadowcheck's dependencies: {result.stderr.strip().splitlines()[-1:]}")
    return [str(tools["bin"] / "shadowcheck")]


@pytest.mark.parametrize("how, label", [("pipx", "pipx"), ("uv tool", "uv tool"), ("uvx", "uvx")])
def test_a_tool_installed_shadowcheck_checks_the_declared_dependencies(tools, how, label, tmp_path):
    project = make_tree(tmp_path, {
        "keras.py": "", "yaml.py": "", "click.py": "",
        "train.py": "import keras, yaml, click\n", "requirements.txt": "keras\n",
    })  # fmt: skip

    result = quiet([*install(tools, how), "."], cwd=project, env=tools["environ"])

    assert result.returncode == 1, result.stderr
    # keras.py shadows what requirements.txt declares; yaml.py and click.py shadow only what
    # shadowcheck's own environment holds, which is not the project's.
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": SC1" in line] == ["keras.py"]
    assert f"no project environment found, and {label}'s environment is shadowcheck's own;" in result.stdout
