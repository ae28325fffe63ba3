"""sys.path for one run of a script, and how CPython resolves a dotted name along it.

``python SCRIPT`` puts the script's real directory first (Modules/main.c resolves a symlinked
script), ``python -m`` the working directory, ``-P``/PYTHONSAFEPATH nothing. PYTHONPATH
follows, then the interpreter's own entries and what site and .pth files add.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.environment.import_names import normalize_distribution_name
from shadowcheck.ftypes import Shadowed, TargetEnvironment
from shadowcheck.importsystem.finders import (
    MODULE,
    NAMESPACE,
    Resolution,
    Spec,
    resolve,
)
from shadowcheck.importsystem.shadows import STDLIB, ShadowFinder
from shadowcheck.paths import same_file

PROJECT, SITE_PACKAGES, STDLIB_KIND, BUILT_IN, FROZEN, MISSING = (
    "project", "site-packages", "stdlib", "built-in", "frozen", "missing",
)  # fmt: skip

# What `python -m` has imported (runpy and what it imports) before the module's own code
# runs, beyond a script's start-up modules; measured with `python -s -m` on each version.
_RUNPY_MODULES = {
    (3, 8): "collections contextlib functools heapq importlib importlib._bootstrap "
    "importlib._bootstrap_external importlib.abc importlib.machinery importlib.util itertools "
    "keyword operator pkgutil reprlib runpy types warnings weakref _weakrefset",
    (3, 9): "collections collections.abc contextlib copyreg enum functools heapq importlib "
    "importlib._bootstrap importlib._bootstrap_external importlib.abc importlib.machinery "
    "importlib.util itertools keyword operator pkgutil re reprlib runpy sre_compile "
    "sre_constants sre_parse types typing warnings weakref _weakrefset",
    (3, 10): "collections contextlib functools importlib importlib._abc importlib._bootstrap "
    "importlib._bootstrap_external importlib.machinery importlib.util itertools keyword "
    "operator reprlib runpy types warnings",
    (3, 11): "importlib importlib._abc importlib._bootstrap importlib._bootstrap_external "
    "importlib.machinery importlib.util runpy types warnings",
    (3, 13): "importlib importlib._abc importlib._bootstrap importlib._bootstrap_external "
    "importlib.machinery importlib.util runpy types",
}
# The interpreter's own first sys.path entry (lib/python3X.zip; pythonXY.zip on Windows),
# present even when the file is not: every entry before it came from PYTHONPATH.
_STDLIB_ZIP = re.compile(r"python\d+\.zip$")
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class RunPath:
    entries: tuple[str, ...]  # sys.path for this run
    project: tuple[str, ...]  # the entries before the interpreter's own: sys.path[0], PYTHONPATH
    startup: tuple[str, ...]  # sys.path while start-up modules were imported (no sys.path[0])


def run_path(
    environment: TargetEnvironment, path0: str | None, cwd: Path, environ: Mapping[str, str]
) -> RunPath:
    """sys.path for this run, from the interpreter's answer and the real working directory.

    The probe ran in a temporary directory, so the PYTHONPATH part of its sys.path is
    recomputed here.
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
    return RunPath((*front, *startup), (*front, *pythonpath), startup)


def runpy_modules(version: tuple[int, ...]) -> frozenset[str]:
    """The modules `python -m` adds to sys.modules before the module runs."""
    known = [v for v in _RUNPY_MODULES if v <= tuple(version[:2])] or [min(_RUNPY_MODULES)]
    return frozenset(_RUNPY_MODULES[max(known)].split())


def required_name(requirement: str) -> str | None:
    """The normalized distribution a Requires-Dist line always installs, else None."""
    # A requirement behind an extra ("torch; extra == 'gpu'") is installed only on request.
    if "extra" in requirement.partition(";")[2]:
        return None
    match = _REQUIREMENT_NAME.match(requirement)
    return normalize_distribution_name(match.group(1)) if match else None


