"""Import, as one run does it: sys.modules, then sys.meta_path in order, without running anything.

``importlib._bootstrap._find_and_load`` asks sys.modules first; then BuiltinImporter (top-level
names only), FrozenImporter, and PathFinder, which walks the run's sys.path with one FileFinder
per entry (finders.py). This is the one place that order is kept: `check` asks it for each
import root, `verify` for the run it predicts, and both ask it what hides what.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import Shadowed
from shadowcheck.importsystem.finders import (
    MODULE, NAMESPACE, Resolution, Spec, find_in_directory, find_on_path, listed_names, resolve,
)  # fmt: skip
from shadowcheck.importsystem.installed import STDLIB, Installed
from shadowcheck.importsystem.runs import Run
from shadowcheck.paths import same_file

PROJECT, SITE_PACKAGES, STDLIB_KIND, BUILT_IN, FROZEN, MISSING = (
    "project", "site-packages", "stdlib", "built-in", "frozen", "missing",
)  # fmt: skip


@dataclass(frozen=True)
class Shadow:
    """A project module that a run imports instead of what the environment provides."""

    module: str  # the import name that resolves into the project ("keras", "jaraco.functools")
    local: Spec  # what the project provides, found first
    installed: Spec  # what Python would import from the environment without it
    shadowed: Shadowed  # its kind, origin and distributions, as reports show them
    entry: str  # the sys.path entry the local module was found in

    @property
    def path(self) -> Path:
        """The file that stands for the local module: a module, or a package's __init__."""
        return Path(self.local.origin or self.local.search_locations[0])

    @property
    def kind(self) -> str:
        return self.shadowed.kind


