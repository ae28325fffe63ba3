"""The project's imports as `check` reads them, and what the environment makes of each name.

Every file's imports come from the SourceStore check reads them with (kept between runs): first
the set of modules each file names (``imported_modules``, known without decoding a cached
file's facts), then, only for the few names a finding points at, the statements themselves.
Each name is resolved by the import system (meta_path.py) on the sys.path every script of the
environment gets, without the script's own directory: built-in, frozen and start-up modules,
the standard library, PYTHONPATH and site-packages, in CPython's order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from shadowcheck.ftypes import Distribution, TargetEnvironment
from shadowcheck.importsystem.finders import NAMESPACE
from shadowcheck.importsystem.meta_path import SITE_PACKAGES, ImportSystem
from shadowcheck.paths import real
from shadowcheck.source.facts import RELATIVE
from shadowcheck.source.facts import ImportStatement
from shadowcheck.source.scan import ANY
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import Project

MISSING_ERROR = "ModuleNotFoundError: No module named '%s'"


@dataclass(frozen=True)
class ImportSite:
    """One statement of the project that imports a name."""

    file: Path
    statement: ImportStatement

    @property
    def unconditional(self) -> bool:
        """Runs whenever the file is imported: at module level (column 1), not under `try`
        with an ImportError handler, not in a function; a notebook cell's top level too."""
        s = self.statement
        return s.column == 1 and not (s.guarded or s.in_function or s.type_checking)


def bound_names(statement: ImportStatement) -> frozenset[str]:
    """The names a statement binds: `import a.b` binds a, `import a.b as x` x, `from a import
    b, c` b and c (the reader keeps a from-import's names, not their aliases)."""
    if statement.names:
        return frozenset(statement.names)
    return frozenset({statement.alias or statement.top_level})


def imports_name(statement: ImportStatement, name: str) -> bool:
    """Whether running the (absolute) ``statement`` imports the module ``name``."""
    module = statement.module
    if module == name or module.startswith(name + "."):
        return True
    return any(f"{module}.{imported}" == name for imported in statement.names)


