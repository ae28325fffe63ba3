"""The programs the benchmark runs and the machine it runs on: which shadowcheck (and its
commit), which ruff (installed into a virtualenv of its own when none is on PATH)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Program:
    argv: tuple[str, ...]  # how to start it
    version: str
    where: str  # for the report: its path and, for shadowcheck, the commit


def _output(argv: list[str], cwd: Path | None = None) -> str:
    try:
        result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def shadowcheck(python: str) -> Program:
    """``python -m shadowcheck``, with the version and git commit of the code it imports."""
    found = _output([python, "-c", "import os, shadowcheck; print(shadowcheck.__version__); print(os.path.dirname(shadowcheck.__file__))"])
    if not found:
        raise SystemExit(f"bench: {python} cannot import shadowcheck (install it: pip install -e .)")
    version, package = found.splitlines()
    # What a pip install runs is byte-compiled. An editable checkout under
    # PYTHONDONTWRITEBYTECODE=1 compiles every edited module again on each run (Keras' warm
    # run: 0.25 s compiled, 0.65 s recompiling), and the table would time the compiler.
    _output([python, "-m", "compileall", "-q", package])
    commit = _output(["git", "rev-parse", "--short=12", "HEAD"], cwd=Path(package))
    # Only changes to the package itself change what is measured.
    if commit and _output(["git", "status", "--porcelain", "--untracked-files=no", "--", "."], cwd=Path(package)):
        commit += " + uncommitted changes"
    return Program((python, "-m", "shadowcheck"), version, f"{package} at {commit or 'no git commit'}")


def ruff(explicit: str | None, install_dir: Path) -> Program:
    """The ruff to compare with: --ruff, else the one on PATH, else one installed into a
    virtualenv of its own under ``install_dir`` (reused when already there)."""
    path = explicit or shutil.which("ruff")
    how = "given" if explicit else "on PATH"
    if path is not None:
        path = _unwrapped(path)
    else:
        path, how = _installed_ruff(install_dir), f"installed into {install_dir}"
    version = _output([path, "--version"])
    if not version:
        raise SystemExit(f"bench: {path} --version failed: not a working ruff")
    return Program((path,), version.removeprefix("ruff "), f"{path} ({how})")


def _unwrapped(path: str) -> str:
    # A pyenv shim is a shell script that runs `pyenv exec`: ~0.05 s of start-up that is not
    # ruff's. Measure the binary it would run instead.
    try:
        with open(path, "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return path
    if head.startswith(b"#!") and b"pyenv" in head:
        resolved = _output(["pyenv", "which", "ruff"])
        if resolved:
            return resolved
    return path


def _installed_ruff(install_dir: Path) -> str:
    venv = install_dir / "ruff-venv"
    binary = venv / ("Scripts/ruff.exe" if os.name == "nt" else "bin/ruff")
    if not binary.exists():
        print(f"bench: no ruff on PATH; installing it into {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "ruff"], check=True)
    return str(binary)


def machine(python: str) -> dict[str, object]:
    """What the numbers depend on: processors, memory, operating system, interpreter."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            model = next((line.split(":", 1)[1].strip() for line in stream if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as stream:
            kilobytes = int(next(line for line in stream if line.startswith("MemTotal")).split()[1])
        memory = f"{kilobytes / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": os.cpu_count(),
        "usable_cpus": usable,
        "cpu_model": model or platform.processor(),
        "memory": memory,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "target_python": python,
    }
