"""Scanning or parsing many files on several processes, when there is enough work to pay for it.

Workers are forked: a forked process already holds shadowcheck and imports nothing. Spawning
one would start a new interpreter with `-c`, which puts the working directory (the project,
with its own `json.py` or `multiprocessing/` perhaps) first on sys.path before anything is
imported. Where forking is not possible or not safe (Windows, a process with threads), files
are read in this process. Answers come back pickled, between processes of this one run: the
facts arrive ready to use, and with the compressed form the cache keeps.
"""

from __future__ import annotations

import os
import sys
import threading
from functools import partial
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.scan import Summary, scan_file

# Forking two workers and collecting their answers costs 20-40 ms on the 2-core machine the
# benchmark runs on (bench/run.py). Parsing runs at about 3 MB/s, so a few hundred kilobytes
# pay for it; the scan runs at about 100 MB/s of files (40 us a file), so thousands of files.
MIN_PARSE_FILES = 16
MIN_PARSE_BYTES = 256 << 10
MIN_SCAN_FILES = 1500
_CHUNKS_PER_WORKER = 4

Parsed = tuple  # (SourceImports, compressed facts) or Problem, as parse_file gives it


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def worth_parsing_in_processes(paths: list[Path], sizes: dict[Path, int]) -> bool:
    """Whether parsing ``paths`` is enough work to share out."""
    if len(paths) < MIN_PARSE_FILES or not can_fork():
        return False
    return sum(sizes.get(p, 0) for p in paths) >= MIN_PARSE_BYTES


def worth_scanning_in_processes(paths: list[Path]) -> bool:
    """Whether scanning ``paths`` is enough work to share out."""
    return len(paths) >= MIN_SCAN_FILES and can_fork()


def scan_in_processes(paths: list[Path], workers: int) -> dict[Path, Summary | Problem]:
    """The summary of each file (scan.py), or the Problem of reading it, by up to ``workers``
    forked processes. Files a worker could not answer for (a worker that died) are left out,
    for the caller to scan itself."""
    return _in_processes(_scan_chunk, paths, workers)


def parse_in_processes(paths: list[Path], workers: int, for_cache: bool) -> dict[Path, Parsed | Problem]:
    """parse_file's answer for each file, by up to ``workers`` forked processes (as above)."""
    return _in_processes(partial(_parse_chunk, for_cache=for_cache), paths, workers)


def scan_one(path: Path) -> Summary | Problem:
    """The summary of one file, or the Problem of reading it."""
    try:
        return scan_file(path)
    except OSError as error:
        return Problem(f"cannot read: {error.strerror}", str(path))


def parse_file(path: Path, for_cache: bool) -> Parsed | Problem:
    """(facts, their compressed JSON for the cache or None) of one file, or the Problem of
    reading it."""
    from shadowcheck.source.cache import compressed
    from shadowcheck.source.reader import read_imports

    try:
        facts = read_imports(path)
    except SourceError as error:
        return error.problem
    return facts, compressed(facts) if for_cache else None


def _in_processes(task, paths: list[Path], workers: int) -> dict:
    # Imported only when workers are forked: concurrent.futures brings multiprocessing, pickle,
    # socket and logging, a tenth of the start-up of a run that reads in one process.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = _chunks(paths, workers * _CHUNKS_PER_WORKER)
    results: dict = {}
    try:
        with ProcessPoolExecutor(min(workers, len(chunks)), mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk, answers in zip(chunks, pool.map(task, chunks)):
                results.update(zip(chunk, answers))
    except (BrokenProcessPool, OSError):
        pass  # whatever was answered stands; the rest is read in this process
    return results


def _chunks(paths: list[Path], count: int) -> list[list[Path]]:
    # Consecutive files (often one package each) in chunks of about equal count.
    size = max(1, -(-len(paths) // max(1, count)))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _scan_chunk(paths: list[Path]) -> list[Summary | Problem]:
    return [scan_one(path) for path in paths]


def _parse_chunk(paths: list[Path], for_cache: bool) -> list[Parsed | Problem]:
    return [parse_file(path, for_cache) for path in paths]