class ImportSystem:
    """Resolves names for one run, and tells the project's modules from the environment's."""

    def __init__(
        self,
        run: Run,
        installed: Installed,
        preloaded: frozenset[str] | None = None,
        own: Callable[[Path, Shadow], bool] | None = None,
    ):
        self.run = run
        # Whether a module found in a sys.path entry is the project's own distribution there
        # (first_party.py): then it is what the run means to import, not a shadow.
        self.own = own
        self.installed = installed
        self.environment = installed.environment
        self.suffixes = installed.suffixes
        # sys.modules when the run's own code starts: what start-up imported (site, encodings,
        # ...), and for `python -m` what runpy imported too.
        self.preloaded = self.environment.startup_module_names if preloaded is None else preloaded
        self._project = {self._key(p) for p in run.project}
        self.installed_path = run.without_project()
        self._resolved: dict[str, Resolution] = {}
        self._shadows: dict[tuple[Spec, ...], Shadow | None] = {}  # shadow_in's answers

    def with_preloaded(self, names: frozenset[str]) -> ImportSystem:
        """The same run once ``names`` are in sys.modules too."""
        return ImportSystem(self.run, self.installed, self.preloaded | names, self.own)

    def _key(self, entry: str) -> str:
        # PathFinder reads "" as the working directory.
        return os.path.normcase(os.path.normpath(entry or os.getcwd()))

    def _before_path(self, name: str, parent: Spec | None) -> Spec | None:
        # importlib._bootstrap._find_and_load: sys.modules first, then sys.meta_path in order:
        # BuiltinImporter (top-level names only: its find_spec returns None when given a path),
        # FrozenImporter, then PathFinder (resolve() goes on to it when this returns None).
        env = self.environment
        if name == "__main__" and self.run.main is not None:
            return Spec(name, MODULE, self.run.main)
        builtin = name in env.builtin_module_names and (parent is None or name in self.preloaded)
        if not (builtin or name in self.preloaded or name in env.frozen_module_names):
            return None
        if builtin:
            return Spec(name, MODULE, "built-in")
        # A preloaded module that is neither built in nor frozen came from sys.path as it was
        # at start-up, before sys.path[0] was inserted.
        found = resolve(name, self.run.startup, self.suffixes).found
        if name in env.frozen_module_names:
            # A frozen package's __path__ is its directory in the stdlib (3.11+).
            locations = found.search_locations if found is not None else ()
            return Spec(name, found.kind if found is not None else MODULE, "frozen", locations)
        return found

    def resolve(self, name: str) -> Resolution:
        """``import name``: each part from sys.modules or the builtin, frozen or path finder."""
        resolution = self._resolved.get(name)
        if resolution is None:
            resolution = resolve(name, self.run.entries, self.suffixes, before_path=self._before_path)
            self._resolved[name] = resolution
        return resolution

    def entry_of(self, spec: Spec) -> str | None:
        """The sys.path entry a spec was found in: up from its file, one level per name part."""
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
        entry = self.entry_of(spec)
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
        return STDLIB_KIND if self.installed.kind_of(spec.name, spec) == STDLIB else SITE_PACKAGES

    def shadow_in(self, specs) -> Shadow | None:
        """The first part of an import chain that the project provides in place of the
        environment's module of that name, if any."""
        # Asked again for every statement of every file that imports the same chain (each
        # answer costs stats of both files and of the project's build files): kept per chain.
        key = tuple(specs)
        if key not in self._shadows:
            self._shadows[key] = self._shadow_in(key)
        return self._shadows[key]

    def _shadow_in(self, specs: tuple[Spec, ...]) -> Shadow | None:
        for spec in specs:
            if spec.kind == NAMESPACE:
                continue  # portions merge: only a module or package inside one can hide another
            if not self.is_project(spec):
                return None
            installed = self.installed.find(spec.name, self.installed_path)
            if installed is None or same_file(installed.origin, spec.origin):
                return None
            if self.installed.means_the_project(spec.name, installed):
                return None
            entry = self.entry_of(spec) or ""
            shadow = Shadow(spec.name, spec, installed, self.shadowed(spec.name, installed), entry)
            if self.own is not None and self.own(Path(entry or os.getcwd()), shadow):
                return None
            return shadow
        return None

    def shadowed(self, name: str, installed: Spec) -> Shadowed:
        kind = self.installed.kind_of(name, installed)
        distributions = self.installed.providers(name) if kind != STDLIB else ()
        return Shadowed(kind, installed.origin, tuple((d.name, d.version) for d in distributions))

    def shadows_in(self, entry: str) -> list[Shadow]:
        """Every module this run finds in ``entry`` (one of its project entries) that hides one
        the environment provides: top-level names, and inside namespace packages the
        submodules whose portion in ``entry`` comes first (jaraco/functools.py)."""
        directory = entry or os.getcwd()
        found: list[Shadow] = []
        # (name, the directory of ours it was listed in), taken in name order.
        pending = [(name, directory) for name in sorted(listed_names(directory, self.suffixes), reverse=True)]
        while pending:
            name, listed_in = pending.pop()
            # Nothing can be hidden where the environment has nothing of that name: most of a
            # tree's modules are answered here, with no stat and no resolution.
            if self.installed.find(name, self.installed_path) is None:
                continue
            if find_in_directory(listed_in, name.rpartition(".")[2], self.suffixes) is None:
                continue  # listed, but nothing a finder finds (a directory named x.py, ...)
            resolution = self.resolve(name)
            spec = resolution.found
            if spec is None:
                continue
            if spec.kind == NAMESPACE:
                portion = os.path.join(listed_in, name.rpartition(".")[2])
                if portion in spec.search_locations:
                    children = sorted(listed_names(portion, self.suffixes), reverse=True)
                    pending.extend((f"{name}.{child}", portion) for child in children)
                continue
            if self._key(self.entry_of(spec) or "") != self._key(directory):
                continue  # found first somewhere else (an earlier entry, a frozen module)
            shadow = self.shadow_in(resolution.specs)
            if shadow is not None and shadow.module == name:
                found.append(shadow)
        return found

    def submodule(self, spec: Spec, name: str) -> Spec | None:
        """``from pkg import name`` imports pkg.name when it is a submodule."""
        if not spec.is_package:
            return None
        return find_on_path(f"{spec.name}.{name}", spec.search_locations, self.suffixes)
