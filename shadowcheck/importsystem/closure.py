"""The import closure of a run: every project file it reaches, and every import statement in them.

Starting from the file a run starts with, each import statement is resolved as that run resolves
it (meta_path.py), and the project source files it reaches (the module, its parent packages'
__init__ files, the submodules a `from pkg import sub` names) are read in turn, depth first in
statement order, each once. Bytecode, extensions and the environment's own files stay unread
here (execution.py reads those, when it must). The walk keeps, for each file, the chain of
imports that reached it, so that a finding can show how a run gets to a shadow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import NO_PROGRESS, Progress
from shadowcheck.importsystem.finders import Resolution, Spec
from shadowcheck.importsystem.meta_path import ImportSystem
from shadowcheck.source.facts import ImportStatement
from shadowcheck.source.store import SourceStore

# (file, statement) for each import on the way from the run's first file to a file.
Chain = tuple[tuple[Path, ImportStatement], ...]

RELATIVE_IN_SCRIPT = "ImportError: attempted relative import with no known parent package"
RELATIVE_BEYOND_TOP = "ImportError: attempted relative import beyond top-level package"


@dataclass(frozen=True)
class Met:
    """One import statement the walk met, resolved as the run resolves it."""

    file: Path
    package: str | None  # __package__ of the file while it runs
    statement: ImportStatement
    module: str | None  # the absolute module imported; None when a relative import fails
    error: str | None  # why a relative import fails
    resolution: Resolution | None
    specs: tuple[Spec, ...]  # the resolution's specs, and submodules named by `from pkg import sub`
    chain: Chain  # how the run reached ``file``


def absolute_name(statement: ImportStatement, package: str | None) -> tuple[str | None, str | None]:
    """(absolute module, None) or (None, the ImportError) for a possibly relative import."""
    if not statement.level:
        return statement.module, None
    # importlib._bootstrap._resolve_name: one dot is __package__ itself.
    if not package:
        return None, RELATIVE_IN_SCRIPT
    bits = package.rsplit(".", statement.level - 1)
    if len(bits) < statement.level:
        return None, RELATIVE_BEYOND_TOP
    base = bits[0]
    return (f"{base}.{statement.module}" if statement.module else base), None


def package_of(spec: Spec) -> str | None:
    """__package__ while the module of ``spec`` runs: itself for a package, else its parent."""
    name = spec.name if spec.is_package else spec.name.rpartition(".")[0]
    return name or None


class Closure:
    """The walk over one run's project files, from one or more starting files."""

    def __init__(self, system: ImportSystem, sources: SourceStore, progress: Progress = NO_PROGRESS):
        self.system = system
        self.sources = sources
        self.progress = progress
        self.met: list[Met] = []
        self.chains: dict[Path, Chain] = {}  # every file reached, with how it was reached

    def readable(self, spec: Spec) -> bool:
        """A project source file: read and followed."""
        if spec.origin is None or spec.origin in ("built-in", "frozen"):
            return False
        if not spec.origin.endswith(tuple(self.system.environment.source_suffixes)):
            return False
        return self.system.is_project(spec)

    def walk(self, start: Path, package: str | None, chain: Chain = (), first: tuple[Spec, ...] = ()) -> None:
        """Read ``start`` (run with ``__package__`` = ``package``) and everything it reaches.

        ``first`` are modules imported before it runs (runpy imports a `-m` module's parent
        packages first)."""
        stack: list[tuple[Path, str | None, Chain, list[ImportStatement]]] = []
        self._enter(stack, start, package, chain)
        for spec in reversed(first):
            if self.readable(spec) and Path(spec.origin) not in self.chains:  # type: ignore[arg-type]
                self._enter(stack, Path(spec.origin), package_of(spec), chain)  # type: ignore[arg-type]
        while stack:
            file, file_package, file_chain, pending = stack[-1]
            if not pending:
                stack.pop()
                continue
            statement = pending.pop()
            if statement.type_checking:
                continue
            met = self._resolve(file, file_package, statement, file_chain)
            self.met.append(met)
            reached = (*file_chain, (file, statement))
            new = [s for s in met.specs if self.readable(s) and Path(s.origin) not in self.chains]  # type: ignore[arg-type]
            # Python runs a.b.c's parents first; the first pushed last is read first.
            for spec in reversed(list(dict.fromkeys(new))):
                self._enter(stack, Path(spec.origin), package_of(spec), reached)  # type: ignore[arg-type]

    def _enter(self, stack, file: Path, package: str | None, chain: Chain) -> None:
        if file in self.chains:
            return
        self.chains[file] = chain
        parsed = self.sources.imports(file)
        self.progress.advance("files read")
        statements = list(parsed.imports) if parsed is not None else []
        statements.reverse()  # popped from the end: first statement first
        stack.append((file, package, chain, statements))

    def _resolve(self, file: Path, package: str | None, statement: ImportStatement, chain: Chain) -> Met:
        module, error = absolute_name(statement, package)
        if module is None:
            return Met(file, package, statement, None, error, None, (), chain)
        resolution = self.system.resolve(module)
        specs = list(resolution.specs)
        final = resolution.found
        if final is not None and final.is_package:
            for name in statement.names:
                sub = self.system.submodule(final, name)
                if sub is not None:
                    specs.append(sub)
        return Met(file, package, statement, module, None, resolution, tuple(specs), chain)
