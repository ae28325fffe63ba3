"""Installed files' hashes, computed on threads and kept between runs while each file's stat holds.

A digest is reused only while the file's size, modification time, change time and inode are
those it was hashed with: writing to a file changes its change time, which no tool can set back
(the index of git trusts the same stat). Files changed in the last moments are not kept (their
next change may share a timestamp). The cache is one JSON file per distribution's metadata
directory, written whole and renamed into place; anything unreadable, too large or of the wrong
shape is a miss, and the files are hashed again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shadowcheck.source.cache import settled

# Read in blocks: torch's shared libraries run to hundreds of megabytes.
_BLOCK = 1 << 20
# hashlib and file reads release the GIL: threads hash on every core (torch's 14,000 files:
# 2.3 s on one, 0.95 s on two).
_THREADS = min(8, os.cpu_count() or 1)
_LARGEST_CACHE_FILE = 64 << 20
_VERSION = 1

Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_key(stat: os.stat_result) -> Stat:
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def file_digest(absolute: str, algorithm: str) -> str | None:
    """The file's hash as RECORD writes it (urlsafe base64 without "=" padding); None when it
    does not exist. Raises OSError when it cannot be read."""
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


def hash_files(files: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None | OSError]:
    """Each (absolute path, algorithm) -> its digest, None when missing, or the OSError reading
    it raised; on threads."""
    wanted = list(dict.fromkeys(files))

    def one(key: tuple[str, str]) -> str | None | OSError:
        try:
            return file_digest(*key)
        except OSError as error:
            return error

    if len(wanted) < 2 * _THREADS:
        return {key: one(key) for key in wanted}
    with ThreadPoolExecutor(_THREADS) as pool:
        return dict(zip(wanted, pool.map(one, wanted, chunksize=16)))


class DigestCache:
    """The digests of one distribution's files, by the metadata directory that lists them."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _file(self, metadata: str) -> Path:
        return self.directory / f"digests-{hashlib.sha256(os.fsencode(metadata)).hexdigest()[:32]}.json"

    def load(self, metadata: str) -> dict[str, tuple[Stat, str, str]]:
        """absolute path -> (stat, algorithm, digest), as last stored for ``metadata``."""
        path = self._file(metadata)
        try:
            if path.stat().st_size > _LARGEST_CACHE_FILE:
                return {}
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError, MemoryError):
            return {}
        if not isinstance(document, dict) or document.get("version") != _VERSION or document.get("metadata") != metadata:
            return {}
        files = document.get("files")
        found: dict[str, tuple[Stat, str, str]] = {}
        for absolute, row in files.items() if isinstance(files, dict) else ():
            if (
                isinstance(row, list) and len(row) == 6
                and all(type(n) is int for n in row[:4]) and all(isinstance(s, str) for s in row[4:])
            ):  # fmt: skip
                found[absolute] = ((row[0], row[1], row[2], row[3]), row[4], row[5])
        return found

    def store(self, metadata: str, rows: dict[str, tuple[os.stat_result, str, str]]) -> None:
        """Replace what is kept for ``metadata`` with ``rows`` (files that have settled only);
        best effort."""
        now = time.time_ns()
        kept = {
            absolute: [*stat_key(stat), algorithm, digest]
            for absolute, (stat, algorithm, digest) in rows.items()
            if settled(stat, now)
        }
        document = {"version": _VERSION, "metadata": metadata, "files": kept}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".digests-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as stream:
                    json.dump(document, stream, separators=(",", ":"))
                os.replace(temporary, self._file(metadata))
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run
