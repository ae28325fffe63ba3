"""Child processes that end at their deadline, with everything they started.

A `--python` may be any program, and a program can start others: the probe runs in a process
group of its own, and the whole group is killed when the deadline passes, when shadowcheck is
interrupted, and after the probe answers (a daemon it left behind would outlive us).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence

class Terminated(BaseException):
    """SIGTERM arrived. A BaseException, like KeyboardInterrupt, so that `except Exception`
    never swallows it and every `finally` (temporary files, child processes) still runs."""


def terminate_on_sigterm() -> None:
    """Turn SIGTERM into Terminated for the rest of this process (the console entry only)."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _raise_terminated)


def _raise_terminated(signum: int, frame: object) -> None:
    # A second SIGTERM must not interrupt the clean-up the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated


def run_bounded(
    argv: Sequence[str], *, cwd: str, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """Run ``argv`` with no standard input, capturing its output; raise
    subprocess.TimeoutExpired after ``timeout`` seconds, OSError when it cannot start.
    Nothing it started is left running when this returns or raises."""
    # Output goes to anonymous files, not pipes: a daemon the child leaves behind keeps a
    # pipe open (reading it would wait for the daemon), and a file without a name is gone
    # with us, however we end.
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
            **_own_group(),
        )  # fmt: skip
        try:
            process.wait(timeout=timeout)
        finally:  # the deadline, Ctrl-C, Terminated, or done: nothing may outlive us
            _kill_group(process)
            process.wait()
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess(list(argv), process.returncode, stdout.read(), stderr.read())


def _own_group() -> dict[str, object]:
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    # A new session: a new process group, and no terminal, so Ctrl-C reaches only us; we
    # then end the group ourselves.
    return {"start_new_session": True}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if os.name == "nt":
        process.kill()
        return
    try:
        # The group id is the leader's pid, which the kernel does not reuse while any member
        # of the group is alive (even after the leader is reaped); with none left, ESRCH.
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
