"""A file the target's Python would reject is a problem: one line, exit 2, the findings still
printed and the file's imports (read by tokens) still used. The running parser judges only
targets not newer than itself; for a newer one, and for files read by tokens for their size or
depth, and for a broken notebook cell (the kernel runs the others), it is a note. The real
interpreters are the judge of what each version rejects."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import make_tree
from trees import notebook

# PEP 701 (3.12): quotes reused inside an f-string's replacement field. Older parsers reject it.
NEW_FSTRING = 'import queue\nx = {"a": 1}\nprint(f"{x["a"]}")\n'


def rejects(python: str, root, name: str) -> bool:
    """Whether ``python`` refuses to compile the file: what `python FILE` would say first."""
    check = f"compile(open({name!r}, 'rb').read(), {name!r}, 'exec')"
    return subprocess.run([python, "-c", check], cwd=root, capture_output=True, timeout=60).returncode != 0


def test_the_target_decides_and_shadowcheck_never_invents_an_error(cli, tmp_path, target_python):
    root = make_tree(tmp_path, {"queue.py": "", "train.py": NEW_FSTRING})
    result = cli("--python", target_python.path, "--output-format", "json", ".", cwd=root)
    document = result.json()
    assert [f["path"] for f in document["findings"]] == ["queue.py"]  # the imports still count
    assert document["findings"][0]["importers"][0]["path"] == "train.py"
    really = rejects(target_python.path, root, "train.py")
    if result.status == 2:
        assert really, "a syntax error the target accepts"
        assert result.err.startswith("shadowcheck: error: train.py:3: syntax error: ")
    judged = target_python.version_info[:2] <= sys.version_info[:2]
    if judged:
        assert (result.status == 2) == really
    else:
        # A newer target: the running parser cannot tell; said, never an error.
        assert result.status == 1 and document["problems"] == []
        (note,) = document["notes"]
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        assert note["message"].startswith(f"cannot judge Python {target_python.minor} syntax with Python {running}")


DEEP = "import queue\nx = a" + ".b" * 200_000 + "\n"  # deeper than the parser's recursion allows
LARGE_AND_BROKEN = "import queue\ndef (:\n" + "x = 1\n" * 200_000  # over 1 MiB: never parsed


@pytest.mark.parametrize(
    "files, status, stderr",
    [
        pytest.param({"train.py": "import queue\ndef (:\n"}, 2, "shadowcheck: error: train.py:2: syntax error: invalid syntax", id="syntax-error"),
        pytest.param({"train.py": "import queue\n\tx = 1\n"}, 2, "shadowcheck: error: train.py:2: syntax error: unexpected indent", id="indentation-error"),
        pytest.param({"train.py": "import queue\nx = 1\0\n"}, 2, "shadowcheck: error: train.py: syntax error: source code", id="null-byte"),
        pytest.param({"train.py": "import queue\nx = 1\n"}, 1, "", id="no-op"),
        pytest.param({"nb.ipynb": notebook("import queue\n", "model.fit(\n")}, 1, "shadowcheck: note: nb.ipynb: imports read without the parser: cell 3:", id="broken-notebook-cell"),
        pytest.param({"train.py": DEEP}, 1, "shadowcheck: note: train.py: imports read without the parser: too deeply nested", id="too-deep"),
        pytest.param({"train.py": LARGE_AND_BROKEN}, 1, "shadowcheck: note: train.py: imports read without the parser: too large to parse", id="too-large"),
    ],
)  # fmt: skip
def test_what_is_a_problem_and_what_is_a_note(cli, tmp_path, target_venv, files, status, stderr):
    # The target is the running Python's version: its parser's verdict is the target's.
    root = make_tree(tmp_path, {"queue.py": "", **files})
    result = cli("--python", target_venv.python, ".", cwd=root)
    assert result.status == status, result.err
    assert "queue.py:1:1: SC102 [error]" in result.out  # the file's imports still count
    assert result.err.count("\n") == (1 if stderr else 0) and result.err.startswith(stderr), result.err


def test_a_cached_read_keeps_its_verdict(cli, tmp_path, target_venv, isolated_cache):
    # The cache's summary of a file says only that it was read in part; why is in its facts.
    root = make_tree(tmp_path, {"queue.py": "", "train.py": "import queue\ndef (:\n"})
    path = root / "train.py"
    past = os.stat(path).st_mtime_ns - 60 * 10**9
    os.utime(path, ns=(past, past))  # settled: the cache keeps it
    first = cli("--python", target_venv.python, ".", cwd=root)
    # Same size, inode and mtime: only an answer from the cache can still see the error.
    path.write_text("import queue\nx = 11\n")
    os.utime(path, ns=(past, past))
    second = cli("--python", target_venv.python, ".", cwd=root)
    assert (first.status, second.status) == (2, 2)
    assert first.err == second.err and first.err.startswith("shadowcheck: error: train.py:2: syntax error:")
