"""What the project's files say, read once per run and shared by every command.

Both `check` and `verify` ask one SourceStore; a file that cannot be read or decoded becomes one
Problem and an empty answer, so one bad file never costs the rest of the run. A file read only
in part (by its tokens) becomes a note, unless the parser rejected its syntax and the target's
Python is not newer than the one running shadowcheck: that Python will not run it either, which
is a problem (its imports, read by tokens, still count). With the cache on, what was read is kept per file between
runs (cache.py) and a warm run reads no file; `read_many` reads what is not cached on several
processes when there is enough of it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.cache import Entry, FileCache, stat_key
from shadowcheck.source.reader import LARGE_FILE, SourceImports, read_imports
from shadowcheck.source.workers import read_in_processes, worth_processes


class SourceStore:
    """Each file is read and parsed at most once per run (and, with the cache, once per change)."""

    def __init__(
        self,
        use_cache: bool = False,
        workers: int | None = 1,
        cache_directory: Path | None = None,
        target_version: tuple[int, int] | None = None,
    ):
        """``use_cache``: keep what was read between runs, in ``cache_directory`` (the user cache
        directory by default). ``workers``: processes for `read_many` (1: this one only; None:
        one per core this process may use). ``target_version``: the (major, minor) of the
        interpreter that will run the files: a syntax error is a problem when it is not newer
        than the Python running shadowcheck, a note otherwise (and when it is not given)."""
        self.target_version = target_version
        self._facts: dict[Path, SourceImports | None] = {}
        self._entries: dict[Path, Entry] = {}  # read (cached or by a worker), decoded when asked
        self._modules: dict[Path, frozenset[str]] = {}
        self._bytes: dict[Path, bytes] = {}
        self.problems: list[Problem] = []
        # Files read only in part (their import statements, by tokens), one line each.
        self.notes: list[Problem] = []
        self.workers = workers if workers is not None else _available_cores()
        self._cache: FileCache | None = None
        if use_cache:
            from shadowcheck.environment.probe import cache_dir

            self._cache = FileCache(cache_directory or cache_dir())

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
        if path not in self._facts:
            if path not in self._entries:
                self.read_many([path])
            entry = self._entries.pop(path, None)
            if entry is not None:
                try:
                    self._facts[path] = entry.decoded()
                except ValueError:  # an entry that is not what we wrote: read the file itself
                    self._facts[path] = None
                    self._record(path, _read(path))
        return self._facts[path]

    def imported_modules(self, path: Path) -> frozenset[str]:
        """Every module the file's absolute imports name, parents included (see
        SourceImports.imported_modules), known without decoding its cached facts: a file
        whose set lacks a module need not be asked for its imports. Empty when unreadable."""
        if path not in self._modules:
            if path not in self._facts and path not in self._entries:
                self.read_many([path])
            entry = self._entries.get(path)
            facts = self._facts.get(path)
            self._modules[path] = (
                entry.modules if entry is not None else facts.imported_modules() if facts is not None else frozenset()
            )
        return self._modules[path]

    def read_many(self, paths: Iterable[Path]) -> None:
        """Read every file not yet read in this run: from the cache where it is still valid, the
        rest on ``workers`` processes when there is enough to pay for starting them. Problems and
        notes are recorded in the order of ``paths``, whatever the cache and the workers did."""
        wanted = [p for p in dict.fromkeys(paths) if p not in self._facts and p not in self._entries]
        if not wanted:
            return
        stats = {p: _stat(p) for p in wanted}
        found: dict[Path, Entry | SourceImports | Problem] = {}
        if self._cache is not None:
            cached = self._cache.lookup((str(p), s) for p, s in stats.items() if s is not None)
            found.update((p, cached[str(p)]) for p in wanted if str(p) in cached)
        missing = [p for p in wanted if p not in found]
        fresh: dict[Path, Entry | SourceImports | Problem] = {}
        if self.workers > 1 and worth_processes(missing, stats):
            fresh = read_in_processes(missing, self.workers)
        for path in missing:
            if path not in fresh:
                fresh[path] = _read(path)
        if self._cache is not None:
            self._cache.store(
                (str(p), stats[p], r if isinstance(r, Entry) else Entry.of(r))
                for p, r in fresh.items()
                if not isinstance(r, Problem) and _unchanged(p, stats[p])
            )
        found.update(fresh)
        for path in wanted:
            self._record(path, found[path])

    def defined(self, origin: str | None) -> dict[str, int] | None:
        """The names the module run from ``origin`` binds at top level; None when that cannot be
        known statically."""
        if origin is None or not origin.endswith(".py"):
            return None  # bytecode, extensions and namespaces: unknown statically
        parsed = self.imports(Path(origin))
        return parsed.defined if parsed is not None else None

    def close(self) -> None:
        """Let go of the cache's database now (otherwise when the store is collected)."""
        if self._cache is not None:
            self._cache.close()

    def _record(self, path: Path, result: Entry | SourceImports | Problem) -> None:
        if isinstance(result, Problem):
            self._problem(result)
            self._facts[path] = None
            return
        if isinstance(result, Entry):
            self._entries[path] = result
        else:
            self._facts[path] = result
        if result.unreadable:
            lines = ", ".join(map(str, result.unreadable))
            self._problem(Problem(f"cannot read the import statement at line {lines} ({result.partial})", str(path)))
        elif result.partial:
            self._read_in_part(path, result)

    def _read_in_part(self, path: Path, result: Entry | SourceImports) -> None:
        syntax_error = self._syntax_error(path, result)
        if syntax_error is None or self.target_version is None:
            note = Problem(f"imports read without the parser: {result.partial}", str(path))
        else:
            line, message = syntax_error
            target, running = _shown(self.target_version), _shown(sys.version_info[:2])
            if tuple(self.target_version) <= sys.version_info[:2]:
                # The running parser's verdict is the target's: that Python will not run the file.
                why = f"syntax error: {message} (Python {target} will not run it; its imports were read from its tokens)"
                self._problem(Problem(why, str(path), line or None))
                return
            why = f"cannot judge Python {target} syntax with Python {running}, which rejects it ({message}); its imports were read from its tokens"
            note = Problem(why, str(path), line or None)
        if note not in self.notes:
            self.notes.append(note)

    def _syntax_error(self, path: Path, result: Entry | SourceImports) -> tuple[int, str] | None:
        # A cached entry's summary says only that the file was read in part; why is in its facts,
        # decoded here (read in part is rare) and kept so that they are decoded once.
        if isinstance(result, SourceImports):
            return result.syntax_error
        try:
            facts = result.decoded()
        except ValueError:
            return None  # imports() reads the file itself when its facts are asked for
        self._entries.pop(path, None)
        self._facts[path] = facts
        return facts.syntax_error

    def _problem(self, problem: Problem) -> None:
        # The same unreadable file can be asked for twice (bytes, then imports): one line.
        if problem not in self.problems:
            self.problems.append(problem)


def _shown(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version[:2]))


def _read(path: Path) -> SourceImports | Problem:
    try:
        return read_imports(path)
    except SourceError as error:
        return error.problem


def _unchanged(path: Path, before: os.stat_result | None) -> bool:
    # A file changed while it was read is kept under neither stat.
    after = _stat(path)
    return before is not None and after is not None and stat_key(before) == stat_key(after)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
