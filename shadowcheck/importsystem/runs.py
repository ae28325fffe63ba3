"""A run: one way Python is started, and the sys.path it gets.

``python SCRIPT`` puts the script's real directory first (Modules/main.c resolves a symlinked
script), ``python -m`` and ``python -c`` the working directory (``-c`` as "", which the import
system reads as os.getcwd()), ``-P``/PYTHONSAFEPATH nothing. PYTHONPATH follows, then the
interpreter's own entries and what site and .pth files add. pytest's default "prepend" import
mode and a notebook kernel put a directory first the same way, so `check` models each import
root as one run that starts there.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from shadowcheck.ftypes import TargetEnvironment
from shadowcheck.paths import real

SCRIPT, MODULE, COMMAND, ROOT = "script", "module", "command", "root"

# The interpreter's own first sys.path entry (lib/python3X.zip; pythonXY.zip on Windows),
# present even when the file is not: every entry before it came from PYTHONPATH.
_STDLIB_ZIP = re.compile(r"python\d+\.zip$")


@dataclass(frozen=True)
class Run:
    """One way the project's code is run, and the sys.path it runs with."""

    kind: str  # SCRIPT, MODULE, COMMAND or ROOT
    entries: tuple[str, ...]  # sys.path while the run's own code imports
    project: tuple[str, ...]  # the entries that are not the interpreter's: sys.path[0], PYTHONPATH
    startup: tuple[str, ...]  # sys.path while start-up modules were imported (no sys.path[0])
    # config->sys_path_0: the directory CPython's "consider renaming" hints compare a module's
    # directory with (Objects/moduleobject.c _PyModule_IsPossiblyShadowing); None with -P.
    first: str | None
    main: str | None = None  # the file that runs as __main__

    def without_project(self) -> tuple[str, ...]:
        """sys.path with the project's entries left out: where the shadowed modules live."""
        project = {_key(p) for p in self.project}
        return tuple(p for p in self.entries if _key(p) not in project)


def _key(entry: str) -> str:
    # "" is the working directory, whatever it is at the time.
    return _resolved(entry) if entry else real(".")


@lru_cache(maxsize=4096)
def _resolved(entry: str) -> str:
    # Each sys.path entry is resolved once, not once per import root (issue 8); an absolute
    # entry from the directory its parent resolves to (kept), and a readlink only when the
    # entry itself is a link: realpath stats every component of each of a tree's 800 roots,
    # which share all but their last.
    if os.sep != "/" or not entry.startswith("/") or os.path.normpath(entry) != entry:
        return real(entry)
    pending: list[str] = []
    current = entry
    while current not in _REAL_DIRECTORIES:
        parent = os.path.dirname(current)
        if parent == current:  # the file system's root
            _REAL_DIRECTORIES[current] = real(current)
            break
        pending.append(current)
        current = parent
    resolved = _REAL_DIRECTORIES[current]
    for path in reversed(pending):
        below = os.path.join(resolved, os.path.basename(path))
        resolved = real(below) if os.path.islink(below) else below
        _REAL_DIRECTORIES[path] = resolved
    return resolved


# Absolute, normalized paths -> what realpath makes of them (forget_resolutions clears it).
_REAL_DIRECTORIES: dict[str, str] = {}


def forget_resolutions() -> None:
    """Forget what each path resolved to (for a long-running process whose tree changes)."""
    _resolved.cache_clear()
    _REAL_DIRECTORIES.clear()


def run_path(
    environment: TargetEnvironment, path0: str | None, cwd: Path, environ: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(sys.path, project entries, start-up sys.path) for a run whose sys.path[0] is ``path0``.

    The probe ran in a temporary directory, so the PYTHONPATH part of its sys.path is
    recomputed here, from the real working directory.
    """
    probed = list(environment.sys_path)
    stdlib = {os.path.normpath(p) for p in environment.stdlib_paths}
    base = next(
        (i for i, p in enumerate(probed) if _STDLIB_ZIP.search(p) or os.path.normpath(p) in stdlib),
        0,
    )
    pythonpath: list[str] = []
    seen: set[str] = set()
    raw = environ.get("PYTHONPATH", "")
    # site.removeduppaths makes each entry absolute (an empty one is the working directory)
    # and keeps the first of duplicates.
    for entry in raw.split(os.pathsep) if raw else ():
        absolute = os.path.normpath(os.path.join(str(cwd), entry))
        if os.path.normcase(absolute) not in seen:
            seen.add(os.path.normcase(absolute))
            pythonpath.append(absolute)
    rest = [p for p in probed[base:] if os.path.normcase(os.path.normpath(p)) not in seen]
    startup = (*pythonpath, *rest)
    front = (path0,) if path0 is not None else ()
    return (*front, *startup), (*front, *pythonpath), startup


def _safe(environment: TargetEnvironment, safe_path: bool) -> bool:
    # -P and PYTHONSAFEPATH mean nothing before 3.11 (the caller rejects an explicit -P there).
    return safe_path and environment.version >= (3, 11)


def script_run(
    environment: TargetEnvironment, script: Path, cwd: Path, environ: Mapping[str, str], safe_path: bool = False
) -> Run:
    """``python SCRIPT``: the script's real directory first (Modules/main.c, pymain_run_python)."""
    home = os.path.dirname(os.path.realpath(script))
    path0 = None if _safe(environment, safe_path) else home
    entries, project, startup = run_path(environment, path0, cwd, environ)
    return Run(SCRIPT, entries, project, startup, path0, str(script))


def module_run(
    environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str], safe_path: bool = False
) -> Run:
    """``python -m``: the working directory first, as os.getcwd() gives it (symlinks resolved)."""
    path0 = None if _safe(environment, safe_path) else os.path.realpath(cwd)
    entries, project, startup = run_path(environment, path0, cwd, environ)
    return Run(MODULE, entries, project, startup, path0)


def command_run(
    environment: TargetEnvironment, cwd: Path, environ: Mapping[str, str], safe_path: bool = False
) -> Run:
    """``python -c``: "" first, which PathFinder and the hints read as the working directory."""
    path0 = None if _safe(environment, safe_path) else ""
    entries, project, startup = run_path(environment, path0, cwd, environ)
    first = None if path0 is None else os.path.realpath(cwd)
    return Run(COMMAND, entries, project, startup, first)


def root_run(environment: TargetEnvironment, directory: Path) -> Run:
    """A script, ``-m``, pytest or a notebook started with ``directory`` first on sys.path,
    and the target's own sys.path behind it (as its probe reported it)."""
    first = str(directory)
    key = _key(first)
    rest = tuple(p for p in environment.sys_path if _key(p) != key)
    return Run(ROOT, (first, *rest), (first,), rest, first)
