"""Test infrastructure shared by the whole suite: trees from dicts, the real interpreters on
this machine, and a real virtualenv holding distributions built from wheels written here."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from wheels import build_wheel

# The target versions the probe supports; a test over them skips the ones not installed here.
SUPPORTED_VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
PYENV_VERSIONS = Path("/root/.pyenv/versions")


# --- trees ---------------------------------------------------------------------------------


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{"pkg/mod.py": "source", ...}`` under ``root`` (parents created); return root."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(name="make_tree")
def make_tree_fixture(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """``make_tree({...})`` writes the tree into this test's tmp_path."""
    return functools.partial(make_tree, tmp_path)


# --- real interpreters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Interpreter:
    version: str  # "3.8.18"
    path: str

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])

    @property
    def version_info(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))


@functools.lru_cache(maxsize=None)
def available_pythons() -> list[tuple[str, str]]:
    """(version, path) of every Python >= 3.8 found, oldest first.

    Looks in /root/.pyenv/versions/3.*/bin/python and in $SHADOWCHECK_TEST_PYTHONS
    (paths separated by os.pathsep).
    """
    candidates = [str(p) for p in sorted(PYENV_VERSIONS.glob("3.*/bin/python"))]
    extra = os.environ.get("SHADOWCHECK_TEST_PYTHONS", "")
    candidates += [p for p in extra.split(os.pathsep) if p]
    found: dict[str, tuple[int, ...]] = {}
    for path in candidates:
        version = _version_of(path)
        if version is not None and version >= (3, 8) and path not in found:
            found[path] = version
    ordered = sorted(found.items(), key=lambda item: item[1])
    return [(".".join(map(str, version)), path) for path, version in ordered]


def _version_of(python: str) -> tuple[int, ...] | None:
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print(list(sys.version_info[:3]))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return tuple(json.loads(result.stdout))
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def python_for(minor: str) -> Interpreter | None:
    """The newest interpreter of version ``minor`` ("3.9") found, if any."""
    matches = [Interpreter(v, p) for v, p in available_pythons()]
    matches = [m for m in matches if m.minor == minor]
    return matches[-1] if matches else None


@pytest.fixture(params=SUPPORTED_VERSIONS)
def target_python(request: pytest.FixtureRequest) -> Interpreter:
    """Each supported Python version in turn (ids "3.8" ...), skipped where not installed."""
    interpreter = python_for(request.param)
    if interpreter is None:
        pytest.skip(
            f"no Python {request.param} here (looked in {PYENV_VERSIONS}/3.*/bin/python "
            "and $SHADOWCHECK_TEST_PYTHONS)"
        )
    return interpreter


# --- real virtual environments -------------------------------------------------------------


@dataclass(frozen=True)
class Venv:
    path: Path
    python: str  # bin/python as the venv has it: a symlink, never resolved
    site_packages: Path


def create_venv(path: Path, wheels: Iterable[Path] = (), python: str = sys.executable) -> Venv:
    """A venv made by ``python``, without pip (fast), with ``wheels`` installed."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(path)], check=True)
    if os.name == "nt":
        python = path / "Scripts" / "python.exe"
    else:
        python = path / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    venv = Venv(path=path, python=str(python), site_packages=Path(purelib))
    pip_install(venv, wheels)
    return venv


def pip_install(venv: Venv, wheels: Iterable[Path]) -> None:
    """``pip install --no-index --no-deps`` local wheels into ``venv``, with the host's pip."""
    wheels = [str(w) for w in wheels]
    if not wheels:
        return
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", venv.python, "--isolated", "--no-input",
         "--disable-pip-version-check", "-q", "install", "--no-index", "--no-deps", *wheels],
        check=True,
    )


# name, version, files, Requires-Dist
DEMO_DISTRIBUTIONS = [
    (
        "demo-pkg",
        "1.0",
        {
            "demopkg/__init__.py": "VALUE = 1\n",
            "demopkg/models.py": "class Sequential:\n    pass\n",
        },
        ["demo-single"],
    ),
    ("demo-single", "2.0", {"demosingle.py": "def helper():\n    return 1\n"}, []),
    # A namespace package, like jaraco.functools: no demons/__init__.py anywhere.
    ("demo-ns-functools", "3.0", {"demons/functools.py": "def pass_none(f):\n    return f\n"}, []),
    # Two distributions of one package, like opencv-python and opencv-contrib-python.
    ("demo-dup-a", "1.1", {"demodup/__init__.py": "FLAVOUR = 'a'\n"}, []),
    ("demo-dup-b", "1.2", {"demodup/__init__.py": "FLAVOUR = 'b'\n"}, []),
]


@pytest.fixture(scope="session")
def target_venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A venv (built once per session) with the DEMO_DISTRIBUTIONS installed from wheels."""
    wheel_dir = tmp_path_factory.mktemp("wheels")
    wheels = [
        build_wheel(wheel_dir, name, version, files, requires=requires)
        for name, version, files, requires in DEMO_DISTRIBUTIONS
    ]
    return create_venv(tmp_path_factory.mktemp("target") / "venv", wheels)


@pytest.fixture(scope="session")
def doctor_venvs(tmp_path_factory: pytest.TempPathFactory):
    """The venv of each doctor rule example (doctor_envs.py), all built once per session."""
    from doctor_envs import build_example_venvs

    return build_example_venvs(tmp_path_factory.mktemp("doctor-examples"))


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for the whole session: each interpreter is probed once, not once
    per test (a probe costs about a second)."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture(autouse=True)
def _session_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never the user's own cache directory.
    monkeypatch.setenv("SHADOWCHECK_CACHE_DIR", str(shared_cache))


@pytest.fixture
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache directory, for the tests that are about the cache itself."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("SHADOWCHECK_CACHE_DIR", str(directory))
    return directory


# --- the command line, in-process ----------------------------------------------------------


@dataclass(frozen=True)
class CliRun:
    status: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)

    def error_line(self, *fragments: str) -> str:
        """Assert the run failed with exit 2 and one `shadowcheck: error:` line holding each of
        ``fragments``; return that line."""
        assert self.status == 2, (self.status, self.out, self.err)
        lines = self.err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("shadowcheck: error: "), self.err
        for fragment in fragments:
            assert fragment in lines[0], lines[0]
        return lines[0]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliRun]:
    """``cli(*argv, cwd=DIR, env={"NAME": "value" or None}, stdin=TEXT)`` runs ``main(argv)``
    in-process in DIR (the test's working directory otherwise) with those environment variables
    set (None: unset) and TEXT on standard input, and returns its exit status and what it wrote.
    Every CLI test runs through here."""
    import io

    from shadowcheck.cli import main

    def run(*argv: str, cwd: Path | None = None, env: dict[str, str | None] | None = None, stdin: str | None = None) -> CliRun:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8"))
        for name, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        capsys.readouterr()
        status = main([str(arg) for arg in argv])
        captured = capsys.readouterr()
        return CliRun(status, captured.out, captured.err)

    return run
