"""A real shadowcheck process, a real hanging interpreter that starts a child of its own, and
real signals: nothing is left running, no temporary file is left behind, and the exit status
says what happened (130 for Ctrl-C, 143 for SIGTERM)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_tree
from shadowcheck.environment import load_environment
from shadowcheck.environment.probe import start_environment
from shadowcheck.ftypes import ShadowcheckError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals and /bin/sh scripts")
SHADOWCHECK = shutil.which("shadowcheck", path=os.path.dirname(sys.executable))
# A `--python` that never answers, and starts a child that would outlive it.
HANGING = """#!/bin/sh
sleep 300 &
echo $$ $! > "{pids}.tmp" && mv "{pids}.tmp" "{pids}"
wait
"""


def hanging_python(directory: Path) -> tuple[str, Path]:
    pids = directory / "pids"
    script = make_tree(directory, {"hang.sh": HANGING.format(pids=pids)}) / "hang.sh"
    script.chmod(0o755)
    return str(script), pids


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


def is_running(pid: int) -> bool:
    # An orphan that was killed may stay a zombie until PID 1 reaps it: that is not running.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def started(pids: Path) -> list[int]:
    wait_for(pids.exists, "the hanging interpreter to start")
    return [int(p) for p in pids.read_text().split()]


def test_the_deadline_kills_the_whole_group(tmp_path):
    python, pids = hanging_python(tmp_path)

    with pytest.raises(ShadowcheckError) as caught:
        load_environment(python, "--python", use_cache=False, timeout=2)

    assert str(caught.value) == f"cannot inspect {python}: it did not answer within 2 seconds"
    for pid in started(pids):
        wait_for(lambda: not is_running(pid), f"process {pid} to end")


def test_a_started_probe_closed_without_its_answer_leaves_nothing_behind(tmp_path):
    # check starts the probe, walks the tree meanwhile, and closes it however the walk ends.
    python, pids = hanging_python(tmp_path)

    pending = start_environment(python, "--python", use_cache=False)
    children = started(pids)
    pending.close()

    for pid in children:
        wait_for(lambda: not is_running(pid), f"process {pid} to end")


def test_a_started_probe_answers_as_the_whole_call_does():
    # The no-op beside the case above: started, then asked, the answer is load_environment's.
    pending = start_environment(sys.executable, "--python", use_cache=False)
    try:
        answered = pending.result()
    finally:
        pending.close()

    assert answered == load_environment(sys.executable, "--python", use_cache=False)


@pytest.mark.skipif(SHADOWCHECK is None, reason="no shadowcheck console script beside this Python")
@pytest.mark.parametrize(
    "signum, status, message",
    [
        pytest.param(signal.SIGINT, 130, "shadowcheck: interrupted", id="ctrl-c"),
        pytest.param(signal.SIGTERM, 143, "shadowcheck: terminated", id="sigterm"),
    ],
)
@pytest.mark.parametrize("command", [["check", "."], ["verify", "train.py"]], ids=["check", "verify"])
def test_a_signal_during_the_probe_leaves_nothing_behind(tmp_path, signum, status, message, command):
    python, pids = hanging_python(tmp_path / "bin")
    project = make_tree(tmp_path / "project", {"train.py": "import json\n"})
    temporary, cache = tmp_path / "tmp", tmp_path / "cache"
    temporary.mkdir()
    environ = {**os.environ, "TMPDIR": str(temporary), "SHADOWCHECK_CACHE_DIR": str(cache)}
    process = subprocess.Popen(
        [SHADOWCHECK, *command, "--python", python], cwd=project, env=environ,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    children = started(pids)

    process.send_signal(signum)
    out, err = process.communicate(timeout=60)

    assert (process.returncode, out, err.strip()) == (status, "", message)
    for pid in children:
        wait_for(lambda: not is_running(pid), f"process {pid} to end")
    assert list(temporary.iterdir()) == []
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.skipif(SHADOWCHECK is None, reason="no shadowcheck console script beside this Python")
def test_a_finished_run_leaves_no_child_behind(tmp_path):
    # An interpreter that answers (by handing over to a real Python) but leaves a daemon.
    pids = tmp_path / "pids"
    wrapper = make_tree(tmp_path, {"python": f'#!/bin/sh\nsleep 300 &\necho $! > "{pids}"\nexec "{sys.executable}" "$@"\n'}) / "python"
    wrapper.chmod(0o755)
    project = make_tree(tmp_path / "project", {"train.py": ""})

    result = subprocess.run([SHADOWCHECK, ".", "--python", str(wrapper), "--no-cache"], cwd=project, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    [daemon] = started(pids)
    wait_for(lambda: not is_running(daemon), f"process {daemon} to end")
