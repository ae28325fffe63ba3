"""What each installed distribution says it installed (RECORD), against what is on disk now.

Read live from the file system, never from the probe's cached answer: an edited or deleted file
inside site-packages changes no directory the cache watches. Hashes are computed at most once
per file per run, and only for the files a rule asks about.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
from dataclasses import dataclass

from shadowcheck.ftypes import Distribution, Problem

# Read in blocks: torch's shared libraries run to hundreds of megabytes.
_BLOCK = 1 << 20


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

    def __init__(self) -> None:
        self._entries: dict[str, tuple[RecordEntry, ...] | None] = {}
        self._by_path: dict[str, dict[str, RecordEntry]] = {}
        self._digests: dict[tuple[str, str], str | None] = {}
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
        absolute = installed_path(distribution, entry)
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
            try:
                self._digests[key] = _digest(absolute, algorithm)
            except OSError as error:
                self.problems.append(Problem(f"cannot read: {error.strerror}", absolute))
                self._unreadable.add(absolute)
                self._digests[key] = None
        return self._digests[key]


def record_digest(data: bytes, algorithm: str = "sha256") -> str:
    """``data``'s hash as RECORD writes it: urlsafe base64 without "=" padding."""
    return base64.urlsafe_b64encode(hashlib.new(algorithm, data).digest()).rstrip(b"=").decode("ascii")


def installed_path(distribution: Distribution, entry: RecordEntry) -> str:
    """The absolute path of a RECORD entry: relative to the directory holding the .dist-info
    (scripts are "../../../bin/x"), or already absolute."""
    return os.path.normpath(os.path.join(distribution.location, entry.path))


def _digest(absolute: str, algorithm: str) -> str | None:
    try:
        with open(absolute, "rb") as stream:
            if hasattr(hashlib, "file_digest"):  # 3.11+: reads into one reused buffer
                hasher = hashlib.file_digest(stream, algorithm)
            else:
                hasher = hashlib.new(algorithm)
                while block := stream.read(_BLOCK):
                    hasher.update(block)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return base64.urlsafe_b64encode(hasher.digest()).rstrip(b"=").decode("ascii")
