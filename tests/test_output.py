"""Output that survives anything: file names that are not UTF-8 or hold a newline, streams that
cannot encode them, closed and full standard output, thousands of importers, and progress that
only a terminal sees."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_tree

from shadowcheck.ftypes import Finding, Importer, Report, Severity
from shadowcheck.reporters import REPORTERS, Display, progress
from shadowcheck.reporters.escape import EscapingStream, one_line, printable
from shadowcheck.reporters.progress import TerminalProgress

FORMATS = ["text", "concise", "json", "sarif", "github"]
# Shadows the standard library, so any interpreter (this one) has something to find.
QUEUE = {"queue.py": "SIZE = 1\n", "run.py": "import queue\nq = queue.Queue()\n"}
NOT_UTF8 = os.fsdecode(b"caf\xe9")  # latin-1 bytes: a lone surrogate once decoded


def shadowcheck(*args: str, cwd: Path, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """shadowcheck in a process of its own, for what only a real process shows (its streams)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("SHADOWCHECK_OUTPUT_FORMAT", "PYTHONIOENCODING")}
    return subprocess.run(
        [sys.executable, "-m", "shadowcheck", "--python", sys.executable, *args],
        cwd=cwd, env={**environ, **(env or {})}, capture_output="stdout" not in kwargs, **kwargs,
    )  # fmt: skip


@pytest.fixture
def odd_names(tmp_path) -> Path:
    """A git work tree whose shadowing files sit in a directory named with non-UTF-8 bytes and
    in one whose name holds a newline."""
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    make_tree(project / NOT_UTF8, QUEUE)
    make_tree(project / "two\nlines", QUEUE)
    return project


