"""Build real wheels of project trees with real PEP 517 backends, each backend imported once.

One subprocess per backend imports it, then builds each project in a forked child (a fresh
process state per build at the cost of a fork), so a table of shapes builds in a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

# Runs in the subprocess: argv[1] is the backend ("module" or "module:object"), argv[2] a JSON
# list of [project directory, wheel directory]. Prints one JSON line: {project: the exception
# the backend raised, or null}.
DRIVER = r"""
import importlib, io, json, os, sys, traceback
module, _, attribute = sys.argv[1].partition(":")
backend = importlib.import_module(module)
if attribute:
    backend = getattr(backend, attribute)
results = {}
for project, out in json.loads(sys.argv[2]):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        os.chdir(project)
        sys.path.insert(0, project)  # what __legacy__ and pip's runner give setup.py
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        try:
            backend.build_wheel(out)
            message = b""
        except BaseException as error:
            message = "".join(traceback.format_exception_only(type(error), error)).encode() or b"?"
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    results[project] = message.strip() or None
print(json.dumps(results))
"""


def build_wheels(backend: str, projects: list[Path], python: str = sys.executable) -> dict[Path, Path | str]:
    """Build each project with ``backend``; {project: its wheel, or the backend's exception}."""
    jobs = []
    for project in projects:
        out = project.parent / f"{project.name}-wheel"
        out.mkdir()
        jobs.append([str(project), str(out)])
    result = subprocess.run(
        [python, "-c", DRIVER, backend, json.dumps(jobs)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SOURCE_DATE_EPOCH": "1577836800"},
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"{backend}: {result.stderr.strip().splitlines()[-1:]}")
    errors = json.loads(result.stdout.strip().splitlines()[-1])
    built: dict[Path, Path | str] = {}
    for project, out in jobs:
        wheels = list(Path(out).glob("*.whl"))
        built[Path(project)] = errors[project] or (wheels[0] if len(wheels) == 1 else f"{len(wheels)} wheels")
    return built


def can_import(module: str, python: str = sys.executable) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True, check=False).returncode == 0


def wheel_top_levels(wheel: Path) -> frozenset[str]:
    """The top-level import names a wheel installs: modules at its root, and directories with
    Python files below them (not its .dist-info or .data)."""
    names = set()
    with zipfile.ZipFile(wheel) as archive:
        for entry in archive.namelist():
            first, _, rest = entry.partition("/")
            if first.endswith((".dist-info", ".data")):
                continue
            if not rest and first.endswith(".py"):
                names.add(first[: -len(".py")])
            elif rest and entry.endswith(".py"):
                names.add(first)
    return frozenset(names)


def wheel_name(wheel: Path) -> str:
    """The Name in the wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        for line in archive.read(metadata).decode().splitlines():
            if line.startswith("Name:"):
                return line.partition(":")[2].strip()
    raise ValueError(f"{wheel}: no Name")
