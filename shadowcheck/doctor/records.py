"""What each installed distribution says it installed (RECORD), against what is on disk now.

Read live from the file system, never from the probe's cached answer: an edited or deleted file
inside site-packages changes no directory the probe's cache watches. Hashes are computed at most
once per file per run, only for the files a rule asks about, and reused from an earlier run
only while the file's own stat is unchanged (digests.py).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from shadowcheck.doctor.digests import DigestCache, hash_files, stat_key
from shadowcheck.ftypes import Distribution, Problem


@dataclass(frozen=True)
class RecordEntry:
    path: str  # as RECORD writes it: relative to the distribution's location, "/"-separated
    algorithm: str | None  # "sha256"; None for the entries RECORD leaves unhashed (.pyc, RECORD)
    digest: str | None  # urlsafe base64 without "=" padding (the wheel spec, PEP 376)
    size: int | None


@dataclass(frozen=True)
class FileState:
    """One installed file compared with its entry: "ok", "missing" or "altered"."""

    entry: RecordEntry
    absolute: str
    state: str
    digest: str | None  # what is on disk now, in the entry's algorithm; None when missing


class Records:
    """RECORD files and file hashes, each read once per run."""

    def __init__(self, cache_directory: Path | None = None) -> None:
        """``cache_directory``: keep digests between runs there (None: hash every time)."""
        self._cache = DigestCache(cache_directory) if cache_directory is not None else None
        self._entries: dict[str, tuple[RecordEntry, ...] | None] = {}
        self._by_path: dict[str, dict[str, RecordEntry]] = {}
        self._digests: dict[tuple[str, str], str | None] = {}
        self._paths: dict[tuple[str, str], str] = {}
        self._unreadable: set[str] = set()
        self.problems: list[Problem] = []

    def entries(self, distribution: Distribution) -> tuple[RecordEntry, ...] | None:
        """The distribution's RECORD; None when it has none (an egg-info, a conda-only package)."""
        metadata = distribution.metadata_path
        if metadata is None:
            return None
        if metadata not in self._entries:
            self._entries[metadata] = self._read(os.path.join(metadata, "RECORD"))
        return self._entries[metadata]

    def entry(self, distribution: Distribution, path: str) -> RecordEntry | None:
        """The distribution's RECORD entry for ``path`` (as RECORD writes it), if it has one."""
        metadata = distribution.metadata_path
        if metadata is None:
            return None
        if metadata not in self._by_path:
            self._by_path[metadata] = {e.path: e for e in self.entries(distribution) or ()}
        return self._by_path[metadata].get(path)

    def _read(self, record: str) -> tuple[RecordEntry, ...] | None:
        try:
            with open(record, encoding="utf-8", newline="") as stream:
                text = stream.read()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.problems.append(Problem(f"cannot read RECORD: {reason}", record))
            return None
        entries = []
        for row in csv.reader(io.StringIO(text)):
            if not row or not row[0]:
                continue
            hash_field = row[1] if len(row) > 1 else ""
            algorithm, _, digest = hash_field.partition("=")
            if not (algorithm and digest) or algorithm not in hashlib.algorithms_available:
                algorithm = digest = ""  # unhashed, or hashed with nothing this Python has
            size = row[2] if len(row) > 2 else ""
            entries.append(
                RecordEntry(
                    path=row[0].replace("\\", "/"),
                    algorithm=algorithm or None,
                    digest=digest or None,
                    size=int(size) if size.isdigit() else None,
                )
            )
        return tuple(entries)

    def state(self, distribution: Distribution, entry: RecordEntry) -> FileState:
        """How the file ``entry`` names compares with it now: "ok", "missing" or "altered".

        An unhashed entry is "ok" when present; an unreadable file is "ok" and one problem.
        """
        absolute = self._absolute(distribution, entry)
        if entry.algorithm is None:
            present = os.path.lexists(absolute)
            return FileState(entry, absolute, "ok" if present else "missing", None)
        digest = self.digest(absolute, entry.algorithm)
        if digest is None:
            state = "ok" if absolute in self._unreadable else "missing"
            return FileState(entry, absolute, state, None)
        return FileState(entry, absolute, "ok" if digest == entry.digest else "altered", digest)

    def digest(self, absolute: str, algorithm: str) -> str | None:
        """The file's hash as RECORD writes it; None when it does not exist or cannot be read."""
        key = (absolute, algorithm)
        if key not in self._digests:
            self._record(key, hash_files([key])[key])
        return self._digests[key]

    def prefetch(self, distributions: tuple[Distribution, ...]) -> None:
        """Hash every file the RECORDs of ``distributions`` hash, at once: the digests kept
        from an earlier run where the file's stat is unchanged, the others on threads."""
        for distribution in distributions:
            metadata = distribution.metadata_path
            entries = [e for e in self.entries(distribution) or () if e.algorithm is not None]
            if metadata is None or not entries:
                continue
            kept = self._cache.load(metadata) if self._cache is not None else {}
            rows: dict[str, tuple[os.stat_result, str, str]] = {}
            fresh: dict[tuple[str, str], os.stat_result] = {}
            for entry in entries:
                absolute = self._absolute(distribution, entry)
                key = (absolute, entry.algorithm)
                try:
                    stat = os.stat(absolute)
                except (FileNotFoundError, NotADirectoryError):
                    self._digests[key] = None
                    continue
                except OSError:
                    fresh[key] = None  # type: ignore[assignment]  # hashing says why
                    continue
                hit = kept.get(absolute)
                if hit is not None and hit[0] == stat_key(stat) and hit[1] == entry.algorithm:
                    self._digests.setdefault(key, hit[2])
                    rows[absolute] = (stat, hit[1], hit[2])
                elif key not in self._digests:
                    fresh[key] = stat
            if not fresh:
                continue
            for key, result in hash_files(fresh).items():
                self._record(key, result)
                digest, stat = self._digests[key], fresh[key]
                if digest is not None and stat is not None:
                    rows[key[0]] = (stat, key[1], digest)
            if self._cache is not None:
                self._cache.store(metadata, rows)

    def _absolute(self, distribution: Distribution, entry: RecordEntry) -> str:
        # Asked twice per file (prefetch, then state): torch alone has 14,000.
        key = (distribution.location, entry.path)
        absolute = self._paths.get(key)
        if absolute is None:
            absolute = self._paths[key] = installed_path(distribution, entry)
        return absolute

    def _record(self, key: tuple[str, str], result: str | None | OSError) -> None:
        if isinstance(result, OSError):
            self.problems.append(Problem(f"cannot read: {result.strerror}", key[0]))
            self._unreadable.add(key[0])
            result = None
        self._digests[key] = result


def record_digest(data: bytes, algorithm: str = "sha256") -> str:
    """``data``'s hash as RECORD writes it: urlsafe base64 without "=" padding."""
    return base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).rstrip(b"=").decode("ascii")


def installed_path(distribution: Distribution, entry: RecordEntry) -> str:
    """The absolute path of a RECORD entry: relative to the directory holding the .dist-info
    (scripts are "../../../bin/x"), or already absolute."""
    return os.path.normpath(os.path.join(distribution.location, entry.path))
