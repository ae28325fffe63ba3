"""Run one command and report its wall time, CPU time and peak memory as JSON on stdout.

`python -I -S bench/spawn.py < REQUEST`, REQUEST a JSON object: argv, cwd, env, stdout and stderr
(file paths) and timeout (seconds). It exists because the kernel's peak-memory figure
(ru_maxrss) keeps the high-water mark of the process image a child was forked from: forked from
the benchmark, which holds a plan of 40,000 files, every command would look as large as the
benchmark. Forked from this small process instead (about 8 MB, no site, standard library only),
a command's figure is its own. The command runs in a session of its own; on a timeout, or when
this process is terminated, that whole session is killed.
"""

import json
import os
import select
import signal
import sys
import time

# ru_maxrss is in kilobytes on Linux, in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


def wait_for_exit(pid, timeout):
    """Block until ``pid`` exits (without reaping it) or ``timeout`` passes."""
    if hasattr(os, "pidfd_open"):
        descriptor = os.pidfd_open(pid)
        try:
            return bool(select.select([descriptor], [], [], timeout)[0])
        finally:
            os.close(descriptor)
    deadline = time.monotonic() + timeout  # no pidfd: poll without reaping
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.005)
    return False


def kill_session(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def others_in_session(session):
    """How many processes besides its leader are in ``session`` (Linux; 0 elsewhere)."""
    count = 0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0
    for entry in entries:
        if not entry.isdigit() or int(entry) == session:
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and int(fields[3]) == session:  # state, ppid, pgrp, session
            count += 1
    return count


def main(request):
    stdout = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    stderr = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            os.chdir(request["cwd"])
            os.execvpe(request["argv"][0], request["argv"], request["env"])
        except OSError as error:
            os.write(2, f"cannot run {request['argv'][0]}: {error}\n".encode())
        os._exit(127)

    def terminated(number, frame):
        kill_session(pid)
        os.wait4(pid, 0)
        sys.exit(128 + number)

    signal.signal(signal.SIGTERM, terminated)
    finished = wait_for_exit(pid, request["timeout"])
    wall = time.perf_counter() - start
    # On a timeout the command; otherwise whatever it left running (nothing should), so that
    # it cannot run into the next measurement. The child is not reaped yet: its session id is
    # still its own.
    leftovers = others_in_session(pid) if finished else 0
    kill_session(pid)
    _, status, usage = os.wait4(pid, 0)
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak": usage.ru_maxrss * RSS_UNIT,
                "status": os.waitstatus_to_exitcode(status) if finished else None,
                "leftovers": leftovers,
            }
        )
    )


if __name__ == "__main__":
    main(json.load(sys.stdin))
