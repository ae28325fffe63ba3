"""What the project's files say, read once per run and shared by every command.

Both `check` and `verify` ask one SourceStore. A file is known at two depths: its summary
(scan.py: which modules it could import, whether it looks runnable, its suppression comments),
which `read_many` takes for every file of the tree, and its facts (the parser's exact reading),
which `parse_many` and `imports` take only for the files a question needs. A file that cannot be
read or decoded becomes one Problem and an empty answer, so one bad file never costs the rest of
the run. A file read only in part (by its tokens) becomes a note when its facts are used, unless
the parser rejected its syntax and the target's Python is not newer than the one running
shadowcheck: that Python will not run it either, which is a problem (its imports, read by
tokens, still count).

With the cache on, both depths are kept per file between runs (cache.py): a warm run with
nothing changed stats the files and reads none. Many files are scanned or parsed on several
processes when there are enough of them (workers.py).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from shadowcheck.ftypes import Problem
from shadowcheck.source.cache import Entry, FileCache, stat_key
from shadowcheck.source.facts import SourceImports
from shadowcheck.source.scan import Summary
from shadowcheck.source.workers import (
    parse_file,
    parse_in_processes,
    scan_in_processes,
    scan_one,
    worth_parsing_in_processes,
    worth_scanning_in_processes,
)

_NOTHING = Summary(frozenset())  # what an unreadable file could import


class SourceStore:
    """Each file is scanned and parsed at most once per run (and, with the cache, once per change)."""

    def __init__(
        self,
        use_cache: bool = False,
        workers: int | None = 1,
        cache_directory: Path | None = None,
        target_version: tuple[int, int] | None = None,
    ):
        """``use_cache``: keep what was read between runs, in ``cache_directory`` (the user cache
        directory by default). ``workers``: processes that scan and parse (1: this one only;
        None: one per core this process may use). ``target_version``: the (major, minor) of the
        interpreter that will run the files: a syntax error is a problem when it is not newer
        than the Python running shadowcheck, a note otherwise (and when it is not given)."""
        self.target_version = target_version
        self._stats: dict[Path, os.stat_result | None] = {}
        self._summaries: dict[Path, Summary] = {}
        self._entries: dict[Path, Entry] = {}  # cached facts, decoded when asked
        self._facts: dict[Path, SourceImports | None] = {}
        self._used: set[Path] = set()  # files whose facts were asked for (their notes recorded)
        self._pending: dict[Path, Entry] = {}  # rows for the cache, written by close()
        self._bytes: dict[Path, bytes] = {}
        self.problems: list[Problem] = []
        # Files read only in part (their import statements, by tokens), one line each.
        self.notes: list[Problem] = []
        self.workers = workers if workers is not None else _available_cores()
        self._cache: FileCache | None = None
        if use_cache:
            from shadowcheck.environment.probe import cache_dir

            self._cache = FileCache(cache_directory or cache_dir())

    # -- summaries --------------------------------------------------------------------------
    def read_many(self, paths: Iterable[Path]) -> None:
        """Take the summary of every file not yet known in this run: from the cache where it is
        still valid, else by scanning it (on ``workers`` processes when there are enough files).
        Problems are recorded in the order of ``paths``, whatever the cache and the workers did."""
        summaries = self._summaries
        wanted = [p for p in dict.fromkeys(paths) if p not in summaries]
        if not wanted:
            return
        stats = self._stats
        for path in wanted:
            stats[path] = _stat(path)
        found: dict[Path, Summary | Problem] = {}
        if self._cache is not None:
            # By each file's own path string (os.stat made it, and Path keeps it).
            names = {str(p): p for p in wanted if stats[p] is not None}
            entries = self._entries
            for name, entry in self._cache.lookup((name, stats[p]) for name, p in names.items()).items():
                path = names[name]
                found[path] = entry.summary
                if entry.facts is not None:
                    entries[path] = entry
        missing = [p for p in wanted if p not in found] if len(found) < len(wanted) else []
        if self.workers > 1 and worth_scanning_in_processes(missing):
            found.update(scan_in_processes(missing, self.workers))
        for path in missing:
            if path not in found:
                found[path] = scan_one(path)
            answer = found[path]
            if isinstance(answer, Summary) and self._cache is not None and stats[path] is not None:
                self._pending[path] = Entry(answer)
        for path in wanted:
            answer = found[path]
            if type(answer) is not Summary or answer.problem is not None:
                if isinstance(answer, Problem):
                    self._problem(answer)
                    answer = _NOTHING
                elif answer.problem is not None:
                    self._problem(Problem(answer.problem, str(path)))
            summaries[path] = answer

    def summary(self, path: Path) -> Summary:
        """The file's summary (scan.py); an empty one, with a problem recorded, when it cannot
        be read."""
        if path not in self._summaries:
            self.read_many([path])
        return self._summaries[path]

    def imported_modules(self, path: Path) -> frozenset[str]:
        """Every module the file could import (scan.Summary.modules; exactly once the file was
        parsed): a file whose set lacks a module, RELATIVE and ANY need not be parsed for it."""
        return self.summary(path).modules

    def runnable(self, path: Path) -> bool:
        """Whether the file looks meant to run directly: a shebang or a ``__main__`` guard."""
        return self.summary(path).runnable

    def suppressions(self, path: Path) -> frozenset[str] | None:
        """The codes the file's `# shadowcheck: ignore[...]` comments name (scan.EVERY_CODE for
        a comment without codes); None when it has none."""
        return self.summary(path).suppressions

    # -- facts ------------------------------------------------------------------------------
    def parse_many(self, paths: Iterable[Path]) -> None:
        """Make the facts of ``paths`` ready (from the cache, else parsed, on ``workers``
        processes when there is enough to parse), without using them yet."""
        paths = list(dict.fromkeys(paths))
        self.read_many(paths)
        self._parse(
            [
                p for p in paths
                if p not in self._facts and p not in self._entries and self._summaries[p].problem is None
                and self._stats.get(p) is not None
            ]
        )  # fmt: skip

    def imports(self, path: Path) -> SourceImports | None:
        """What the file imports and binds; None, with a problem recorded, when it cannot be
        read. A file read only in part is noted here, where its facts are used."""
        if path not in self._facts:
            if path not in self._entries:  # most importers of a warm run are in the cache
                self.parse_many([path])
            entry = self._entries.pop(path, None)
            if entry is not None:
                try:
                    self._facts[path] = entry.decoded()
                except ValueError:  # an entry that is not what we wrote: read the file itself
                    self._parse([path])
            self._facts.setdefault(path, None)
        facts = self._facts[path]
        if facts is not None and path not in self._used:
            self._used.add(path)
            self._note(path, facts)
        return facts

    def _parse(self, paths: list[Path]) -> None:
        if not paths:
            return
        for_cache = self._cache is not None
        parsed: dict[Path, tuple | Problem] = {}
        sizes = {p: s.st_size for p in paths if (s := self._stats.get(p)) is not None}
        if self.workers > 1 and worth_parsing_in_processes(paths, sizes):
            parsed = parse_in_processes(paths, self.workers, for_cache)
        for path in paths:
            answer = parsed.get(path) or parse_file(path, for_cache)
            if isinstance(answer, Problem):
                self._facts[path] = None
                self._problem(answer)
                continue
            facts, blob = answer
            self._facts[path] = facts
            summary = self._summaries.get(path, _NOTHING)
            self._summaries[path] = Summary(facts.imported_modules(), summary.runnable, summary.suppressions)
            if for_cache and _unchanged(path, self._stats.get(path)):
                self._pending[path] = Entry.of(summary, facts, blob)

    def defined(self, origin: str | None) -> dict[str, int] | None:
        """The names the module run from ``origin`` binds at top level; None when that cannot be
        known statically."""
        if origin is None or not origin.endswith(".py"):
            return None  # bytecode, extensions and namespaces: unknown statically
        parsed = self.imports(Path(origin))
        return parsed.defined if parsed is not None else None

    # -- bytes ------------------------------------------------------------------------------
    def data(self, path: Path) -> bytes:
        """The file's bytes (empty, with a problem recorded, when it cannot be read)."""
        if path in self._bytes:
            return self._bytes[path]
        try:
            data = path.read_bytes()
        except OSError as error:
            self._problem(Problem(f"cannot read: {error.strerror}", str(path)))
            data = b""
        from shadowcheck.source.reader import LARGE_FILE

        if len(data) <= LARGE_FILE:  # a large file is read again rather than held
            self._bytes[path] = data
        return data

    def close(self, keep: bool = True) -> None:
        """Write what this run read to the cache (unless not ``keep``: an interrupted run), and
        let go of it."""
        if self._cache is not None:
            pending, self._pending = self._pending, {}
            if keep:
                self._cache.store((str(p), s, e) for p, e in pending.items() if (s := self._stats.get(p)) is not None)
            self._cache.close()

    def _note(self, path: Path, facts: SourceImports) -> None:
        if facts.unreadable:
            lines = ", ".join(map(str, facts.unreadable))
            self._problem(Problem(f"cannot read the import statement at line {lines} ({facts.partial})", str(path)))
            return
        if not facts.partial:
            return
        if facts.syntax_error is None or self.target_version is None:
            note = Problem(f"imports read without the parser: {facts.partial}", str(path))
        else:
            line, message = facts.syntax_error
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

    def _problem(self, problem: Problem) -> None:
        # The same unreadable file can be asked for twice (bytes, then imports): one line.
        if problem not in self.problems:
            self.problems.append(problem)


def _shown(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version[:2]))


def _unchanged(path: Path, before: os.stat_result | None) -> bool:
    # A file changed since it was scanned is not kept under the stat it was scanned with.
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