class ProjectImports:
    """What the project's files import, each name resolved once."""

    def __init__(self, system: ImportSystem, sources: SourceStore, project: Project, first_party: Iterable[str] = ()):
        """``system`` resolves names for a run without the project on sys.path;
        ``first_party``: the top-level modules the project distributes itself."""
        self.system = system
        self.sources = sources
        self.project = project
        self.first_party = frozenset(first_party)

    @cached_property
    def files(self) -> tuple[Path, ...]:
        return (*self.project.python_files, *self.project.notebooks)

    @cached_property
    def by_file(self) -> dict[Path, frozenset[str]]:
        """Each file -> the modules it could import, parents included: its summary's superset
        (source/scan.py), exact once the file was parsed."""
        self.sources.read_many(self.files)  # from the cache, or on several processes
        return {file: self.sources.imported_modules(file) for file in self.files}

    @cached_property
    def names(self) -> frozenset[str]:
        """Every module some file imports by absolute name (and every parent of one), as the
        parser reads the files: a summary also names what a comment or a string says after
        `import`, so each name is confirmed by parsing a file that may import it (the first
        usually does; a parsed file confirms all of its names at once)."""
        found: set[str] = set()
        parsed: set[Path] = set()

        def confirm(file: Path) -> None:
            parsed.add(file)
            facts = self.sources.imports(file)
            found.update(facts.imported_modules() if facts is not None else ())

        naming: dict[str, list[Path]] = {}
        for file, modules in self.by_file.items():
            if ANY in modules:  # a dynamic import only the parser can spell out
                confirm(file)
            for name in modules:
                naming.setdefault(name, []).append(file)
        for name, files in naming.items():
            for file in files:
                if name in found or name in (ANY, RELATIVE):
                    break
                if file not in parsed:
                    confirm(file)
        found.discard(RELATIVE)
        return frozenset(found)

    @cached_property
    def local(self) -> frozenset[str]:
        """Top-level names the project provides itself: every module or package in any of its
        directories (scripts reach each other through their import roots, sys.path edits and
        editable installs), and what its build files say it distributes."""
        suffixes = self.system.suffixes.in_loader_order
        directories = self.project.directories
        names: set[str] = set(self.first_party)
        for directory, entries in directories.items():
            for entry in entries:
                stem = _stem(entry, suffixes)
                if stem is not None:
                    names.add(stem)
                elif entry.isidentifier() and _holds_python(directories.get(directory / entry), suffixes):
                    names.add(entry)  # a package, or a namespace portion with modules in it
        return frozenset(names)

    def is_local(self, name: str) -> bool:
        return name.partition(".")[0] in self.local

    def sites(self, name: str) -> list[ImportSite]:
        """The statements that import ``name``, file by file in path order (type-checking-only
        imports left out: they never run)."""
        found = []
        for file, modules in self.by_file.items():
            if name not in modules and ANY not in modules:
                continue
            parsed = self.sources.imports(file)
            for statement in parsed.imports if parsed is not None else ():
                if statement.level or statement.type_checking or not imports_name(statement, name):
                    continue
                found.append(ImportSite(file, statement))
        return found

    @cached_property
    def missing(self) -> tuple[str, ...]:
        """The imported names nothing in the environment provides, sorted: top-level names, and
        modules inside a namespace package (google.protobuf). Beneath a regular package a
        finder of the package's own may provide more than its files (six.moves), so nothing
        there is called missing."""
        found = []
        for name in sorted(self.names):
            if self.is_local(name):
                continue
            resolution = self.system.resolve(name)
            if resolution.missing != name:
                continue  # found, or a parent is already missing (reported for the parent)
            parent = resolution.specs[-1] if resolution.specs else None
            if parent is not None and parent.kind != NAMESPACE:
                continue
            if provided_by_metadata(self.system.environment, name) is not None:
                continue
            found.append(name)
        return tuple(found)

    @cached_property
    def third_party(self) -> dict[str, tuple[Distribution, ...]]:
        """Each imported name that resolves into site-packages (or another installed location)
        -> the distributions providing the module Python finds, in sys.path order. Names the
        project provides itself are left out (those are check's shadows, or its own code)."""
        found: dict[str, tuple[Distribution, ...]] = {}
        environment = self.system.environment
        for name in sorted(self.names):
            if self.is_local(name) or not environment.providers(name):
                continue
            spec = self.system.resolve(name).found
            if spec is None or self.system.kind_of(spec) != SITE_PACKAGES:
                continue
            entry = real(self.system.entry_of(spec) or "")
            providers = environment.providers(name)
            here = tuple(d for d in providers if real(d.location) == entry)
            found[name] = here or providers
        return found


def _stem(entry: str, suffixes: tuple[str, ...]) -> str | None:
    # A module file's name, as FileFinder reads it (extensions, sources, bytecode).
    for suffix in suffixes:
        if entry.endswith(suffix):
            stem = entry[: -len(suffix)]
            return stem if stem.isidentifier() else None
    return None


def _holds_python(entries: frozenset[str] | None, suffixes: tuple[str, ...]) -> bool:
    # A directory the walk entered that holds a module: a run's logs (wandb/, mlruns/) do not.
    return entries is not None and any(_stem(e, suffixes) is not None for e in entries)


def provided_by_metadata(environment: TargetEnvironment, name: str) -> Distribution | None:
    """A distribution whose files provide ``name`` though no sys.path entry does: an editable
    install served by its own finder (setuptools' __editable__ finders sit on sys.meta_path after
    PathFinder, so they answer only for names no path entry has)."""
    providers = environment.providers(name)
    if providers:
        return providers[0]
    top = name.partition(".")[0]
    for distribution in environment.distributions:
        project = distribution.editable_project
        if project and any(top in _top_names(os.path.join(project, d)) for d in ("", "src")):
            return distribution
    return None


def _top_names(directory: str) -> set[str]:
    try:
        return {n.partition(".")[0] for n in os.listdir(directory)}
    except OSError:
        return set()


