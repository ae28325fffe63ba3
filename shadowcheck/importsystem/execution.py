"""What importing a module would raise, read from sources in the order Python runs them.

``importlib._bootstrap._load_unlocked`` puts a module in sys.modules, runs its body, and takes
it out again if the body raises: so the first import statement (at module level, in file order,
depth first through the modules it imports) that meets a shadow and fails is where the whole
import fails, and every later import of that module fails the same way. This reads files,
never runs them: project sources always, the environment's own sources (the standard
library's runpy, an installed package's __init__) only when asked, for the chain from an
installed import down to a project module that hides one of its dependencies.

Only failures that come from the project's shadows are predicted: a missing module inside an
installed package may be found by a finder this model does not know (six.moves, editable
installs' import hooks), so it never stops the walk.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.importsystem.closure import Chain, absolute_name, package_of
from shadowcheck.importsystem.finders import MODULE, Spec
from shadowcheck.importsystem.meta_path import ImportSystem, Shadow
from shadowcheck.importsystem.predict import Predictor
from shadowcheck.source.facts import ImportStatement, runs_on_import
from shadowcheck.source.store import SourceStore

# Import nesting beyond this is not followed (CPython itself needs several C frames a level).
MAX_DEPTH = 150
# The environment's files read for one run at most: the walk through installed packages stays
# bounded whatever they import (tensorflow alone imports thousands of modules).
MAX_INSTALLED_FILES = 5000


@dataclass(frozen=True)
class Failure:
    """The exception an import raises, and where."""

    error: str  # the line Python prints
    file: Path  # the file whose statement raises it
    statement: ImportStatement
    shadow: Shadow  # the project module behind it
    chain: Chain  # the imports from where the walk started down to ``file``


class Execution:
    """sys.modules for one run, filled as module bodies are read in execution order."""

    def __init__(self, system: ImportSystem, sources: SourceStore, predictor: Predictor, follow_installed: bool):
        self.system = system
        self.sources = sources
        self.predictor = predictor
        self.follow_installed = follow_installed
        self.loaded: set[str] = set(system.preloaded)
        self.failed: dict[str, Failure] = {}
        self._running: list[str] = []  # modules whose bodies are running, outermost first
        self.files_read = 0
        self.installed_read = 0

    def source(self, spec: Spec) -> Path | None:
        """The file whose body runs for ``spec``, when it is one this execution reads."""
        if spec.origin == "built-in":
            return None
        project = self.system.is_project(spec)
        if not project and (not self.follow_installed or self.installed_read >= MAX_INSTALLED_FILES):
            return None
        origin = spec.origin
        if origin == "frozen":
            # A frozen module runs the code of its source in the standard library.
            origin = self.system.installed.source_of(spec.name)
        if origin is None or not origin.endswith(tuple(self.system.environment.source_suffixes)):
            return None
        return Path(origin)

    def import_module(self, name: str, chain: Chain = ()) -> Failure | None:
        """``import name`` (every part, parents first); the failure it raises, if any."""
        resolution = self.system.resolve(name)
        for spec in resolution.specs:
            failure = self._load(spec, chain)
            if failure is not None:
                return failure
        return None

    def _load(self, spec: Spec, chain: Chain) -> Failure | None:
        name = spec.name
        if name in self.failed:
            return self.failed[name]
        if name in self.loaded:
            return None
        self.loaded.add(name)
        file = self.source(spec)
        if file is None or len(self._running) >= MAX_DEPTH:
            return None
        if not self.system.is_project(spec):
            self.installed_read += 1
        self._running.append(name)
        try:
            failure = self.run_file(file, package_of(spec), chain)
        finally:
            self._running.pop()
        if failure is not None:
            # _load_unlocked: a body that raises leaves sys.modules.
            self.loaded.discard(name)
            self.failed[name] = failure
        return failure

    def run_file(self, file: Path, package: str | None, chain: Chain = ()) -> Failure | None:
        """Run ``file``'s module-level imports in order; the first failure that escapes it."""
        parsed = self.sources.imports(file)
        if parsed is None:
            return None
        self.files_read += 1
        attributes = runs_on_import(parsed)
        # An attribute read that will fail raises at its own line, after the imports above it.
        later: list[tuple[int, Failure]] = []
        for statement in parsed.imports:
            if statement.type_checking or statement.in_function or statement.dynamic:
                continue
            if any(first <= statement.line <= last for first, last in parsed.main_blocks):
                continue
            due = [f for line, f in later if line < statement.line]
            if due:
                return due[0]
            failure, line = self._statement(file, package, statement, attributes, chain)
            if failure is None or statement.guarded and line == statement.line:
                continue
            if line == statement.line:
                return failure
            later.append((line, failure))
            later.sort(key=lambda item: item[0])
        return later[0][1] if later else None

    def _statement(self, file, package, statement: ImportStatement, attributes, chain: Chain) -> tuple[Failure | None, int]:
        line = statement.line
        module, _ = absolute_name(statement, package)
        if module is None:
            return None, line  # a relative import with no package fails on its own, not by a shadow
        reached = (*chain, (file, statement))
        failure = self.import_module(module, reached)
        if failure is not None:
            return failure, line
        resolution = self.system.resolve(module)
        specs = list(resolution.specs)
        final = resolution.found
        if final is not None:
            for name in statement.names:
                sub = self.system.submodule(final, name)
                if sub is not None:
                    specs.append(sub)
                    failure = self._load(sub, reached)
                    if failure is not None:
                        return failure, line
        shadow = self.system.shadow_in(specs)
        if shadow is None:
            return None, line
        absolute = dataclasses.replace(statement, module=module, level=0)
        initializing = shadow.module in self._running
        error, line = self.predictor.predict_at(absolute, shadow.module, shadow.local, file, attributes, initializing)
        if error is None:
            return None, line
        return Failure(error, file, statement, shadow, chain), line

    def body_error(self, shadow: Shadow) -> Failure | None:
        """What importing the shadowing module itself raises, with sys.modules as at start."""
        if shadow.local.kind == MODULE and shadow.local.origin is None:
            return None
        return self.import_module(shadow.module)
