"""Import roots: the directories Python puts first on sys.path when project code runs.

A module can only shadow something from a directory that is an import root: the script's
directory for ``python script.py``, the working directory for ``python -m``, pytest and
notebooks. A module deep inside a library package is imported as ``pkg.mod`` and hides nothing,
except from the scripts that run from inside that package: those make its directory a root for
their own runs only (PackageScript), and only when they can run as files at all.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.importsystem.finders import Suffixes
from shadowcheck.source.store import SourceStore
from shadowcheck.source.tree import Project

PROJECT_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py"})

PROJECT_ROOT, SRC_LAYOUT, SCRIPTS, NOTEBOOKS, CONFIGURED, SUB_PROJECT, PACKAGE_SCRIPTS = (
    "project root", "src layout", "scripts", "notebooks", "configured", "sub-project", "package scripts",
)  # fmt: skip


@dataclass(frozen=True)
class PackageScript:
    """A file inside a package that is meant to run as ``python path/to/file.py``."""

    path: Path
    # Why the project evidently runs it by path (it passes __file__ to its runner, it is an
    # executable with a shebang, its documentation says `python path/file.py`); None when it
    # only looks runnable (a __main__ guard, a copied shebang).
    evidence: str | None


@dataclass(frozen=True)
class ImportRoot:
    """A directory the project's runs put first on sys.path."""

    directory: Path
    reason: str  # why it is a root, for messages: PROJECT_ROOT, SCRIPTS, ...
    # PACKAGE_SCRIPTS: the files that look runnable (a shebang, a __main__ guard); which of
    # them can run as files is read only when the folder holds a shadow (RootIndex.scripts).
    candidates: tuple[Path, ...] = ()

    @property
    def whole(self) -> bool:
        """Every run from here imports the root's modules (not only the scripts' closures)."""
        return self.reason != PACKAGE_SCRIPTS


class RootIndex:
    """The import roots of a project, and which of them each project file runs under."""

    def __init__(
        self,
        project: Project,
        suffixes: Suffixes,
        sources: SourceStore,
        configured: tuple[Path, ...] = (),
        evidence: RunEvidence | None = None,
    ):
        self.project = project
        self.sources = sources
        inits = {"__init__" + s for s in suffixes.in_loader_order}
        self._is_package = {d: not inits.isdisjoint(names) for d, names in project.directories.items()}
        self._in_package: dict[Path, bool] = {}
        self._base: dict[Path, Path] = {}
        self.evidence = evidence or RunEvidence(project, sources)
        by_directory: dict[Path, str] = {}
        if not self._is_package.get(project.root, False):
            by_directory[project.root] = PROJECT_ROOT
        src = project.root / "src"
        if src in project.directories and not self._is_package[src]:
            by_directory.setdefault(src, SRC_LAYOUT)
        for directory, names in project.directories.items():
            # A folder with its own build files is a project of its own: its build and its
            # scripts run there (flash-attention's flash_attn/cute/), package or not.
            if directory != project.root and not PROJECT_FILES.isdisjoint(names):
                by_directory.setdefault(directory, SUB_PROJECT)
        scripts: dict[Path, list[Path]] = {}
        for file in project.python_files:
            directory = project.directory(file)
            if directory in by_directory:
                continue
            if not self.in_package(directory):
                by_directory[directory] = SCRIPTS
            elif self.sources.runnable(file):  # a shebang or a __main__ guard (scan.py)
                scripts.setdefault(directory, []).append(file)
        for notebook in project.notebooks:
            by_directory.setdefault(project.directory(notebook), NOTEBOOKS)
        for directory in configured:
            if not directory.is_dir():
                raise ShadowcheckError(f"configured root {directory} is not a directory")
            by_directory.setdefault(Path(os.path.abspath(directory)), CONFIGURED)
        roots = [ImportRoot(d, r) for d, r in by_directory.items()]
        roots += [ImportRoot(d, PACKAGE_SCRIPTS, tuple(s)) for d, s in scripts.items() if d not in by_directory]
        self.roots = tuple(sorted(roots, key=lambda root: root.directory))
        self._by_directory = {root.directory: root for root in self.roots if root.whole}

    def is_package(self, directory: Path) -> bool:
        return self._is_package.get(directory, False)

    def in_package(self, directory: Path) -> bool:
        """True for a regular package and everything below one (up to the project root)."""
        # Up to the first directory whose answer is known, then down again: no recursion, so
        # any depth of folders is fine.
        path: list[Path] = []
        current = directory
        while current not in self._in_package:
            if current == self.project.root or current not in self._is_package:
                # The project root is a package only when it holds __init__.py itself.
                self._in_package[current] = current == self.project.root and self._is_package.get(current, False)
                break
            path.append(current)
            current = current.parent
        known = self._in_package[current]
        for below in reversed(path):
            known = self._is_package[below] or known
            self._in_package[below] = known
        return self._in_package[directory]

    def package_base(self, directory: Path) -> Path:
        """The directory that must be on sys.path to import modules in ``directory``."""
        # Up to the first directory whose answer is known, each answer kept: linear in the
        # depth of the tree, however many files sit deep in it.
        path: list[Path] = []
        current = directory
        while current not in self._base:
            if current == self.project.root or not self.in_package(current):
                root_is_package = current == self.project.root and self.is_package(current)
                self._base[current] = current.parent if root_is_package else current
                break
            path.append(current)
            current = current.parent
        base = self._base[current]
        for below in path:
            self._base[below] = base
        return base

    def roots_of(self, file: Path) -> tuple[ImportRoot, ...]:
        """The roots (run as a whole) that come first on sys.path when ``file`` runs or is imported."""
        found = []
        parent = self.project.directory(file)
        for directory in (parent, self.package_base(parent)):
            root = self._by_directory.get(directory)
            if root is not None and root not in found:
                found.append(root)
        return tuple(found)

    def scripts(self, root: ImportRoot) -> tuple[PackageScript, ...]:
        """The files of a PACKAGE_SCRIPTS root that can run as files (parsed when asked)."""
        found = (self._package_script(file) for file in root.candidates)
        return tuple(script for script in found if script is not None)

    def _package_script(self, file: Path) -> PackageScript | None:
        parsed = self.sources.imports(file)
        if parsed is None:
            return None
        evidence = self.evidence.of(file, parsed)
        own = self._top_package(file.parent)
        for statement in parsed.imports:
            if statement.in_function or statement.guarded or statement.type_checking or statement.dynamic:
                continue
            # `python file.py` fails at a module-level relative import: no parent package.
            if statement.level:
                return None
            # Importing its own package by absolute name is how a module run with
            # `python -m pkg.mod` reaches its siblings (monobase's build.py): by path it
            # finds that package only if the project is installed. Unless the project
            # evidently runs it by path anyway, it is not meant to run as a file.
            if evidence is None and statement.top_level == own:
                return None
        return PackageScript(file, evidence)

    def _top_package(self, directory: Path) -> str:
        while directory != self.project.root and self.in_package(directory.parent):
            directory = directory.parent
        return directory.name


