"""`doctor --train`: the reference CNN, run for real by the target interpreter, from the project
root, after `verify --reference` says its imports resolve there."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from shadowcheck.ftypes import TargetEnvironment
from shadowcheck.paths import relative
from shadowcheck.verify import REFERENCE_SCRIPT, Target, VerifiedImport, verify

TRAINED, FAILED, NOT_STARTED = "trained", "failed", "not-started"
# What the reference reaches on scikit-learn's digits in 20 epochs (tests/test_reference.py).
MIN_ACCURACY = 0.95
TRAIN_TIMEOUT = 1800.0
# `python -c` puts "" (the working directory) first on sys.path unless -P or PYTHONSAFEPATH is
# in force (Modules/main.c pymain_run_python, 3.11+ sys.flags.safe_path): the absolute project
# root takes its place, as `python ROOT/train.py` puts ROOT there. Nothing but sys (imported at
# start-up anyway) is imported before the script, so the run imports what the script would.
BOOTSTRAP = """\
import sys
root = sys.argv[1]
del sys.argv[:2]
if sys.path[:1] == [""]:
    sys.path[0] = root
__file__ = sys.argv[0]
del root, sys
with open(__file__, "rb") as source:
    code = compile(source.read(), __file__, "exec")
del source
exec(code)
"""
EPOCH_LINE = re.compile(r"^epoch (\d+)/(\d+): ([0-9.]+) s, accuracy ([0-9.]+|nan)$")
ACCURACY_LINE = re.compile(r"^test accuracy: ([0-9.]+)$")
BACKEND_LINE = re.compile(r"^backend: (\S+)$")


@dataclass(frozen=True)
class Epoch:
    number: int
    epochs: int
    seconds: float
    accuracy: float  # on the training data, as Keras logs it


@dataclass(frozen=True)
class TrainingResult:
    status: str  # TRAINED, FAILED or NOT_STARTED
    script: str  # the reference script
    python: str
    root: str  # the project root, first on sys.path
    epochs: int
    epoch_seconds: tuple[float, ...] = ()
    accuracy: float | None = None  # on the held-out test set
    backend: str | None = None
    seconds: float | None = None  # the whole run, imports included
    reason: str | None = None  # why it failed or did not start, one line
    blocked_by: tuple[str, ...] = ()  # verify's failing imports, when it did not start

    @property
    def seconds_per_epoch(self) -> float | None:
        return sum(self.epoch_seconds) / len(self.epoch_seconds) if self.epoch_seconds else None

    @property
    def passed(self) -> bool:
        return self.status == TRAINED and self.accuracy is not None and self.accuracy >= MIN_ACCURACY


def train_reference(
    environment: TargetEnvironment,
    root: Path,
    environ: Mapping[str, str],
    epochs: int = 20,
    on_epoch: Callable[[Epoch], None] | None = None,
    timeout: float = TRAIN_TIMEOUT,
) -> TrainingResult:
    """Train the reference CNN with ``environment``'s interpreter, ``root`` first on sys.path,
    unless verify predicts that its imports fail there; ``on_epoch`` sees each epoch end."""
    result = TrainingResult(NOT_STARTED, str(REFERENCE_SCRIPT), environment.python, str(root), epochs)
    verification = verify(Target(reference=True), environment, root, environ)
    failing = [record for record in verification.imports if record.severity == "error"]
    if failing:
        return replace(
            result,
            reason=f"its imports would fail from {root} (shadowcheck verify --reference)",
            blocked_by=tuple(_blocking(record, root) for record in failing),
        )
    command = [
        environment.python, "-u", "-c", BOOTSTRAP, os.path.realpath(root),
        str(REFERENCE_SCRIPT), "--epochs", str(epochs), "--progress",
    ]  # fmt: skip
    child_environ = {**environ, "PYTHONUNBUFFERED": "1"}
    child_environ.pop("__PYVENV_LAUNCHER__", None)  # see environment/probe.py _run
    seen: list[Epoch] = []
    accuracy = backend = None
    started = time.monotonic()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, cwd=root, env=child_environ, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=stderr, text=True, errors="replace",
        )  # fmt: skip
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            for line in process.stdout or ():
                line = line.strip()
                if match := EPOCH_LINE.match(line):
                    epoch = Epoch(int(match[1]), int(match[2]), float(match[3]), float(match[4]))
                    seen.append(epoch)
                    if on_epoch is not None:
                        on_epoch(epoch)
                elif match := ACCURACY_LINE.match(line):
                    accuracy = float(match[1])
                elif match := BACKEND_LINE.match(line):
                    backend = match[1]
            status = process.wait()
        except BaseException:  # Ctrl-C: never leave the training running
            process.kill()
            process.wait()
            raise
        finally:
            timer.cancel()
        stderr.seek(0)
        last_error = _last_line(stderr.read().decode("utf-8", "replace"))
    elapsed = time.monotonic() - started
    result = replace(result, epoch_seconds=tuple(e.seconds for e in seen), accuracy=accuracy, backend=backend, seconds=elapsed)
    if elapsed >= timeout:
        return replace(result, status=FAILED, reason=f"it did not finish within {timeout:g} seconds")
    if status != 0 or accuracy is None:
        reason = last_error or f"it exited with status {status} and wrote nothing to stderr"
        return replace(result, status=FAILED, reason=reason)
    return replace(result, status=TRAINED)


def _blocking(record: VerifiedImport, root: Path) -> str:
    where = f"{relative(record.origin, root)}: " if record.kind == "project" and record.origin else ""
    text = f"{record.module}: {where}{record.status}"
    if record.predicted_error:
        text += f" ({record.predicted_error})"
    if record.fix:
        text += f"; fix: {record.fix}"
    return text


def _last_line(text: str) -> str | None:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else None
