"""Reading many files on several processes, when there are enough to pay for starting them.

Workers are forked: a forked process already holds shadowcheck and imports nothing. Spawning
one would start a new interpreter with `-c`, which puts the working directory (the project,
with its own `json.py` or `multiprocessing/` perhaps) first on sys.path before anything is
imported. Where forking is not possible or not safe (Windows, a process with threads), files
are read in this process.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from shadowcheck.ftypes import Problem, SourceError
from shadowcheck.source.cache import Entry

# Forking two workers and collecting their answers costs 40-80 ms; parsing runs at about
# 3 MB/s. Below these amounts one process is as fast.
MIN_FILES = 64
MIN_BYTES = 1 << 20
_CHUNKS_PER_WORKER = 4


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def worth_processes(paths: list[Path], stats: dict[Path, os.stat_result | None]) -> bool:
    """Whether reading ``paths`` is enough work to share out."""
    if len(paths) < MIN_FILES or not can_fork():
        return False
    return sum(stats[p].st_size for p in paths if stats.get(p) is not None) >= MIN_BYTES


def read_in_processes(paths: list[Path], workers: int) -> dict[Path, Entry | Problem]:
    """What each file says (as the cache keeps it, decoded when asked), read by up to
    ``workers`` forked processes. Files a worker could not answer for (a worker that died) are
    left out, for the caller to read itself."""
    import multiprocessing

    chunks = _chunks(paths, workers * _CHUNKS_PER_WORKER)
    results: dict[Path, Entry | Problem] = {}
    try:
        with ProcessPoolExecutor(min(workers, len(chunks)), mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk, answers in zip(chunks, pool.map(_read_chunk, [[str(p) for p in c] for c in chunks])):
                for path, (kind, value) in zip(chunk, answers):
                    results[path] = _answer(kind, value)
    except (BrokenProcessPool, OSError):
        pass  # whatever was answered stands; the rest is read in this process
    return results


def _chunks(paths: list[Path], count: int) -> list[list[Path]]:
    # Consecutive files (often one package each) in chunks of about equal count.
    size = max(1, -(-len(paths) // max(1, count)))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _read_chunk(paths: list[str]) -> list[tuple[str, tuple]]:
    from shadowcheck.source.reader import read_imports

    answers: list[tuple[str, tuple]] = []
    for path in paths:
        try:
            entry = Entry.of(read_imports(Path(path)))
            answers.append(("entry", (sorted(entry.modules), entry.partial, entry.unreadable, entry.facts)))
        except SourceError as error:
            problem = error.problem
            answers.append(("problem", (problem.message, problem.path, problem.line)))
    return answers


def _answer(kind: str, value: tuple) -> Entry | Problem:
    if kind == "problem":
        return Problem(*value)
    modules, partial, unreadable, facts = value
    return Entry(frozenset(modules), partial, unreadable, facts)
