"""`check`'s question to the import system: for each import root, the runs that start there,
and the project modules those runs import in place of the environment's.

A root that every run from it shares (the project root, a script folder, src/, a notebook
folder, a sub-project) gives each shadow the importers among the files run from it. A package
directory is a root only for the scripts in it that run as files: a shadow there counts only
when such a script's import closure, resolved as its run resolves it, imports the name, and the
importers carry the chain from the script.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from shadowcheck.ftypes import NO_PROGRESS, Candidate, Importer, Progress, Step, TargetEnvironment
from shadowcheck.importsystem.closure import Chain, Closure, absolute_name
from shadowcheck.importsystem.execution import Execution
from shadowcheck.importsystem.finders import MODULE
from shadowcheck.importsystem.installed import Installed
from shadowcheck.importsystem.meta_path import ImportSystem, Shadow
from shadowcheck.importsystem.predict import Predictor, affects
from shadowcheck.importsystem.roots import ImportRoot, RootIndex
from shadowcheck.importsystem.runs import root_run
from shadowcheck.paths import relative
from shadowcheck.source.facts import RELATIVE
from shadowcheck.source.scan import ANY
from shadowcheck.source.store import SourceStore

# Whether a module found in a sys.path entry is the project's own distribution (first_party.py).
OwnDistribution = Callable[[Path, Shadow], bool]


class CandidateFinder:
    """Shadows per import root, with their importers, for the rules to judge."""

    def __init__(
        self,
        environment: TargetEnvironment,
        installed: Installed,
        sources: SourceStore,
        cwd: Path,
        own_distribution: OwnDistribution | None = None,
        progress: Progress = NO_PROGRESS,
    ):
        self.progress = progress
        self.environment = environment
        self.installed = installed
        self.sources = sources
        self.cwd = cwd
        self.own_distribution = own_distribution
        self._directory_of: Callable[[Path], Path] = _parent  # the walk's, once of_project has it

    def of_project(self, index: RootIndex, files: Iterable[Path]) -> list[Candidate]:
        by_directory: dict[Path, list[Path]] = {}
        self._directory_of = directory_of = index.project.directory
        for file in files:
            by_directory.setdefault(directory_of(file), []).append(file)
        files_by_root: dict[Path, list[Path]] = {}
        for directory, in_directory in by_directory.items():
            for file_root in index.roots_of(in_directory[0]):
                files_by_root.setdefault(file_root.directory, []).extend(in_directory)
        runs: list[tuple[ImportRoot, ImportSystem, list[Shadow]]] = []
        for root in index.roots:
            system = ImportSystem(root_run(self.environment, root.directory), self.installed, own=self.own_distribution)
            shadows = system.shadows_in(str(root.directory))
            if shadows:
                runs.append((root, system, shadows))
        # The files any shadow needs parsed, parsed together (on both cores when there are
        # enough): the possible importers of each shadow, the scripts of package folders.
        candidates: dict[tuple[Path, str], list[Path]] = {}
        for root, system, shadows in runs:
            if root.whole:
                naming = self._naming(files_by_root.get(root.directory, []))
                for shadow in shadows:
                    candidates[root.directory, shadow.module] = self._candidates(system, shadow, naming)
        self.sources.parse_many(
            [*(f for found in candidates.values() for f in found), *(f for root, _, _ in runs for f in root.candidates)]
        )
        found: list[Candidate] = []
        for root, system, shadows in runs:
            predictor = self._predictor(system)
            if root.whole:
                for shadow in shadows:
                    importers = self._importers(system, predictor, shadow, candidates[root.directory, shadow.module])
                    found.append(self._candidate(index, root, shadow, importers))
            else:
                found += self._package_scripts(index, root, system, predictor, shadows)
        return found

    def _predictor(self, system: ImportSystem) -> Predictor:
        env = self.environment
        return Predictor(system.suffixes, env.version, env.stdlib_module_names, self.sources.defined, system.run.first)

    def body_error(self, system: ImportSystem, predictor: Predictor, shadow: Shadow) -> str | None:
        """What importing the shadowing module itself raises (its own body), if anything."""
        failure = Execution(system, self.sources, predictor, follow_installed=False).body_error(shadow)
        return failure.error if failure is not None else None

    def _naming(self, files: list[Path]) -> tuple[dict[str, list[Path]], list[Path], dict[Path, int]]:
        # Which of a root's files name each module (their summaries), those that may import
        # anything or relatively, and each file's place: a shadow's candidates are looked up,
        # not searched for among every file (a lib directory has 150 shadows, 1,800 files).
        by_module: dict[str, list[Path]] = {}
        wide: list[Path] = []
        for file in files:
            if file.suffix not in (".py", ".ipynb"):
                continue
            modules = self.sources.imported_modules(file)
            for module in modules:
                by_module.setdefault(module, []).append(file)
            if ANY in modules or RELATIVE in modules:
                wide.append(file)
        return by_module, wide, {file: place for place, file in enumerate(files)}

    def _candidates(self, system: ImportSystem, shadow: Shadow, naming) -> list[Path]:
        """The files that may import ``shadow``: those whose summary names it (scan.py)."""
        by_module, wide, place = naming
        found = set(by_module.get(shadow.module, ()))
        found.update(f for f in wide if f not in found and self._may_import(f, shadow, system))
        ordered = sorted(found, key=place.__getitem__)
        # The shadow's own file runs under this root too: `random.py` importing random.
        own = shadow.path
        if own not in place and own.suffix in (".py", ".ipynb") and self._may_import(own, shadow, system):
            ordered.append(own)
        return ordered

    def _importers(self, system, predictor, shadow: Shadow, candidates: list[Path]) -> tuple[Importer, ...]:
        importers: list[Importer] = []
        body: list[str | None] = []
        for file in candidates:
            if not self._may_import(file, shadow, system):  # its exact modules, now it is parsed
                continue
            parsed = self.sources.imports(file)
            self.progress.advance("files read")
            if parsed is None:
                continue
            package = self._package_of_file(file, system)
            for statement in parsed.imports:
                absolute = _absolute(statement, package)
                if absolute is None or not affects(absolute, shadow.module):
                    continue
                if not body:
                    body.append(self.body_error(system, predictor, shadow))
                error = body[0] or predictor.predict(absolute, shadow.module, shadow.local, file, parsed.attributes)
                importers.append(
                    Importer(relative(file, self.cwd), statement.line, statement.statement, error, cell=statement.cell)
                )
        return tuple(sorted(importers, key=lambda i: (i.path, i.line)))

    def _may_import(self, file: Path, shadow: Shadow, system: ImportSystem) -> bool:
        modules = self.sources.imported_modules(file)
        if shadow.module in modules or ANY in modules:
            return True
        # A relative import stays inside the top-level package of the file's own package.
        package = self._package_of_file(file, system) if RELATIVE in modules else None
        return package is not None and package.partition(".")[0] == shadow.module.partition(".")[0]

    def _package_of_file(self, file: Path, system: ImportSystem) -> str | None:
        # A file run from the root as a module of its package (python -m pkg.mod, pytest) has
        # __package__ set; a file beside the root's modules runs as a script.
        root = system.run.first
        if root is None:
            return None
        return _package_of_directory(self._directory_of(file), root)

    def _package_scripts(self, index, root: ImportRoot, system, predictor, shadows: list[Shadow]) -> list[Candidate]:
        by_module = {shadow.module: shadow for shadow in shadows}
        importers: dict[str, list[Importer]] = {}
        runs: dict[str, list[str]] = {}
        evidence: dict[str, str | None] = {}
        body: dict[str, str | None] = {}
        for script in index.scripts(root):
            closure = Closure(system, self.sources, self.progress)
            closure.walk(script.path, None)
            for met in closure.met:
                shadow = system.shadow_in(met.specs)
                if shadow is None or shadow.module not in by_module:
                    continue
                module = shadow.module
                if module not in body:
                    body[module] = self.body_error(system, predictor, shadow)
                error = body[module]
                if error is None and met.module is not None:
                    parsed = self.sources.imports(met.file)
                    absolute = _absolute(met.statement, met.package)
                    attributes = parsed.attributes if parsed is not None else ()
                    error = predictor.predict(absolute, module, shadow.local, met.file, attributes) if absolute else None
                importers.setdefault(module, []).append(
                    Importer(
                        relative(met.file, self.cwd), met.statement.line, met.statement.statement, error,
                        self._steps(met.chain), met.statement.cell,
                    )  # fmt: skip
                )
                shown = relative(script.path, self.cwd)
                if shown not in runs.setdefault(module, []):
                    runs[module].append(shown)
                    if evidence.get(module) is None:
                        evidence[module] = script.evidence or index.evidence.documented(script.path)
        found = []
        for module, shadow in by_module.items():
            if module in importers:
                unique = tuple(dict.fromkeys(importers[module]))
                candidate = self._candidate(index, root, shadow, unique)
                found.append(_with_runs(candidate, tuple(runs[module]), evidence.get(module)))
        return found

    def _steps(self, chain: Chain) -> tuple[Step, ...]:
        return tuple(Step(relative(file, self.cwd), s.line, s.statement) for file, s in chain)

    def _candidate(self, index: RootIndex, root: ImportRoot, shadow: Shadow, importers) -> Candidate:
        installed = shadow.installed
        if installed.origin is not None and installed.origin not in ("built-in", "frozen"):
            origin = relative(installed.origin, self.cwd)
        elif installed.origin in ("built-in", "frozen"):
            origin = installed.origin
        elif installed.search_locations or not self.environment.declared_sources:
            origin = "namespace package"
        else:
            origin = "declared in " + ", ".join(self.environment.declared_sources)  # isolation.py
        return Candidate(
            module=shadow.module,
            path=relative(shadow.path, self.cwd),
            local_is_package=shadow.local.kind != MODULE,
            installed_is_package=installed.kind != MODULE,
            shadows=shadow.shadowed,
            root=relative(root.directory, self.cwd),
            root_reason=root.reason,
            at_project_root=root.directory == index.project.root,
            importers=importers,
            origin_shown=origin,
        )


def _with_runs(candidate: Candidate, runs: tuple[str, ...], evidence: str | None) -> Candidate:
    return dataclasses.replace(candidate, runs=runs, run_by_path=evidence)


def _parent(file: Path) -> Path:
    return file.parent


@functools.lru_cache(maxsize=4096)
def _package_of_directory(directory: Path, root: str) -> str | None:
    relative_dir = os.path.relpath(directory, root)
    if relative_dir in (".", "") or relative_dir.startswith(".."):
        return None
    return relative_dir.replace(os.sep, ".")


def _absolute(statement, package: str | None):
    module, _ = absolute_name(statement, package)
    if module is None:
        return None
    return dataclasses.replace(statement, module=module, level=0) if statement.level else statement
