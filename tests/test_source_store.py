"""The source store: the same answers with the cache on or off, cold or warm, on one process or
several, whatever state the cache is found in."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.check import Settings, run_check
from shadowcheck.source import codec
from shadowcheck.source.cache import FileCache
from shadowcheck.source.store import SourceStore
from shadowcheck.source.token_reader import read_tokens
from shadowcheck.source import workers
from shadowcheck.source.workers import can_fork, parse_in_processes, scan_in_processes

MODULE = "import os\nimport json\n\n\ndef f(x):\n    return json.dumps({'x': x, 'cwd': os.getcwd()})\n" * 40


def _tree(root: Path) -> Path:
    """Enough files for the workers to start, with every kind of answer among them."""
    files: dict[str, str | bytes] = {f"lib/mod_{i}.py": MODULE for i in range(80)}
    files.update(
        {
            "demopkg.py": "",
            "train.py": "import demopkg\nimport demopkg.models\ndemopkg.fit()\n",
            "legacy.py": "import demopkg\nprint 'python 2'\n",
            "broken.py": "import demopkg\nmodel.fit(\n",
            "unreadable_import.py": "import (\n",
            "latin.py": b"import demopkg\nname = '\xff\xfe'\n",
            "notebooks/explore.ipynb": json.dumps(
                {"cells": [{"cell_type": "code", "source": ["import demopkg\n", "x = (\n"]}, {"cell_type": "code", "source": ["import json"]}]}
            ),
        }
    )
    make_tree(root, files)
    _settle(root)
    return root


def _settle(root: Path) -> None:
    # The cache keeps only files whose mtime is old enough that a change would show in it.
    past = time.time_ns() - 10 * 1_000_000_000
    for path in root.rglob("*"):
        os.utime(path, ns=(past, past))


def _paths(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ipynb"))


def _answers(store: SourceStore, paths: list[Path]):
    store.read_many(paths)
    answers = [store.imports(p) for p in paths], list(store.problems), list(store.notes)
    store.close()  # what was read goes into the cache here
    return answers


def _cached(paths: list[Path], cache: Path | None = None, workers: int = 1) -> None:
    """One run that scans and parses ``paths`` and keeps both in the cache."""
    store = SourceStore(use_cache=True, workers=workers, cache_directory=cache)
    store.parse_many(paths)
    store.close()


@pytest.fixture
def workers_for_small_trees(monkeypatch):
    """Workers start for any amount of work, so that a small tree is shared out too."""
    monkeypatch.setattr(workers, "MIN_PARSE_FILES", 1)
    monkeypatch.setattr(workers, "MIN_PARSE_BYTES", 0)
    monkeypatch.setattr(workers, "MIN_SCAN_FILES", 1)


def test_answers_are_the_same_with_the_cache_on_or_off_and_with_one_or_two_workers(tmp_path, workers_for_small_trees):
    paths = _paths(_tree(tmp_path / "project"))
    plain = _answers(SourceStore(), paths)
    cache = tmp_path / "cache"
    for use_cache, workers in [(True, 1), (True, 1), (True, 2), (False, 2)]:
        assert _answers(SourceStore(use_cache, workers, cache), paths) == plain, (use_cache, workers)
    cold_with_workers = _answers(SourceStore(True, 2, tmp_path / "other-cache"), paths)
    assert cold_with_workers == plain
    problems, notes = plain[1], plain[2]
    assert {Path(p.path).name for p in problems} == {"latin.py", "unreadable_import.py"}
    assert {Path(n.path).name for n in notes} == {"legacy.py", "broken.py", "explore.ipynb"}


def test_findings_are_the_same_with_the_cache_on_or_off_and_with_one_or_two_workers(
    tmp_path, target_venv, workers_for_small_trees
):
    project = _tree(tmp_path / "project")
    reports = []
    for use_cache, workers in [(False, 1), (True, 1), (True, 1), (True, 2), (False, 2)]:
        settings = Settings(paths=(project,), python=target_venv.python, use_cache=use_cache, workers=workers)
        report = run_check(settings, cwd=project)
        reports.append((report.findings, report.problems, report.notes))
    assert all(r == reports[0] for r in reports)
    (finding,) = reports[0][0]
    assert {i.path for i in finding.importers} >= {"train.py", "legacy.py", "broken.py"}


@pytest.mark.skipif(not can_fork(), reason="workers are forked, and this platform or process cannot fork")
def test_workers_answer_as_this_process_does(tmp_path):
    paths = _paths(_tree(tmp_path))
    in_process = SourceStore()
    in_process.read_many(paths)
    summaries = scan_in_processes(paths, 2)
    parsed = parse_in_processes(paths, 2, for_cache=True)
    assert set(summaries) == set(parsed) == set(paths)
    for path in paths:
        assert summaries[path] == in_process.summary(path)
        expected = in_process.imports(path)
        if expected is None:
            assert in_process.summary(path).problem is not None
        else:
            facts, blob = parsed[path]
            assert facts == expected
            assert codec.decode(json.loads(zlib.decompress(blob))) == expected


def test_a_warm_run_reads_no_file_and_a_changed_file_is_read_again(tmp_path):
    project = make_tree(tmp_path / "project", {"a.py": "import alpha\n", "b.py": "import bravo\n"})
    _settle(project)
    a, b = project / "a.py", project / "b.py"
    _cached([a, b], tmp_path / "cache")
    # Same size, same mtime, same inode, other bytes: only a store that reads no file still
    # says what the file said when it was cached.
    stat = a.stat()
    a.write_text("import gamma\n")
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    b.write_text("import delta\n")  # a real change: a new mtime
    warm = SourceStore(use_cache=True, cache_directory=tmp_path / "cache")
    assert [i.module for i in warm.imports(a).imports] == ["alpha"]
    assert [i.module for i in warm.imports(b).imports] == ["delta"]


def test_a_file_just_written_is_not_kept_yet(tmp_path):
    # Its next change could fall within the same tick of the file system's clock.
    path = make_tree(tmp_path / "project", {"a.py": "import alpha\n"}) / "a.py"
    _cached([path], tmp_path / "cache")
    assert FileCache(tmp_path / "cache").lookup([(str(path), path.stat())]) == {}


def _hostile_rows(database: Path, path: Path, facts: object, summary: tuple = ("alpha", None, "")) -> None:
    # summary: (modules, partial, unreadable); the file is not runnable and suppresses nothing.
    modules, partial, unreadable = summary
    stat = path.stat()
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (os.fsencode(str(path)), stat.st_size, stat.st_mtime_ns, stat.st_ino, modules, 0, None, None, partial, unreadable, facts),
        )


def _bomb() -> bytes:
    # 200 MB of JSON whitespace in a few hundred kilobytes.
    deflate = zlib.compressobj(9)
    chunks = [deflate.compress(b"[")] + [deflate.compress(b" " * (1 << 20)) for _ in range(200)]
    return b"".join([*chunks, deflate.compress(b"]"), deflate.flush()])


def _entry(value: object) -> bytes:
    return zlib.compress(json.dumps(value).encode())


def _encoded_with(damage) -> list:
    # What codec.encode writes for `import os`, with one field damaged: every other field valid.
    encoded = json.loads(json.dumps(codec.encode(read_tokens(["import os\n"], "test"))))
    damage(encoded)
    return encoded


HOSTILE_ENTRIES = {
    "deeply-nested-json": lambda: zlib.compress(b"[" * 200_000 + b"]" * 200_000),
    "wrong-types": lambda: _entry(_encoded_with(lambda e: e[0].__setitem__(2, "one"))),
    "bool-for-int": lambda: _entry(_encoded_with(lambda e: e[0].__setitem__(2, True))),
    "import-name-not-text": lambda: _entry(_encoded_with(lambda e: e[0].__setitem__(1, [7]))),
    "attribute-read-cut-short": lambda: _entry(_encoded_with(lambda e: e[2].extend(["os", "path"]))),
    "one-field-short": lambda: _entry(_encoded_with(lambda e: e.pop())),
    "wrong-shape": lambda: _entry({"imports": []}),
    "not-zlib": lambda: b"import os",
    "text-not-blob": lambda: "import os",
    "decompression-bomb": _bomb,
    "truncated": lambda: zlib.compress(b"[[],{},[],false,null,null,[],[]]")[:-3],
}  # fmt: skip


HOSTILE_SUMMARIES = {
    "modules-not-text": (7, None, ""),
    "partial-not-text": ("alpha", b"x", ""),
    "unreadable-not-lines": ("alpha", None, "one two"),
    "huge-summary": ("alpha " * 1_000_000, None, ""),
}


def _cached_then_replaced(tmp_path: Path, facts: object, summary: tuple = ("alpha", None, "")) -> tuple[Path, Path]:
    path = make_tree(tmp_path / "project", {"a.py": "import alpha\n"}) / "a.py"
    _settle(path.parent)
    cache = tmp_path / "cache"
    _cached([path], cache)
    (database,) = cache.glob("sources-*.sqlite3")
    _hostile_rows(database, path, facts, summary)
    return path, cache


@pytest.mark.parametrize("settled", [pytest.param(True, id="kept"), pytest.param(False, id="nothing-to-keep")])
def test_only_writing_creates_the_database(tmp_path, settled):
    # A run interrupted before it wrote (Ctrl-C while the environment is probed, after the
    # lookup) leaves the cache directory as it found it.
    path = make_tree(tmp_path / "project", {"a.py": "import alpha\n"}) / "a.py"
    if settled:
        _settle(path.parent)
    cache = tmp_path / "cache"
    assert FileCache(cache).lookup([(str(path), path.stat())]) == {}
    assert not cache.exists()
    _cached([path], cache)
    assert len(list(cache.glob("sources-*.sqlite3"))) == (1 if settled else 0)
    found = FileCache(cache).lookup([(str(path), path.stat())])
    assert [e.summary.modules for e in found.values()] == ([frozenset({"alpha"})] if settled else [])


def test_a_valid_entry_is_what_the_store_answers(tmp_path):
    # The entries below are found by their key: one that passes every check is believed.
    other = read_tokens(["import zulu\n"], "test")
    path, cache = _cached_then_replaced(tmp_path, _entry(codec.encode(other)), ("zulu", "test", ""))
    store = SourceStore(use_cache=True, cache_directory=cache)
    assert store.imported_modules(path) == {"zulu"}
    assert store.imports(path) == other
    assert [n.message for n in store.notes] == ["imports read without the parser: test"]


@pytest.mark.parametrize("facts", HOSTILE_ENTRIES.values(), ids=HOSTILE_ENTRIES.keys())
def test_hostile_facts_are_read_again_never_trusted(tmp_path, facts):
    path, cache = _cached_then_replaced(tmp_path, facts())
    store = SourceStore(use_cache=True, cache_directory=cache)
    assert store.imported_modules(path) == {"alpha"}  # the summary alone, the facts not decoded
    assert [i.module for i in store.imports(path).imports] == ["alpha"]
    assert store.problems == [] and store.notes == []


@pytest.mark.parametrize("summary", HOSTILE_SUMMARIES.values(), ids=HOSTILE_SUMMARIES.keys())
def test_a_hostile_summary_is_read_again_never_trusted(tmp_path, summary):
    other = read_tokens(["import zulu\n"], "test")
    path, cache = _cached_then_replaced(tmp_path, _entry(codec.encode(other)), summary)
    store = SourceStore(use_cache=True, cache_directory=cache)
    assert store.imported_modules(path) == {"alpha"}
    assert [i.module for i in store.imports(path).imports] == ["alpha"]
    assert store.problems == [] and store.notes == []


def _other_schema(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("DROP TABLE files")
        db.execute("CREATE TABLE files (path TEXT, facts TEXT)")


def _extra_trigger(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE log (x)")
        db.execute("CREATE TRIGGER spy AFTER INSERT ON files BEGIN INSERT INTO log VALUES (1); END")


def _garbage(database: Path) -> None:
    database.write_bytes(b"not a database at all" * 100)


def _truncated(database: Path) -> None:
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 3])


def _a_directory(database: Path) -> None:
    database.unlink()
    database.mkdir()


@pytest.mark.parametrize("damage", [_other_schema, _extra_trigger, _garbage, _truncated, _a_directory])
def test_a_damaged_or_foreign_database_is_discarded_and_rebuilt(tmp_path, damage):
    paths = _paths(_tree(tmp_path / "project"))
    expected = _answers(SourceStore(), paths)
    cache = tmp_path / "cache"
    _cached(paths, cache)
    (database,) = cache.glob("sources-*.sqlite3")
    damage(database)
    assert _answers(SourceStore(use_cache=True, cache_directory=cache), paths) == expected
    if database.is_file():  # rebuilt: the next run finds every file again
        assert len(FileCache(cache).lookup([(str(p), p.stat()) for p in paths])) == len(paths)  # latin.py too: its problem was known from its summary


_READ_ALL = """
import json, sys
from pathlib import Path
from shadowcheck.source import codec
from shadowcheck.source.store import SourceStore
paths = [Path(p) for p in sys.argv[2:]]
store = SourceStore(use_cache=True, workers=int(sys.argv[1]))
store.read_many(paths)
print(json.dumps([codec.encode(store.imports(p)) if store.imports(p) else None for p in paths]))
store.close()
"""


def test_concurrent_runs_on_one_cache_agree(tmp_path, isolated_cache):
    paths = [str(p) for p in _paths(_tree(tmp_path / "project"))]
    runs = [
        subprocess.Popen([sys.executable, "-c", _READ_ALL, str(workers), *paths], stdout=subprocess.PIPE, text=True)
        for workers in (1, 2, 1, 2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    expected = json.dumps([codec.encode(r) if r else None for r in _answers(SourceStore(), [Path(p) for p in paths])[0]])
    assert outputs == [expected + "\n"] * 4


def test_a_run_killed_while_writing_leaves_a_usable_cache(tmp_path, isolated_cache):
    project = _tree(tmp_path / "project")
    paths = [str(p) for p in _paths(project)]
    writer = """