# --- names the stream cannot carry -----------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("encoding", ["utf-8:strict", "ascii:strict"], ids=["strict-utf8", "ascii"])
def test_every_format_carries_any_file_name_to_any_stream(odd_names, format_name, encoding):
    result = shadowcheck("--output-format", format_name, ".", cwd=odd_names, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 1, result.stderr
    assert result.stderr == b""
    out = result.stdout.decode("ascii" if encoding.startswith("ascii") else "utf-8")  # strictly
    if format_name == "json":
        paths = {f["path"] for f in json.loads(out)["findings"]}
        # JSON keeps the name exactly: os.fsencode gives back its bytes.
        assert {os.fsencode(p) for p in paths} == {b"caf\xe9/queue.py", b"two\nlines/queue.py"}
    elif format_name == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert uris == {"caf%E9/queue.py", "two%0Alines/queue.py"}  # percent-encoded bytes
        assert all("\\xe9" in r["message"]["text"] or "two" in r["message"]["text"] for r in results)
    else:
        assert "caf\\xe9/queue.py" in out


@pytest.mark.parametrize("format_name", FORMATS)
def test_every_format_writes_any_file_name_to_an_output_file(odd_names, format_name, tmp_path):
    report = tmp_path / "report.out"
    result = shadowcheck("--output-format", format_name, "--output-file", str(report), ".", cwd=odd_names)
    assert result.returncode == 1, result.stderr
    written = report.read_bytes().decode("utf-8")  # strictly UTF-8
    expected = {"json": "caf\\udce9/queue.py", "sarif": "caf%E9/queue.py"}.get(format_name, "caf\\xe9/queue.py")
    assert expected in written
    assert result.stderr.decode("utf-8").count("\n") == 1  # the summary


@pytest.mark.parametrize("format_name", ["text", "concise", "github"])
def test_a_newline_in_a_path_never_splits_a_line(cli, odd_names, format_name):
    result = cli("--python", sys.executable, "--output-format", format_name, ".", cwd=odd_names)
    assert result.status == 1
    lines = result.out.splitlines()
    headlines = [line for line in lines if "SC102" in line]
    assert len(headlines) == 2  # caf\xe9/queue.py and two\nlines/queue.py, each on one line
    assert any(line.startswith(("two\\nlines/queue.py:1:1:", "::error file=two%0Alines/queue.py")) for line in headlines)
    if format_name != "text":
        assert len(lines) == 2


def test_escaping_helpers():
    assert one_line("a\nb\r\x1b[31m\tc") == "a\\nb\\r\\x1b[31m\tc"
    assert printable(NOT_UTF8 + "/é☃", "ascii") == "caf\\xe9/\\xe9\\u2603"
    assert printable(NOT_UTF8 + "/é", "utf-8") == "caf\\xe9/é"
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    EscapingStream(stream).write("é" + NOT_UTF8)
    stream.flush()
    assert stream.buffer.getvalue() == b"\\xe9caf\\xe9"


# --- standard output closed or full --------------------------------------------------------------


@pytest.mark.parametrize("format_name", FORMATS)
def test_a_closed_stdout_ends_output_quietly(tmp_path, format_name):
    project = make_tree(tmp_path / "project", {**QUEUE, **{f"q{i}.py": "import queue\n" for i in range(300)}})
    read, write = os.pipe()
    os.close(read)  # nobody will ever read: like `shadowcheck | head -0` once head is gone
    try:
        result = shadowcheck("--output-format", format_name, "--all-importers", ".", cwd=project, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert result.stderr == b""
    assert result.returncode == 1  # what was found, though nobody read it


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_and_exit_2(tmp_path):
    project = make_tree(tmp_path / "project", QUEUE)
    with open("/dev/full", "w") as full:
        result = shadowcheck(".", cwd=project, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr.decode() == "shadowcheck: error: cannot write to standard output: No space left on device\n"


# --- an unreadable file: said once ---------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc/self/mem, an unreadable regular file")
@pytest.mark.parametrize("format_name", FORMATS)
def test_an_unreadable_file_is_reported_once(cli, tmp_path, format_name):
    project = make_tree(tmp_path, {"queue.py": "", "run.py": "import queue\n"})
    (project / "queue_notes.py").symlink_to("/proc/self/mem")  # named so that it must be read
    result = cli("--python", sys.executable, "--output-format", format_name, ".", cwd=project)
    assert result.status == 2
    assert result.err == "shadowcheck: error: queue_notes.py: cannot read: Input/output error\n"
    if format_name == "json":
        assert result.json()["problems"] == [{"path": "queue_notes.py", "line": None, "message": "cannot read: Input/output error"}]
    if format_name == "github":
        assert "::error file=queue_notes.py,title=shadowcheck::queue_notes.py: cannot read: Input/output error" in result.out.splitlines()
    if format_name == "sarif":
        (notification,) = result.json()["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        location = notification["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"] == "queue_notes.py"


# --- bounded output ----------------------------------------------------------------------------

MANY = {"queue.py": "", **{f"scripts_{i:02}.py": "import queue\n" for i in range(8)}}


def test_text_shows_the_first_importers_and_how_many_more(cli, tmp_path):
    project = make_tree(tmp_path, MANY)
    lines = cli("--python", sys.executable, ".", cwd=project).out.splitlines()
    evidence = [line for line in lines if line.startswith("    scripts_")]
    assert [line.split(":")[0].strip() for line in evidence] == [f"scripts_{i:02}.py" for i in range(5)]
    assert "    ... and 3 more importers (--all-importers lists them)" in lines
    every = cli("--python", sys.executable, "--all-importers", ".", cwd=project).out
    assert every.count("    scripts_") == 8 and "more importers" not in every
    document = cli("--python", sys.executable, "--output-format", "json", ".", cwd=project).json()
    assert len(document["findings"][0]["importers"]) == 8  # JSON keeps them all


def _huge(repo: Path) -> Report:
    importers = tuple(Importer(f"s{i:04}.py", 1, "import torch", "ModuleNotFoundError: x") for i in range(1500))
    finding = Finding(
        "torch.py", 1, 1, "SC101", Severity.ERROR, "torch", "`torch.py` shadows the installed package `torch`",
        importers=importers, help="rename torch.py", name="shadows-installed-package",
    )  # fmt: skip
    return Report((finding,), files=1501, python=sys.executable, root=str(repo))


def test_sarif_and_github_stay_within_what_code_scanning_accepts(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    stream = io.StringIO()
    REPORTERS["sarif"](_huge(tmp_path), stream, Display())
    (result,) = json.loads(stream.getvalue())["runs"][0]["results"]
    assert len(result["relatedLocations"]) == 100
    assert result["message"]["text"].splitlines()[-2:] == ["... and 1497 more importers", "help: rename torch.py"]
    assert len(result["message"]["text"].splitlines()) == 6
    stream = io.StringIO()
    REPORTERS["github"](_huge(tmp_path), stream, Display())
    (annotation,) = stream.getvalue().splitlines()
    assert annotation.count("%0A") == 5 and len(annotation) < 600


# --- progress ----------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_then_redraws_one_line_then_erases_it():
    clock, stream = Clock(), io.StringIO()
    shown = TerminalProgress(stream, clock)
    shown.doing("walking the tree")
    shown.advance("files walked", 1200)
    assert stream.getvalue() == ""  # a quick run prints nothing
    clock.now += progress.DELAY
    shown.advance("files read", 3)
    assert stream.getvalue() == "\r\033[Kshadowcheck: walking the tree · 1,200 files walked, 3 files read"
    shown.advance("files read")
    assert stream.getvalue().count("\r") == 1  # not redrawn more often than INTERVAL
    clock.now += 2 * progress.INTERVAL
    shown.advance("files read")
    assert stream.getvalue().endswith("\r\033[Kshadowcheck: walking the tree · 1,200 files walked, 5 files read")
    shown.close()
    assert stream.getvalue().endswith("\r\033[K")


def test_progress_never_draws_before_its_delay_and_close_is_then_silent():
    clock, stream = Clock(), io.StringIO()
    shown = TerminalProgress(stream, clock)
    shown.advance("files read", 10_000)
    shown.close()
    assert stream.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("command", [(".",), ("verify", "run.py")], ids=["check", "verify"])
def test_progress_goes_to_a_terminal_stderr_only(cli, tmp_path, monkeypatch, command):
    project = make_tree(tmp_path, QUEUE)
    monkeypatch.setattr(progress, "DELAY", 0.0)  # as if the run were slow
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    quiet = cli(*command, "--python", sys.executable, cwd=project)
    assert "\r" not in quiet.err and "files read" not in quiet.err  # stderr is not a terminal here
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    result = cli(*command, "--python", sys.executable, cwd=project)
    assert result.status == 1
    drawn = terminal.getvalue()
    assert "shadowcheck: " in drawn and "files read" in drawn
    assert drawn.endswith("\r\033[K")  # erased before the report's own lines
    assert "\r" not in result.out


def test_reports_are_the_same_with_progress(cli, tmp_path, monkeypatch):
    project = make_tree(tmp_path, QUEUE)
    plain = cli("--python", sys.executable, "--output-format", "json", ".", cwd=project).json()
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(sys, "stderr", Terminal())
    shown = cli("--python", sys.executable, "--output-format", "json", ".", cwd=project).json()
    assert plain == shown
