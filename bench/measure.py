"""Run one command as a child process and measure it: wall time, CPU time and peak memory.

The command is started by bench/spawn.py, a small process of its own, so that its peak memory
(the maximum resident set size the kernel reports to wait4: on Linux the largest of the command
and the descendants it waited for, such as shadowcheck's environment probe) is its own, not the
benchmark's. A run that outlives its timeout is killed with its whole session and recorded as
a timeout, never waited for.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SPAWN = Path(__file__).resolve().parent / "spawn.py"


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds, from just before the fork to the command's exit
    cpu: float  # user + system seconds of the command and its waited-for descendants
    peak: int  # bytes
    status: int | None  # exit status; None when it timed out
    stdout: Path
    stderr: Path
    leftovers: int = 0  # processes of its session still running when it exited (then killed)

    @property
    def timed_out(self) -> bool:
        return self.status is None

    @property
    def crashed(self) -> str | None:
        """Why a finished run is a crash: a signal, an exit status above 2 (shadowcheck's
        statuses are 0, 1 and 2), or shadowcheck's one-line "internal error"; else None."""
        if self.timed_out:
            return None
        line = self.error_line()
        if "internal error" in line or self.status not in (0, 1, 2):
            line = line.removeprefix("shadowcheck: ").split(" (set SHADOWCHECK_DEBUG")[0]
            return f"crashed: {line or f'exit {self.status}'}"
        return None

    def error_line(self) -> str:
        """The first line the command wrote to stderr, if any."""
        try:
            text = self.stderr.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return next((line for line in text.splitlines() if line.strip()), "")


def run(argv: list[str], cwd: Path, env: dict[str, str], output: Path, timeout: float) -> Sample:
    """Run ``argv`` once; its stdout and stderr go to ``output``.out and ``output``.err."""
    stdout, stderr = output.with_suffix(".out"), output.with_suffix(".err")
    request = {"argv": argv, "cwd": str(cwd), "env": env, "stdout": str(stdout), "stderr": str(stderr), "timeout": timeout}
    spawner = subprocess.Popen([sys.executable, "-I", "-S", str(SPAWN)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        answer, _ = spawner.communicate(json.dumps(request))
    except BaseException:  # interrupted: the command must not outlive the benchmark
        spawner.terminate()
        spawner.wait()
        raise
    if spawner.returncode != 0:
        raise RuntimeError(f"bench/spawn.py failed (exit {spawner.returncode}) running {argv}")
    measured = json.loads(answer)
    return Sample(measured["wall"], measured["cpu"], measured["peak"], measured["status"], stdout, stderr, measured["leftovers"])


@dataclass(frozen=True)
class Summary:
    """The median and range of a command's counted runs; None fields when none finished."""

    runs: int
    timeouts: int
    wall: float | None
    wall_min: float | None
    wall_max: float | None
    cpu: float | None
    peak: int | None


def summarize(samples: list[Sample]) -> Summary:
    """Medians over the runs that finished; a command whose runs mostly timed out has none."""
    finished = [s for s in samples if not s.timed_out]
    if not finished or len(finished) * 2 < len(samples):
        return Summary(len(samples), len(samples) - len(finished), None, None, None, None, None)
    walls = [s.wall for s in finished]
    return Summary(
        runs=len(samples),
        timeouts=len(samples) - len(finished),
        wall=statistics.median(walls),
        wall_min=min(walls),
        wall_max=max(walls),
        cpu=statistics.median(s.cpu for s in finished),
        peak=int(statistics.median(s.peak for s in finished)),
    )


def median_ratio(numerators: list[Sample], denominators: list[Sample]) -> float | None:
    """The median of run-by-run ratios: runs taken in turn share the machine's drift."""
    ratios = [
        a.wall / b.wall
        for a, b in zip(numerators, denominators)
        if not a.timed_out and not b.timed_out and b.wall > 0
    ]
    return statistics.median(ratios) if ratios else None