class RunResolver:
    """Resolves names along one RunPath, and tells project entries from installed ones."""

    def __init__(self, environment: TargetEnvironment, path: RunPath, cwd: Path, startup: frozenset[str]):
        self.environment = environment
        self.path = path
        self.cwd = cwd
        self.startup = startup
        self.finder = ShadowFinder(environment)
        self.suffixes = self.finder.suffixes
        # The file `python` runs: sys.modules["__main__"], whatever `import __main__` finds.
        self.main: str | None = None
        self._project = {self._key(p) for p in path.project}
        self.installed_path = tuple(p for p in path.entries if self._key(p) not in self._project)

    def _key(self, entry: str) -> str:
        # PathFinder reads "" as the working directory.
        return os.path.normcase(os.path.normpath(entry or str(self.cwd)))

    def _special(self, name: str, parent: Spec | None) -> Spec | None:
        # sys.meta_path order after sys.modules: BuiltinImporter (top-level names only),
        # FrozenImporter, then PathFinder.
        env = self.environment
        if name == "__main__" and self.main is not None:
            return Spec(name, MODULE, self.main)
        builtin = name in env.builtin_module_names and (parent is None or name in self.startup)
        if not (builtin or name in self.startup or name in env.frozen_module_names):
            return None
        if builtin:
            return Spec(name, MODULE, "built-in")
        # A start-up module that is neither built in nor frozen came from the path as it was
        # at start-up, before sys.path[0] was inserted.
        found = resolve(name, self.path.startup, self.suffixes).found
        if name in env.frozen_module_names:
            # A frozen package's __path__ is its directory in the stdlib (3.11+).
            locations = found.search_locations if found is not None else ()
            return Spec(name, found.kind if found is not None else MODULE, "frozen", locations)
        return found

    def resolve(self, name: str) -> Resolution:
        """``import name``: each part from sys.modules or the builtin, frozen or path finder."""
        return resolve(name, self.path.entries, self.suffixes, before_path=self._special)

    def _entry_of(self, spec: Spec) -> str | None:
        # The sys.path entry a spec was found in: up from its file, one level per name part.
        if spec.origin in ("built-in", "frozen"):
            return None
        if spec.kind == MODULE:
            where = os.path.dirname(spec.origin or "")
        else:
            where = os.path.dirname(spec.search_locations[0])
        for _ in range(spec.name.count(".")):
            where = os.path.dirname(where)
        return where

    def is_project(self, spec: Spec) -> bool:
        entry = self._entry_of(spec)
        return entry is not None and self._key(entry) in self._project

    def kind_of(self, spec: Spec | None) -> str:
        if spec is None:
            return MISSING
        if spec.origin == "built-in":
            return BUILT_IN
        if spec.origin == "frozen":
            return FROZEN
        if self.is_project(spec):
            return PROJECT
        return STDLIB_KIND if self.finder.kind_of(spec.name, spec) == STDLIB else SITE_PACKAGES

    def shadow_in(self, specs) -> tuple[Spec, Spec] | None:
        """(project spec, installed spec) for the first part of a chain that hides something."""
        for spec in specs:
            if spec.kind == NAMESPACE:
                continue  # portions merge: only a module or package inside one can hide another
            if not self.is_project(spec):
                return None
            installed = resolve(spec.name, self.installed_path, self.suffixes).found
            if installed is None or same_file(installed.origin, spec.origin):
                return None
            return spec, installed
        return None

    def shadowed(self, local: Spec, installed: Spec) -> Shadowed:
        kind = self.finder.kind_of(local.name, installed)
        distributions = self.finder.providers(local.name) if kind != STDLIB else ()
        return Shadowed(kind, installed.origin, tuple((d.name, d.version) for d in distributions))

    def importers_of(self, shadowed: Shadowed) -> tuple[tuple[str, str], ...]:
        """Installed distributions whose unconditional Requires-Dist names a shadowed one."""
        wanted = {normalize_distribution_name(name) for name, _ in shadowed.distributions}
        return tuple(
            sorted(
                {
                    (d.name, d.version)
                    for d in self.environment.distributions
                    if any(required_name(r) in wanted for r in d.requires)
                }
            )
        )