import os, sys, time
from pathlib import Path
from shadowcheck.source.store import SourceStore
paths = [Path(p) for p in sys.argv[1:]]
print("ready", flush=True)
while True:
    for path in paths:
        past = time.time_ns() - 10**10 - int.from_bytes(os.urandom(4), "big")
        os.utime(path, ns=(past, past))
    store = SourceStore(use_cache=True)
    store.parse_many(paths)
    store.close()
"""
    process = subprocess.Popen([sys.executable, "-c", writer, *paths], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    time.sleep(1.5)  # somewhere in its writing: any moment must leave the database whole
    process.send_signal(signal.SIGKILL)
    process.wait()
    expected = _answers(SourceStore(), [Path(p) for p in paths])
    assert _answers(SourceStore(use_cache=True), [Path(p) for p in paths]) == expected
    (database,) = isolated_cache.glob("sources-*.sqlite3")
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_no_cache_means_no_cache(tmp_path, isolated_cache, target_venv, monkeypatch):
    from shadowcheck.cli import main

    project = _tree(tmp_path / "project")
    monkeypatch.chdir(project)
    main(["check", ".", "--no-cache", "--python", target_venv.python])
    assert list(isolated_cache.glob("sources-*")) == []
    main(["check", ".", "--python", target_venv.python])
    assert len(list(isolated_cache.glob("sources-*.sqlite3"))) == 1


def test_check_and_verify_never_import_libcst(tmp_path, target_venv):
    project = _tree(tmp_path / "project")
    script = (
        "import sys\n"
        "from shadowcheck.cli import main\n"
        f"main(['check', {str(project)!r}, '--python', {target_venv.python!r}])\n"
        f"main(['verify', {str(project / 'train.py')!r}, '--python', {target_venv.python!r}])\n"
        "print('libcst' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stderr.splitlines()[-1] == "False", result.stderr


def test_a_warm_check_reads_no_project_file(tmp_path, target_venv, isolated_cache):
    # Every project file is rewritten after the first run with the same size, modification
    # time and inode but other imports: a run that read any of them would no longer find
    # train.py importing the shadow. With the cache off, the same rewrite is seen (the no-op).
    project = _tree(tmp_path / "project")

    def findings(use_cache: bool):
        settings = Settings(paths=(project,), python=target_venv.python, use_cache=use_cache, workers=1)
        return run_check(settings, cwd=project).findings

    cold = findings(True)
    (finding,) = cold
    assert "train.py" in {i.path for i in finding.importers}
    for path in _paths(project):
        data = path.read_bytes()
        if b"import demopkg" in data:
            stat = path.stat()
            path.write_bytes(data.replace(b"import demopkg", b"import zzzzzzz"))
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert findings(True) == cold
    assert "train.py" not in {i.path for f in findings(False) for i in f.importers}


@pytest.mark.parametrize(
    "others",
    [
        pytest.param(0, id="the-tree-alone"),
        pytest.param(200, id="a-smaller-tree-beside-it"),
        pytest.param(2000, id="a-much-larger-tree-beside-it"),
    ],
)
def test_a_large_lookup_finds_exactly_its_own_files(tmp_path, others):
    # A tree's rows are read as one range of paths unless its neighbours would swamp it: either
    # way the answer holds each wanted file whose stat is unchanged, and nothing else.
    root = make_tree(tmp_path / "project", {f"a/m{i}.py": f"import alpha{i}\n" for i in range(600)})
    make_tree(tmp_path / "project", {f"b/m{i}.py": "import beta\n" for i in range(others)})
    make_tree(tmp_path / "project-2", {"c.py": "import gamma\n"})
    _settle(tmp_path)
    everything = _paths(tmp_path)
    _cached(everything, tmp_path / "cache")
    wanted = _paths(root / "a")
    changed = wanted[7]
    changed.write_text("import delta\n")
    found = FileCache(tmp_path / "cache").lookup([(str(p), p.stat()) for p in wanted])
    assert sorted(found) == sorted(str(p) for p in wanted if p != changed)
    assert found[str(wanted[0])].summary.modules == {"alpha0"}
