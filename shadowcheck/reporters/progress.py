"""Progress on a terminal: one line on standard error, redrawn, erased at the end.

Shown only when standard error is a terminal, and only once a run has lasted ``DELAY`` seconds:
a quick run prints nothing, and logs and pipes never get carriage returns.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO

from shadowcheck.ftypes import Progress

DELAY = 1.0  # seconds before the first line: most runs finish sooner
INTERVAL = 0.1  # seconds between redraws
_ERASE = "\r\033[K"


class TerminalProgress(Progress):
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None
        self.stage = ""
        self.counts: dict[str, int] = {}

    def doing(self, what: str) -> None:
        self.stage = what
        self._draw()

    def advance(self, what: str, count: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + count
        self._draw()

    def line(self) -> str:
        counts = ", ".join(f"{count:,} {what}" for what, count in self.counts.items())
        return "shadowcheck: " + " · ".join(part for part in (self.stage, counts) if part)

    def _draw(self) -> None:
        now = self.clock()
        if now - self.started < DELAY:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL:
            return
        width = shutil.get_terminal_size().columns - 1
        self.stream.write(_ERASE + self.line()[:width])
        self.stream.flush()
        self.drawn_at = now

    def close(self) -> None:
        """Erase the line, so that what follows starts on a clean one."""
        if self.drawn_at is not None:
            self.stream.write(_ERASE)
            self.stream.flush()
