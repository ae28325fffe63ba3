"""What was read from each file, kept between runs in the user's cache directory.

One SQLite database (the standard library's sqlite3: atomic commits, locking between concurrent
runs) per version of shadowcheck, of the reader's code and of the parser that read the files.
Each file has one row: its summary (scan.py), always, and its facts once it was parsed. An entry
is used only while the file's size, modification time and inode are those it was read with,
and only after its value passed codec.decode's checks: a corrupt, truncated, locked or foreign
database is discarded or skipped and the files are read again. Nothing in it is ever executed
or unpickled; the schema is compared with ours before any row is read, so a database carrying
triggers or views of its own is discarded too.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from shadowcheck import __version__
from shadowcheck.digest import sha256
from shadowcheck.source import codec
from shadowcheck.source.facts import SourceImports
from shadowcheck.source.scan import Summary

_SCHEMA = (
    "CREATE TABLE files (path BLOB PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
    "inode INTEGER NOT NULL, modules TEXT NOT NULL, runnable INTEGER NOT NULL, suppressions TEXT, "
    "problem TEXT, partial TEXT, unreadable TEXT, facts BLOB) WITHOUT ROWID"
)
# The modules whose code decides what a file's row holds: a change to any of them is a new cache.
_READER_MODULES = (
    "facts", "reader", "ast_reader", "token_reader", "blocks", "import_statements", "notebooks", "codec",
    "scan", "cache",
)  # fmt: skip
# What the summary columns may hold: dotted names (or ANY, RELATIVE) separated by spaces, each
# name checked once per lookup (_modules); line numbers; codes, each column in one pass.
_MODULE = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)*|\*|\.")
_LINES = re.compile(r"(?:\d+(?: (?=.)|$))*")
_CODES = re.compile(r"(?:(?:\w+|\*)(?: (?=.)|$))*")
_LARGEST_ENTRY = 64 << 20  # bytes of JSON one entry may expand to
_LARGEST_SUMMARY = 1 << 20  # characters of one summary column
# The last five columns of a row without suppressions, problem, partial reading or facts.
_PLAIN_ROW = [None] * 5
_LARGEST_DATABASE = 1 << 30  # beyond this the database is started again
_BATCH = 500  # paths per SELECT (SQLite allows 999 parameters before 3.32)
# Files changed this recently may change again within their file system's timestamp tick (up to
# 2 s on FAT, 1 s on HFS+ and ext3, a clock tick on others) without a new mtime: not kept yet.
_SETTLING_NS = 2_000_000_000
_COARSE_SETTLING_NS = 50_000_000


@dataclass(frozen=True)
class Entry:
    """What the cache holds for one file: its summary, and its facts once it was parsed
    (their modules are then the exact ones), decoded when asked."""

    summary: Summary
    facts: bytes | None = None  # compressed JSON of codec.encode(SourceImports)
    partial: str | None = None
    unreadable: tuple[int, ...] = ()

    def decoded(self) -> SourceImports:
        """The facts; ValueError when there are none or they are not what codec.encode wrote."""
        if self.facts is None:
            raise ValueError("no facts")
        return codec.decode(_expand(self.facts))

    @staticmethod
    def of(summary: Summary, facts: SourceImports, blob: bytes | None = None) -> Entry:
        """The entry of a parsed file: its summary, with the modules its facts name."""
        exact = Summary(facts.imported_modules(), summary.runnable, summary.suppressions, summary.problem)
        return Entry(exact, compressed(facts) if blob is None else blob, facts.partial, facts.unreadable)


def compressed(facts: SourceImports) -> bytes:
    """The facts as the cache keeps them."""
    return zlib.compress(json.dumps(codec.encode(facts), separators=(",", ":")).encode(), 1)


def reader_version() -> str:
    """A digest of everything that decides what the reader says about a file."""
    digest = sha256(f"{__version__} {sys.version_info[0]}.{sys.version_info[1]}".encode())
    here = Path(__file__).parent
    for name in _READER_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:24]


def stat_key(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def settled(stat: os.stat_result, now_ns: int | None = None) -> bool:
    """Whether the file was last changed long enough ago for its stat to tell the next change."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    whole_seconds = stat.st_mtime_ns % 1_000_000_000 == 0
    return now_ns - stat.st_mtime_ns > (_SETTLING_NS if whole_seconds else _COARSE_SETTLING_NS)