class RunEvidence:
    """Whether the project evidently runs a file inside a package by its path."""

    # Where projects say how to run their files.
    _DOCUMENTS = re.compile(r"(?i)(readme|contributing|makefile|dockerfile|justfile|tox\.ini|noxfile\.py|.*\.(md|rst|txt|sh|bash|ya?ml|cfg|toml|ini|mk))$")
    _LIMIT = 1 << 20  # documents larger than this are not read

    def __init__(self, project: Project, sources: SourceStore):
        self.project = project
        self.sources = sources
        self._documents: list[tuple[Path, bytes]] | None = None

    def of(self, file: Path, parsed) -> str | None:
        guard = parsed.main_guard
        if guard is not None and guard.uses_file:
            # `pytest.main([__file__])`, `unittest.main(argv=[__file__])`: it runs itself.
            return "its __main__ block passes __file__ to " + (guard.calls[0] if guard.calls else "a runner")
        if parsed.shebang:
            try:
                if os.stat(file).st_mode & stat.S_IXUSR:
                    return "it is executable and starts with a shebang"
            except OSError:
                pass
        return None

    def documented(self, file: Path) -> str | None:
        """A document of the project that runs ``file`` as ``python path/to/file.py``."""
        relative = file.relative_to(self.project.root).as_posix()
        pattern = re.compile(rb"python[0-9.]*\s+(?:-\S+\s+)*(?:\./)?" + re.escape(relative.encode()) + rb"\b")
        for document, data in self._read_documents():
            if pattern.search(data):
                return f"{document.relative_to(self.project.root).as_posix()} runs it as `python {relative}`"
        return None

    def _read_documents(self) -> list[tuple[Path, bytes]]:
        if self._documents is None:
            self._documents = []
            for directory, names in self.project.directories.items():
                for name in sorted(names):
                    if not self._DOCUMENTS.match(name):
                        continue
                    path = directory / name
                    try:
                        if not path.is_file() or path.stat().st_size > self._LIMIT:
                            continue
                        data = self.sources.data(path)
                    except OSError:
                        continue
                    if b"python" in data:
                        self._documents.append((path, data))
        return self._documents
