"""What the project's files say, read once per run and shared by every command.

Both `check` and `verify` ask one SourceStore; a file that cannot be read or decoded becomes one
Problem and an empty answer, so one bad file never costs the rest of the run. A file read only
in part (by its tokens) becomes a note.
"""

from __future__ import annotations

from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.reader import LARGE_FILE, SourceImports, read_imports


class SourceStore:
    """Each file is read and parsed at most once per run."""

    def __init__(self) -> None:
        self._imports: dict[Path, SourceImports | None] = {}
        self._bytes: dict[Path, bytes] = {}
        self.problems: list[Problem] = []
        # Files read only in part (their import statements, by tokens), one line each.
        self.notes: list[Problem] = []

    def data(self, path: Path) -> bytes:
        """The file's bytes (empty, with a problem recorded, when it cannot be read)."""
        if path in self._bytes:
            return self._bytes[path]
        try:
            data = path.read_bytes()
        except OSError as error:
            self._problem(Problem(f"cannot read: {error.strerror}", str(path)))
            data = b""
        if len(data) <= LARGE_FILE:  # a large file is read again rather than held
            self._bytes[path] = data
        return data

    def imports(self, path: Path) -> SourceImports | None:
        """What the file imports and binds; None, with a problem recorded, when it cannot be read."""
        if path not in self._imports:
            try:
                self._record(path, read_imports(path))
            except SourceError as error:
                self._problem(error.problem)
                self._imports[path] = None
        return self._imports[path]

    def defined(self, origin: str | None) -> dict[str, int] | None:
        """The names the module run from ``origin`` binds at top level; None when that cannot be
        known statically."""
        if origin is None or not origin.endswith(".py"):
            return None  # bytecode, extensions and namespaces: unknown statically
        parsed = self.imports(Path(origin))
        return parsed.defined if parsed is not None else None

    def _record(self, path: Path, result: SourceImports) -> None:
        self._imports[path] = result
        if result.unreadable:
            lines = ", ".join(map(str, result.unreadable))
            self._problem(Problem(f"cannot read the import statement at line {lines} ({result.partial})", str(path)))
        elif result.partial:
            self.notes.append(Problem(f"imports read without the parser: {result.partial}", str(path)))

    def _problem(self, problem: Problem) -> None:
        # The same unreadable file can be asked for twice (bytes, then imports): one line.
        if problem not in self.problems:
            self.problems.append(problem)
