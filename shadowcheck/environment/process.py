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
import time
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
    process = BoundedProcess(argv, cwd=cwd, env=env, timeout=timeout)
    try:
        return process.result()
    finally:
        process.close()


class BoundedProcess:
    """run_bounded in two halves, so that the caller can work while the child runs: starting
    it (OSError when it cannot start), then result() (subprocess.TimeoutExpired once
    ``timeout`` seconds have passed since the start). The caller must close() it, however it
    ends: nothing the child started outlives that."""

    def __init__(self, argv: Sequence[str], *, cwd: str, env: Mapping[str, str], timeout: float):
        self.argv = list(argv)
        self._deadline = time.monotonic() + timeout
        self._timeout = timeout
        # Output goes to anonymous files, not pipes: a daemon the child leaves behind keeps a
        # pipe open (reading it would wait for the daemon), and a file without a name is gone
        # with us, however we end.
        self._stdout = tempfile.TemporaryFile()
        self._stderr = tempfile.TemporaryFile()
        self._process: subprocess.Popen[bytes] | None = None
        self._running: subprocess.Popen[bytes] | None = None  # until its group is ended
        try:
            self._process = self._running = subprocess.Popen(
                self.argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=self._stdout,
                stderr=self._stderr, **_own_group(),
            )  # fmt: skip
        except BaseException:
            self.close()
            raise

    def result(self) -> subprocess.CompletedProcess[bytes]:
        """The finished child's status and output; its whole group is ended either way."""
        process = self._process
        assert process is not None
        try:
            process.wait(timeout=max(0.0, self._deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise subprocess.TimeoutExpired(self.argv, self._timeout) from None
        finally:  # the deadline, Ctrl-C, Terminated, or done: nothing may outlive us
            self._end()
        self._stdout.seek(0)
        self._stderr.seek(0)
        return subprocess.CompletedProcess(self.argv, process.returncode, self._stdout.read(), self._stderr.read())

    def close(self) -> None:
        """End the child and everything it started (if result() has not), and let go of its output."""
        try:
            self._end()
        finally:
            self._stdout.close()
            self._stderr.close()

    def _end(self) -> None:
        # Once only: after the leader is reaped and its group gone, its pid may be reused.
        process, self._running = self._running, None
        if process is not None:
            _kill_group(process)
            process.wait()


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