class FileCache:
    """Facts (as JSON text) by path and stat, in one SQLite file under ``directory``."""

    def __init__(self, directory: Path):
        self.path = directory / f"sources-{reader_version()}.sqlite3"
        self._db = None
        self._opened = False

    # -- reading ----------------------------------------------------------------------------
    def lookup(self, entries: Iterable[tuple[str, os.stat_result]]) -> dict[str, Entry]:
        """The entry of every file whose stat is still the one it was read with."""
        encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # os.fsencode's
        wanted = {path.encode(encoding, errors): (path, stat_key(stat)) for path, stat in entries}
        db = self._connection(create=False)
        found: dict[str, Entry] = {}
        if db is None or not wanted:
            return found
        valid: set[str] = set()  # the module names seen to be well formed so far
        try:
            for raw_path, size, mtime_ns, inode, modules, runnable, *rest in self._rows(db, wanted):
                path, key = wanted.get(raw_path, (None, None))
                if path is None or (size, mtime_ns, inode) != key:
                    continue
                if rest == _PLAIN_ROW and type(modules) is str and type(runnable) is int:
                    # Most rows: a summary without suppressions or problem, no facts.
                    names = _modules(modules, valid) if len(modules) <= _LARGEST_SUMMARY else None
                    if names is not None:
                        found[path] = codec.filled(Entry, (codec.filled(Summary, (names, bool(runnable))),))
                    continue
                entry = _entry(modules, runnable, *rest, valid)
                if entry is not None:
                    found[path] = entry
        except self._errors():
            return {}
        return found

    def _rows(self, db, wanted: dict[bytes, object]) -> Iterator[tuple]:
        # A tree's paths share their project's directory: the rows below it are one range of
        # the primary key, read in one query, when they are not many more than the rows wanted
        # (the count is read off the same index). Otherwise, the paths in batches.
        columns = "path, size, mtime_ns, inode, modules, runnable, suppressions, problem, partial, unreadable, facts"
        keys = list(wanted)
        prefix, upper = _prefix_range(min(keys), max(keys))
        if upper is not None and len(keys) > _BATCH:
            within = "path >= ? AND path < ?"
            (count,) = db.execute(f"SELECT count(*) FROM files WHERE {within}", (prefix, upper)).fetchone()
            if count <= 2 * len(keys):
                yield from db.execute(f"SELECT {columns} FROM files WHERE {within}", (prefix, upper))
                return
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            yield from db.execute(f"SELECT {columns} FROM files WHERE path IN ({','.join('?' * len(batch))})", batch)

    # -- writing ----------------------------------------------------------------------------
    def store(self, rows: Iterable[tuple[str, os.stat_result, Entry]]) -> None:
        """Keep the entries of files that have settled; best effort."""
        now = time.time_ns()
        values = [
            (
                os.fsencode(path), *stat_key(stat), " ".join(sorted(entry.summary.modules)),
                int(entry.summary.runnable), _joined(entry.summary.suppressions), entry.summary.problem,
                entry.partial, None if entry.facts is None else " ".join(map(str, entry.unreadable)), entry.facts,
            )
            for path, stat, entry in rows
            if settled(stat, now)
        ]  # fmt: skip
        if not values:
            return  # nothing created either
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
            db.execute("COMMIT")
        except self._errors():
            try:
                db.execute("ROLLBACK")
            except self._errors():
                pass  # a locked or broken database: the next run reads these files again

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- the database -----------------------------------------------------------------------
    def _errors(self) -> tuple[type[BaseException], ...]:
        import sqlite3

        return (sqlite3.Error, OSError)

    def _connection(self, create: bool = True):
        if self._opened:
            return self._db
        if not create and not self.path.exists():
            # Nothing kept yet: a lookup answers nothing and creates nothing (store() does, when
            # there is something to keep). A run interrupted before it wrote leaves no file.
            return None
        self._opened = True
        try:
            import sqlite3  # some Python builds leave it out: then there is no cache
        except ImportError:
            return None
        for _attempt in range(2):
            try:
                self._db = self._open(sqlite3)
                return self._db
            except (sqlite3.Error, OSError, ValueError):
                self._discard()
        return None

    def _open(self, sqlite3):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if self.path.stat().st_size > _LARGEST_DATABASE:
                self._discard()
        except FileNotFoundError:
            pass
        db = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA trusted_schema = OFF")
            # A cache needs atomic commits, not durable ones: a commit that a crash loses is
            # only read again. Syncing to disk at each commit would cost more than reading.
            db.execute("PRAGMA synchronous = OFF")
            schema = [row[0] for row in db.execute("SELECT sql FROM sqlite_master")]
            if not schema:
                db.execute("BEGIN IMMEDIATE")
                if not [row for row in db.execute("SELECT sql FROM sqlite_master")]:
                    db.execute(_SCHEMA)
                db.execute("COMMIT")
                schema = [row[0] for row in db.execute("SELECT sql FROM sqlite_master")]
            if schema != [_SCHEMA]:
                raise ValueError("not our schema")
        except BaseException:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        self.close()
        for suffix in ("", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except OSError:
                pass


def _prefix_range(first: bytes, last: bytes) -> tuple[bytes, bytes | None]:
    # The longest prefix of every key between ``first`` and ``last`` (sorted as SQLite sorts
    # blobs, byte by byte), and the smallest key above all that start with it (None: no bound).
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    prefix = first[:length]
    stem = prefix.rstrip(b"\xff")
    if not stem:
        return prefix, None
    return prefix, stem[:-1] + bytes([stem[-1] + 1])


def _joined(codes: frozenset[str] | None) -> str | None:
    return None if codes is None else " ".join(sorted(codes))


def _entry(
    modules: object, runnable: object, suppressions: object, problem: object, partial: object,
    unreadable: object, facts: object, valid: set[str],
) -> Entry | None:  # fmt: skip
    # Each column checked for its type and size; the facts themselves when they are asked for.
    # Written for the common row (no suppressions, problem or partial reading, facts with no
    # unreadable lines, or none): it runs once per file of a warm run.
    if type(modules) is not str or type(runnable) is not int or len(modules) > _LARGEST_SUMMARY:
        return None
    lines: tuple[int, ...] = ()
    if facts is None:
        if unreadable is not None:
            return None
    elif type(facts) is not bytes or type(unreadable) is not str:
        return None
    elif unreadable:
        if len(unreadable) > _LARGEST_SUMMARY or _LINES.fullmatch(unreadable) is None:
            return None
        lines = tuple(int(line) for line in unreadable.split())
    codes = None
    if suppressions is not None or problem is not None or partial is not None:
        for text in (suppressions, problem, partial):
            if text is not None and (type(text) is not str or len(text) > _LARGEST_SUMMARY):
                return None
        if suppressions is not None:
            if _CODES.fullmatch(suppressions) is None:  # type: ignore[arg-type]
                return None
            codes = frozenset(suppressions.split())  # type: ignore[union-attr]
    names = _modules(modules, valid)
    if names is None:
        return None
    summary = codec.filled(Summary, (names, bool(runnable), codes, problem))
    return codec.filled(Entry, (summary, facts, partial, lines))


def _modules(modules: str, valid: set[str]) -> frozenset[str] | None:
    # The names, one space apart (none doubled, none at either end); None when one is not a
    # name. A tree's files name the same few hundred modules: a name is matched the first time
    # it is seen, every later row costs a subset test (a regex over every row was a fifth of a
    # warm run's lookup on 20,000 files).
    if not modules:
        return frozenset()
    names = frozenset(modules.split(" "))
    if not names <= valid:
        for name in names - valid:
            if _MODULE.fullmatch(name) is None:
                return None
            valid.add(name)
    return names


def _expand(facts: bytes) -> object:
    # Bounded: a small hostile entry must not expand into gigabytes, nor nest deeper than the
    # JSON decoder's recursion can take.
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(facts, _LARGEST_ENTRY)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("an entry larger than any file's facts")
        return json.loads(text)
    except (zlib.error, RecursionError) as error:
        raise ValueError(str(error)) from None
