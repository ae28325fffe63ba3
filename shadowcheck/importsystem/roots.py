"""Import roots: the directories Python puts first on sys.path when project code runs.

A module can only shadow something from a directory that is an import root: the script's
directory for ``python script.py``, the working directory for ``python -m``, pytest and
notebooks. A module deep inside a library package is imported as ``pkg.mod`` and hides nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.ftypes import ShadowcheckError
from shadowcheck.importsystem.finders import Suffixes
from shadowcheck.source.tree import Project

# `if __name__ == "__main__":` at the start of a line, either way round.
_MAIN_GUARD = re.compile(
    rb"""^if\s+(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*:""",
    re.MULTILINE,
)


@dataclass(frozen=True)
class ImportRoot:
    directory: Path
    reason: str  # why it is a root, for messages: "project root", "scripts", ...


def is_script(path: Path) -> bool:
    """A file meant to be run directly: a shebang or a ``__main__`` guard."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.startswith(b"#!") or (b"__main__" in data and _MAIN_GUARD.search(data) is not None)


class RootIndex:
    """The import roots of a project, and which of them each project file runs under."""

    def __init__(self, project: Project, suffixes: Suffixes, configured: tuple[Path, ...] = ()):
        self.project = project
        inits = {"__init__" + s for s in suffixes.in_loader_order}
        self._is_package = {d: not inits.isdisjoint(names) for d, names in project.directories.items()}
        self._in_package: dict[Path, bool] = {}
        by_directory: dict[Path, str] = {project.root: "project root"}
        src = project.root / "src"
        if src in project.directories and not self._is_package[src]:
            by_directory.setdefault(src, "src layout")
        for file in project.python_files:
            directory = file.parent
            if directory in by_directory:
                continue
            if not self.in_package(directory):
                by_directory[directory] = "scripts"
            elif is_script(file):
                by_directory[directory] = "package with a script"
        for notebook in project.notebooks:
            by_directory.setdefault(notebook.parent, "notebooks")
        for directory in configured:
            if not directory.is_dir():
                raise ShadowcheckError(f"configured root {directory} is not a directory")
            by_directory.setdefault(directory, "configured")
        self.roots = tuple(ImportRoot(d, r) for d, r in sorted(by_directory.items()))
        self._by_directory = {root.directory: root for root in self.roots}

    def in_package(self, directory: Path) -> bool:
        """True for a regular package and everything below one (up to the project root)."""
        known = self._in_package.get(directory)
        if known is not None:
            return known
        if directory == self.project.root or directory not in self._is_package:
            result = False
        else:
            result = self._is_package[directory] or self.in_package(directory.parent)
        self._in_package[directory] = result
        return result

    def package_base(self, directory: Path) -> Path:
        """The directory that must be on sys.path to import modules in ``directory``."""
        while directory != self.project.root and self.in_package(directory):
            directory = directory.parent
        return directory

    def roots_of(self, file: Path) -> tuple[ImportRoot, ...]:
        """The roots that come first on sys.path when ``file`` runs or is imported."""
        found = []
        for directory in (file.parent, self.package_base(file.parent)):
            root = self._by_directory.get(directory)
            if root is not None and root not in found:
                found.append(root)
        return tuple(found)
